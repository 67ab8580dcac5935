"""Writers in several server processes share one SQLite file: each transaction takes the write lock
as it begins (IMMEDIATE), the others wait for it (the connection's timeout), and every statement is
stored and counted once. And the site runs with DEBUG on, as a developer runs it."""

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
        from django.db.models import Sum
        from ustoo.magnitude.models import Counter
        from ustoo.stories.models import Statement
        total = Counter.objects.filter(dimension="day").aggregate(total=Sum("count"))["total"]
        print(Statement.objects.count(), total, [w.exitcode for w in workers])
    """
)


def test_writers_in_several_processes_wait_for_each_other_and_lose_nothing(tmp_path: Path):
    assert run_on_file_database(tmp_path, WRITER).strip() == "300 300 [0, 0, 0]"


DEBUGGING = textwrap.dedent(
    """
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    call_command("migrate", verbosity=0)
    setup_test_environment()
    with CaptureQueriesContext(connection) as captured:
        response = Client().post("/speak/", {"once": "debugging"})
    logged = [query["sql"] for query in captured]  # read now: the next request empties the log
    wall = Client().get("/")
    print(settings.DEBUG, response.status_code, wall.status_code, len(logged) > 0)
    print(any("INSERT INTO" in sql and "stories_statement" in sql for sql in logged))
    """
)


def test_the_site_runs_with_debug_on(tmp_path: Path):
    """With USTOO_DEBUG=1 a fresh data directory migrates, pages answer and queries can be logged
    (Django's query log asks the connection for its limits)."""
    assert run_on_file_database(tmp_path, DEBUGGING, USTOO_DEBUG="1").split() == [
        "True",
        "200",
        "200",
        "True",
        "True",
    ]
