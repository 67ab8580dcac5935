"""How many OPRF evaluations an account and the whole site may spend (PROTOCOL.md §5).

Counters live in the shared cache under hashes of the owner's pseudonym, in fixed windows. Each request
adds what it asks for first and gives it back if that went over a limit: the cache's increment is
atomic, so concurrent requests never spend more than the limit between them."""

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

DAY = 86400
MONTH = 30 * DAY
HOUR = 3600


@dataclass(frozen=True)
class Window:
    scope: str
    seconds: int
    limit: int


def _windows(owner: str) -> list[tuple[Window, str]]:
    return [
        (Window("day", DAY, settings.MATCHING_EVALUATIONS_PER_DAY), owner),
        (Window("month", MONTH, settings.MATCHING_EVALUATIONS_PER_MONTH), owner),
        (Window("site", HOUR, settings.MATCHING_EVALUATIONS_PER_HOUR), "site"),
    ]


def _key(window: Window, subject: str, now: float) -> str:
    digest = hashlib.sha256(f"{window.scope}\x00{subject}".encode()).hexdigest()[:40]
    return f"matching:budget:{window.scope}:{int(now // window.seconds)}:{digest}"


def spend(owner: str, count: int) -> int | None:
    """Spend `count` evaluations for `owner`: None when they fit every limit, else the seconds until
    the first window that refused ends (and nothing is spent)."""
    now = time.time()
    spent: list[str] = []
    for window, subject in _windows(owner):
        key = _key(window, subject, now)
        cache.add(key, 0, timeout=window.seconds)
        spent.append(key)
        if cache.incr(key, count) > window.limit:
            for done in spent:
                cache.decr(done, count)
            return int(window.seconds - now % window.seconds) + 1
    return None


def left(owner: str) -> dict[str, int]:
    now = time.time()
    counts = {
        window.scope: max(0, window.limit - (cache.get(_key(window, subject, now)) or 0))
        for window, subject in _windows(owner)
    }
    site = counts["site"]
    return {"today": min(counts["day"], site), "month": min(counts["month"], site)}
