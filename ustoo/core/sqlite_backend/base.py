"""Django's SQLite backend, running on the SQLite bundled with pysqlite3-binary.

Debian's Python links SQLite 3.40; deleting a story must also erase it from the full-text index at
once, which needs FTS5's `secure-delete` option (SQLite 3.44+). pysqlite3 is the standard library's
sqlite3 module built against a current SQLite; Django's backend imports `sqlite3` by name, so the
module is put in its place before that backend is first imported.
"""

import fcntl
import functools
import os
import sys
import threading

import pysqlite3
from pysqlite3 import dbapi2

if "django.db.backends.sqlite3.base" in sys.modules and sys.modules.get("sqlite3") is not pysqlite3:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("Django's SQLite backend was imported before ustoo.core.sqlite_backend.")

sys.modules["sqlite3"] = pysqlite3
sys.modules["sqlite3.dbapi2"] = dbapi2

from django.db.backends.sqlite3.base import FORMAT_QMARK_REGEX, SQLiteCursorWrapper  # noqa: E402
from django.db.backends.sqlite3.base import DatabaseWrapper as _DatabaseWrapper  # noqa: E402
from django.db.backends.sqlite3.features import DatabaseFeatures as _DatabaseFeatures  # noqa: E402

from ustoo.core.sqlite_backend import checkpointer  # noqa: E402


class DatabaseFeatures(_DatabaseFeatures):
    # pysqlite3's Connection has no getlimit(); SQLITE_MAX_VARIABLE_NUMBER is 32766 since 3.32.
    max_query_params = 32766


# A site runs the same few hundred queries over and over; longer ones (a bulk insert of many rows)
# are rare, and their rewriting is small beside their rows.
_KEPT_QUERY_CHARACTERS = 4000


@functools.lru_cache(maxsize=1024)
def _qmark_style(query: str) -> str:
    return FORMAT_QMARK_REGEX.sub("?", query).replace("%%", "%")


class CursorWrapper(SQLiteCursorWrapper):
    """Django's SQLite cursor, which rewrites a query's %s placeholders as SQLite's ? with a regular
    expression on every run (about 9 µs for a two-row INSERT of a statement): here each distinct
    query is rewritten once per process."""

    def convert_query(self, query, *, param_names=None):
        if param_names is None and len(query) <= _KEPT_QUERY_CHARACTERS:
            return _qmark_style(query)
        return super().convert_query(query, param_names=param_names)


# SQLite lets one writer in at a time; the others sleep and retry (1 ms, 2 ms, 5 ms, ...), which
# wastes most of a busy server's time. Writers queue instead: the threads of one process on a lock,
# and the processes (gunicorn's workers, cron's commands) on an flock of a file beside the database,
# so each transaction starts the moment the previous one commits. SQLite's busy wait is left for
# whoever does not take the file lock (a sqlite3 shell, say).
_one_writer_per_process = threading.Lock()
_lock_files: dict[tuple[int, str], int] = {}


def _lock_file(database: str) -> int:
    """This process's descriptor of the database's lock file, opened after any fork (gunicorn's
    workers must not share one: flock locks belong to an open file)."""
    key = (os.getpid(), database)
    if key not in _lock_files:
        _lock_files[key] = os.open(f"{database}.writelock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    return _lock_files[key]


class DatabaseWrapper(_DatabaseWrapper):
    features_class = DatabaseFeatures
    _holds_writer_lock = False
    _locked_file: int | None = None

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        if not self.is_in_memory_db():
            # Never inside a commit, while every other writer waits: in the background (checkpointer).
            connection.execute("PRAGMA wal_autocheckpoint=0")
            checkpointer.watch(str(self.settings_dict["NAME"]))
        return connection

    def create_cursor(self, name=None):
        return self.connection.cursor(factory=CursorWrapper)

    def _start_transaction_under_autocommit(self):
        _one_writer_per_process.acquire()
        self._holds_writer_lock = True
        try:
            if not self.is_in_memory_db():
                self._locked_file = _lock_file(str(self.settings_dict["NAME"]))
                fcntl.flock(self._locked_file, fcntl.LOCK_EX)  # waits without the GIL
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_writer_lock()
            raise

    def _release_writer_lock(self) -> None:
        if self._holds_writer_lock:
            self._holds_writer_lock = False
            if self._locked_file is not None:
                fcntl.flock(self._locked_file, fcntl.LOCK_UN)
                self._locked_file = None
            _one_writer_per_process.release()

    def _commit(self):
        try:
            super()._commit()
        finally:
            self._release_writer_lock()

    def _rollback(self):
        try:
            super()._rollback()
        finally:
            self._release_writer_lock()

    def _close(self):
        try:
            super()._close()
        finally:
            self._release_writer_lock()
