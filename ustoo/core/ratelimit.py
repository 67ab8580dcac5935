"""Counting attempts without storing who made them.

A client is known only by an HMAC of its address under a key that changes every day, kept in the
cache with a short expiry; the address itself is never stored or logged."""

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone


def client_fingerprint(request: HttpRequest) -> str:
    day = timezone.now().date().isoformat()
    daily_key = hmac.new(
        settings.SECRET_KEY.encode(), f"ustoo client key {day}".encode(), hashlib.sha256
    ).digest()
    address = request.META.get("REMOTE_ADDR", "")
    return hmac.new(daily_key, address.encode(), hashlib.sha256).hexdigest()[:32]


def _key(scope: str, subject: str) -> str:
    digest = hashlib.sha256(f"{scope}\x00{subject}".encode()).hexdigest()[:40]
    return f"rl:{scope}:{digest}"


def is_blocked(scope: str, subject: str, limit: int) -> bool:
    return (cache.get(_key(scope, subject)) or 0) >= limit


def record(scope: str, subject: str, window_seconds: int) -> int:
    key = _key(scope, subject)
    if cache.add(key, 1, timeout=window_seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        return 1


def reset(scope: str, subject: str) -> None:
    cache.delete(_key(scope, subject))
