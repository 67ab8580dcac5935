"""Write-ahead log checkpoints in the background, not in the middle of someone's write.

SQLite copies its write-ahead log back into the database file (a checkpoint) by itself once the log
holds 1,000 pages, inside the commit that crossed the line: that request then spends 10–20 ms copying
pages and waiting for two fsyncs, while it still holds the write lock every other writer of every
process queues on (DatabaseWrapper's lock file). On a busy site a quarter of the time writers held
that lock went into checkpoints.

So the site's connections leave checkpoints out (`wal_autocheckpoint=0`), and each process runs one
thread that checkpoints every database it has opened, twice a second, in PASSIVE mode: it copies what
no reader still needs, takes no lock a writer waits on, and costs next to nothing when there is
nothing to copy. A process that stops leaves its log to the others and to SQLite itself (the last
connection to close checkpoints). The checkpoint opens the file read-write without creating it, so a
database that was removed (a test's) is not brought back.
"""

import logging
import os
import threading
from urllib.parse import quote

from pysqlite3 import dbapi2

logger = logging.getLogger("ustoo.core.sqlite")

INTERVAL_SECONDS = 0.5

_lock = threading.Lock()
_databases: set[str] = set()
_thread: threading.Thread | None = None
_thread_pid: int | None = None


def watch(database: str) -> None:
    """Checkpoint `database` (a file path) from this process's checkpointer, starting it if needed
    (the first time, or in a worker forked from a process that had one)."""
    global _thread, _thread_pid
    with _lock:
        _databases.add(database)
        if _thread is None or _thread_pid != os.getpid() or not _thread.is_alive():
            _thread = threading.Thread(target=_run, name="ustoo-sqlite-checkpoint", daemon=True)
            _thread_pid = os.getpid()
            _thread.start()


def checkpoint(database: str) -> tuple[int, int, int] | None:
    """One PASSIVE checkpoint of `database`: (busy, frames in the log, frames copied back), or None
    when the file is gone."""
    try:
        connection = dbapi2.connect(f"file:{quote(database)}?mode=rw", uri=True, timeout=5)
    except dbapi2.OperationalError:
        return None
    try:
        return tuple(connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone())
    finally:
        connection.close()


def _run() -> None:
    stop = threading.Event()  # never set: the thread lives as long as its process
    while not stop.wait(INTERVAL_SECONDS):
        with _lock:
            databases = sorted(_databases)
        for database in databases:
            try:
                if checkpoint(database) is None:
                    with _lock:
                        _databases.discard(database)
            except Exception:  # the thread must live on; the next round tries again
                logger.warning("SQLite checkpoint failed; the next one tries again", exc_info=True)
