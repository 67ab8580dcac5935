"""SQLite's write-ahead log goes back into the database file from a background thread of each
process (core/sqlite_backend/checkpointer.py), never inside a request's commit."""

import textwrap
from pathlib import Path

from ustoo.core.sqlite_backend import checkpointer
from ustoo.core.tests.file_database import run_on_file_database

SITE = textwrap.dedent(
    """
    import shutil, sqlite3, sys, time
    from pathlib import Path

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from ustoo.stories import services

    call_command("migrate", verbosity=0)
    for _ in range(50):
        services.say_me_too(member=None, anonymous=True)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        print("autocheckpoint", cursor.fetchone()[0])
    database = Path(connection.settings_dict["NAME"])
    # The connection stays open: closing the last one would checkpoint by itself.
    deadline = time.monotonic() + 30
    while True:
        copy = database.with_name("file-alone.sqlite3")  # the database file without its log
        shutil.copyfile(database, copy)
        try:
            found = sqlite3.connect(copy).execute("SELECT count(*) FROM stories_statement").fetchone()[0]
        except sqlite3.OperationalError:  # not even the tables are in the file yet
            found = 0
        if found == 50 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    print("in the file", found)
    """
)


def test_the_log_reaches_the_database_file_without_a_commit_copying_it(tmp_path: Path):
    assert run_on_file_database(tmp_path, SITE).split("\n")[:2] == ["autocheckpoint 0", "in the file 50"]


def test_a_checkpoint_copies_the_log_back(tmp_path: Path):
    from pysqlite3 import dbapi2

    database = tmp_path / "a data dir? #1 %20" / "db.sqlite3"  # read as a path, not as parts of a URI
    database.parent.mkdir()
    writer = dbapi2.connect(database)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("CREATE TABLE said (id INTEGER PRIMARY KEY)")
    writer.executemany("INSERT INTO said VALUES (?)", [(number,) for number in range(100)])
    writer.commit()
    busy, frames, copied = checkpointer.checkpoint(str(database))
    assert busy == 0 and frames > 0 and copied == frames
    writer.close()


def test_a_removed_database_is_not_brought_back(tmp_path: Path):
    gone = tmp_path / "removed.sqlite3"
    assert checkpointer.checkpoint(str(gone)) is None
    assert not gone.exists()
