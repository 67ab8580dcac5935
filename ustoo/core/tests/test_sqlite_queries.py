"""The SQLite backend's cursor rewrites each distinct query's placeholders once per process, with the
same result as Django's rewriting on every run."""

from pysqlite3 import dbapi2

from ustoo.core.sqlite_backend import base


def _cursor():
    return dbapi2.connect(":memory:").cursor(factory=base.CursorWrapper)


def test_placeholders_are_rewritten_as_django_does():
    cursor = _cursor()
    cursor.execute("SELECT %s, '100%%', %s", [1, "two"])
    assert cursor.fetchone() == (1, "100%", "two")
    cursor.execute("SELECT %(first)s || %(second)s", {"first": "x", "second": "y"})
    assert cursor.fetchone() == ("xy",)
    cursor.execute("SELECT 1")  # no parameters: the query as written
    assert cursor.fetchone() == (1,)


def test_each_distinct_query_is_rewritten_once_and_long_ones_are_not_kept():
    base._qmark_style.cache_clear()
    cursor = _cursor()
    for value in range(5):
        cursor.execute("SELECT %s + 1", [value])
        assert cursor.fetchone() == (value + 1,)
    assert base._qmark_style.cache_info().misses == 1
    assert base._qmark_style.cache_info().hits == 4
    long_query = "SELECT %s" + " " * base._KEPT_QUERY_CHARACTERS
    cursor.execute(long_query, [7])
    assert cursor.fetchone() == (7,)
    assert base._qmark_style.cache_info().currsize == 1  # rewritten, not kept


def test_the_site_uses_this_cursor_on_sqlite(django_db_blocker):
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor != "sqlite":
            assert connection.vendor == "postgresql"  # the other database the site runs on
            return
        with connection.cursor() as cursor:
            assert isinstance(cursor.cursor, base.CursorWrapper)
