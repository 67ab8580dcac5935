"""The default shared cache: diskcache's SQLite files, kept open between requests.

Django closes every cache at the end of each request; for diskcache that means closing its SQLite
connections and opening them again at the next use (0.4 to 1 ms, on every rate-limited request).
diskcache keeps one connection per thread, so they can stay open for the life of the process."""

from diskcache import DjangoCache


class PersistentDiskCache(DjangoCache):
    def close(self, **kwargs) -> None:
        """Keep this thread's connections: the next request of the thread reuses them."""
