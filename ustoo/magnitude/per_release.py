"""What is made from a release (the API's JSON, the page's charts and tables, the CSV) is made once
per process and release, then reused until the release's period ends.

A release does not change within its period, so neither does anything drawn from it; only the exact
total does, and callers add it to what they get here on every request. Reusing keeps the work of a
request the same whether the release holds ten figures or ten thousand: the request neither reads
the release nor unpickles it, it takes ready text from this process's memory.

The key is the period (one release per period, never changed once stored) and what the caller says
its result depends on (the language of a page, the breakdowns asked for, the day). Only what every
reader of the period may see goes in: figures from the release, which hold no cell below k."""

import datetime
import math
import threading
from collections.abc import Callable

from django.core.cache import caches
from django.db import connection
from django.utils import timezone

from ustoo.magnitude.models import Release
from ustoo.magnitude.services import current_release, period_start, release_seconds

_MISSING = object()
# One lock per slot, the key choosing its slot: when a period begins, one thread per process makes
# each thing while the others wait for it, rather than every thread making it at once.
_MAKE_LOCKS = tuple(threading.Lock() for _ in range(16))


def once_per_release[T](
    what: str, *depends_on: str, make: Callable[[Release], T], now: datetime.datetime | None = None
) -> T:
    """`make(release)` for this period's release, made at most once per process and period for
    each `depends_on`. What `make` returns must hold nothing personal and nothing but released figures."""
    moment = now or timezone.now()
    start = period_start(moment)
    key = ":".join(["magnitude", what, start.isoformat(), *depends_on])
    local = caches["local"]
    found = local.get(key, _MISSING)
    if found is not _MISSING:
        return found
    # Take this thread's database connection before the lock, not while holding it: from a pool of
    # a few (PostgreSQL), a thread holding the lock and waiting for a connection could wait on the
    # very threads that hold one and wait for the lock.
    connection.ensure_connection()
    with _MAKE_LOCKS[hash(key) % len(_MAKE_LOCKS)]:
        found = local.get(key, _MISSING)
        if found is _MISSING:
            found = make(current_release(now=moment))
            period_left = start + datetime.timedelta(seconds=release_seconds()) - moment
            local.set(key, found, max(1, math.ceil(period_left.total_seconds())))
    return found
