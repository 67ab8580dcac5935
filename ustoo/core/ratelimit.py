"""Counting attempts without storing who made them.

A client is known only by an HMAC of its address under a key that changes every day, kept in the
cache with a short expiry; the address itself is never stored or logged. A browser session is known
by a hash of its cookie. Limits are fixed windows: at most N attempts per window, per client and per
session; an attempt over the limit is not counted and is told how long to wait."""

import hashlib
import hmac
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


def client_address(request: HttpRequest) -> str:
    """The client's address, for hashing only. Behind a reverse proxy, the address it appended."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def client_fingerprint(request: HttpRequest) -> str:
    day = timezone.now().date().isoformat()
    daily_key = hmac.new(
        settings.SECRET_KEY.encode(), f"ustoo client key {day}".encode(), hashlib.sha256
    ).digest()
    return hmac.new(daily_key, client_address(request).encode(), hashlib.sha256).hexdigest()[:32]


def _session_fingerprint(request: HttpRequest) -> str | None:
    cookie = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    return hashlib.sha256(cookie.encode()).hexdigest()[:32] if cookie else None


def _key(scope: str, subject: str) -> str:
    digest = hashlib.sha256(f"{scope}\x00{subject}".encode()).hexdigest()[:40]
    return f"rl:{scope}:{digest}"


def _count(key: str, window_seconds: int) -> int:
    if cache.add(key, 1, timeout=window_seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        return 1


def is_blocked(scope: str, subject: str, limit: int) -> bool:
    return (cache.get(_key(scope, subject)) or 0) >= limit


def record(scope: str, subject: str, window_seconds: int) -> int:
    return _count(_key(scope, subject), window_seconds)


def reset(scope: str, subject: str) -> None:
    cache.delete(_key(scope, subject))


def hit(request: HttpRequest, scope: str) -> int | None:
    """Count one attempt at `scope` (settings.RATE_LIMITS) by this client and session.

    Returns None when allowed, or the seconds to wait when over a limit (then nothing is counted)."""
    if not settings.RATE_LIMITS_ENABLED:
        return None
    per_client, per_session = (Rate(*pair) for pair in settings.RATE_LIMITS[scope])
    subjects = [("client", client_fingerprint(request), per_client)]
    if (session := _session_fingerprint(request)) is not None:
        subjects.append(("session", session, per_session))
    now = time.time()
    keys = []
    for kind, subject, rate in subjects:
        window = int(now // rate.seconds)
        key = _key(f"{scope}:{kind}:{window}", subject)
        if (cache.get(key) or 0) >= rate.count:
            return max(1, int((window + 1) * rate.seconds - now) + 1)
        keys.append((key, rate.seconds))
    for key, seconds in keys:
        _count(key, seconds)
    return None


def site_attempts(scope: str, window_seconds: int = 60) -> int:
    """Count one attempt at `scope` across the whole site in the current window; return the count."""
    if not settings.RATE_LIMITS_ENABLED:
        return 0
    window = int(time.time() // window_seconds)
    return _count(f"rl:site:{scope}:{window}", window_seconds)


def site_is_flooded(scope: str, window_seconds: int = 60) -> bool:
    if not settings.RATE_LIMITS_ENABLED:
        return False
    window = int(time.time() // window_seconds)
    return (cache.get(f"rl:site:{scope}:{window}") or 0) > settings.FLOOD_THRESHOLD_PER_MINUTE
