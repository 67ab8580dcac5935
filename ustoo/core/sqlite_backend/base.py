"""Django's SQLite backend, with its connections opened by pysqlite3 (a current SQLite).

Deleting a story must erase its words from the full-text index at once, which needs FTS5's
`secure-delete` option (SQLite 3.44+); Debian 12's Python links SQLite 3.40. pysqlite3-binary is the
standard library's sqlite3 module built against a current SQLite. Only this backend's connections
come from it: the standard library module stays what it is, for everyone else.

Everything else is Django's backend as it ships: its transaction mode and init_command come from
DATABASES' OPTIONS (settings.py)."""

import sqlite3

from django.db.backends.sqlite3 import base
from django.utils.asyncio import async_unsafe
from pysqlite3 import dbapi2

# Django registers how its values go in and come out on the standard library's module (its base);
# the same, on the module these connections come from.
for declared, convert in (
    ("bool", b"1".__eq__),
    ("date", base.decoder(base.parse_date)),
    ("time", base.decoder(base.parse_time)),
    ("datetime", base.decoder(base.parse_datetime)),
    ("timestamp", base.decoder(base.parse_datetime)),
):
    dbapi2.register_converter(declared, convert)
dbapi2.register_adapter(base.decimal.Decimal, str)
dbapi2.register_adapter(base.datetime.date, base.adapt_date)
dbapi2.register_adapter(base.datetime.datetime, base.adapt_datetime)


class Connection(dbapi2.Connection):
    """pysqlite3's connection predates sqlite3.Connection.getlimit() (Python 3.11), which Django
    asks for the most parameters a query may have and, in DEBUG, to log queries. These are the
    limits SQLite is built with unless told otherwise, which pysqlite3-binary is not."""

    # Django names the categories with the standard library's constants (SQLite's own numbers).
    LIMITS = {sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER: 32766, sqlite3.SQLITE_LIMIT_COLUMN: 2000}

    def getlimit(self, category: int) -> int:
        return self.LIMITS[category]


class CursorWrapper(dbapi2.Cursor):
    """Django's SQLiteCursorWrapper, on pysqlite3's cursor: Django's queries use %s placeholders,
    SQLite's ?, and Django's own wrapper can only wrap the standard library's cursor."""

    def execute(self, query, params=None):
        if params is None:
            return super().execute(query)
        param_names = list(params) if isinstance(params, base.Mapping) else None
        return super().execute(self.convert_query(query, param_names=param_names), params)

    def executemany(self, query, param_list):
        peekable, param_list = base.tee(iter(param_list))
        params = next(peekable, None)
        param_names = list(params) if params and isinstance(params, base.Mapping) else None
        return super().executemany(self.convert_query(query, param_names=param_names), param_list)

    convert_query = base.SQLiteCursorWrapper.convert_query


class DatabaseWrapper(base.DatabaseWrapper):
    Database = dbapi2

    @async_unsafe
    def get_new_connection(self, conn_params):
        # Django's, which opens it with the standard library's module: here with pysqlite3's.
        connection = dbapi2.connect(**conn_params, factory=Connection)
        base.register_functions(connection)
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA legacy_alter_table = OFF")
        for init_command in self.init_commands:
            if init_command := init_command.strip():
                connection.execute(init_command)
        return connection

    def create_cursor(self, name=None):
        return self.connection.cursor(factory=CursorWrapper)
