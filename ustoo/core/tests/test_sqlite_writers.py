"""Writers in several server processes share one SQLite file: they queue on a lock file beside it
(core/sqlite_backend), and every statement is stored and counted once."""

import textwrap
from pathlib import Path

from ustoo.core.tests.file_database import run_on_file_database

WRITER = textwrap.dedent(
    """
    import multiprocessing, os, sys
    from concurrent.futures import ThreadPoolExecutor

    import django

    def speak(count):
        from django.db import connection
        from ustoo.stories import services
        try:
            for _ in range(count):
                services.say_me_too(member=None, anonymous=True)
        finally:
            connection.close()

    def process():
        django.setup()
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(speak, [25] * 4))

    if __name__ == "__main__":
        django.setup()
        from django.core.management import call_command
        call_command("migrate", verbosity=0)
        from django.db import connections
        connections.close_all()
        workers = [multiprocessing.get_context("spawn").Process(target=process) for _ in range(3)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        from ustoo.stories.models import Statement, StatementTally
        print(Statement.objects.count(), StatementTally.total()[0], [w.exitcode for w in workers])
    """
)


def test_writers_in_several_processes_queue_on_the_lock_file_and_lose_nothing(tmp_path: Path):
    assert run_on_file_database(tmp_path, WRITER).strip() == "300 300 [0, 0, 0]"
    assert (tmp_path / "data" / "ustoo.sqlite3.writelock").exists()
