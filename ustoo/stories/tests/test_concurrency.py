"""Concurrent speakers: every statement is stored once and counted once."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from ustoo.conftest import counted_total
from ustoo.stories import services
from ustoo.stories.models import Statement

WRITERS = 8
EACH = 20


def _speak_many(count: int) -> int:
    for _ in range(count):
        try:
            services.say_me_too(member=None, anonymous=True)
        finally:
            connection.close()  # as at the end of a request: back to the pool, if there is one
    return count


@pytest.mark.django_db(transaction=True)
def test_concurrent_statements_are_all_counted_exactly_once():
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        done = sum(pool.map(_speak_many, [EACH] * WRITERS))
    assert done == WRITERS * EACH
    assert Statement.objects.count() == WRITERS * EACH
    assert counted_total() == WRITERS * EACH
