"""Counting attempts without storing who made them.

A client is known only by an HMAC of its address under a random key drawn for each day and kept
only in the cache (never in the database or the settings), so nobody can recompute a fingerprint
from the address afterwards, not even with the site's SECRET_KEY; the address itself is never
stored or logged. A browser session is known by a hash of its cookie. Limits are fixed windows: at
most N attempts per window, per client and per session; an attempt over the limit is told how long
to wait (and paused a moment first, see _hold_refusal)."""

import contextlib
import datetime
import hashlib
import hmac
import ipaddress
import random
import secrets
import threading
import time
from dataclasses import dataclass
from functools import cache as once

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

from ustoo.core.concurrency import place_given_up


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


def client_address(request: HttpRequest) -> str:
    """The client's address, for hashing only. Behind a reverse proxy, the address it appended, when
    the request comes from that proxy (settings.FORWARDED_ALLOW_IPS): anyone reaching an app server
    directly could write any X-Forwarded-For, and so draw a fresh allowance with each request."""
    peer = request.META.get("REMOTE_ADDR", "")
    if settings.BEHIND_PROXY and _is_trusted_proxy(peer):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return peer


def _is_trusted_proxy(peer: str) -> bool:
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return False
    for allowed in settings.FORWARDED_ALLOW_IPS:
        if allowed == "*":
            return True
        with contextlib.suppress(ValueError):
            if address in ipaddress.ip_network(allowed, strict=False):
                return True
    return False


_DAILY_KEY_PREFIX = "rl:client-key:"


def _daily_key() -> bytes:
    """Today's random client key, shared through the cache by every worker and app server.

    The first to need it draws it; cache.add keeps the first one written, so concurrent workers
    agree. It expires shortly after its day ends, and with it any way to link a fingerprint to an
    address."""
    now = timezone.now()
    name = _DAILY_KEY_PREFIX + now.date().isoformat()
    key = cache.get(name)
    if key is None:
        midnight = datetime.datetime.combine(
            now.date() + datetime.timedelta(days=1), datetime.time(), tzinfo=now.tzinfo
        )
        cache.add(name, secrets.token_hex(32), timeout=int((midnight - now).total_seconds()) + 60)
        key = cache.get(name)
        if key is None:  # a cache that keeps nothing: a fresh key for this request is still unlinkable
            key = secrets.token_hex(32)
    return bytes.fromhex(key)


def client_fingerprint(request: HttpRequest) -> str:
    return hmac.new(_daily_key(), client_address(request).encode(), hashlib.sha256).hexdigest()[:32]


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
    subjects = [(f"{scope}:client", client_fingerprint(request), per_client)]
    if (session := _session_fingerprint(request)) is not None:
        subjects.append((f"{scope}:session", session, per_session))
    wait = _attempt(subjects)
    if wait is not None:
        _hold_refusal(wait)
    return wait


@once
def _hold_slots() -> threading.BoundedSemaphore:
    return threading.BoundedSemaphore(max(1, settings.REFUSAL_HOLD_SLOTS))


def _hold_refusal(wait: int) -> None:
    """Pause before answering a client over its limit, so one that sends again at once (a flood)
    is slowed to a trickle instead of keeping the server's threads and cores busy with refusals.

    A paused request costs a thread but no CPU. At most REFUSAL_HOLD_SLOTS refusals are paused at a
    time in a process; beyond that they are answered at once, so paused refusals never take every
    thread from other people's requests."""
    # Between half and all of the pause, at random, so refusals made at the same moment do not all
    # come back (and send again) at the same moment.
    seconds = min(wait, settings.REFUSAL_HOLD_MS / 1000) * random.uniform(0.5, 1.0)
    if seconds <= 0 or settings.REFUSAL_HOLD_SLOTS <= 0:
        return
    slots = _hold_slots()
    if not slots.acquire(blocking=False):
        return
    try:
        with place_given_up():
            time.sleep(seconds)
    finally:
        slots.release()


def attempt(scope: str, subject: str, rate: Rate) -> int | None:
    """Count one attempt by `subject` (a member's id, say) at `scope`, at most rate.count per window
    of rate.seconds. Returns None when allowed, or the seconds to wait (then nothing is counted).

    Unlike hit(), it applies whether or not RATE_LIMITS_ENABLED: it guards rules, not traffic."""
    return _attempt([(scope, subject, rate)])


def _attempt(subjects: list[tuple[str, str, Rate]]) -> int | None:
    """Refuse at the cost of a read when a subject is already over its limit; otherwise count the
    attempt, and refuse it after all if a concurrent attempt took the last place meanwhile (the
    count comes from the cache's atomic incr, so however many arrive at once, at most rate.count
    get through)."""
    now = time.time()
    windows = []
    for scope, subject, rate in subjects:
        key, wait = _window(scope, subject, rate, now)
        if (cache.get(key) or 0) >= rate.count:
            return wait
        windows.append((key, wait, rate))
    refused = None
    for key, wait, rate in windows:
        if _count(key, rate.seconds) > rate.count:
            refused = max(wait, refused or 0)
    return refused


def _window(scope: str, subject: str, rate: Rate, now: float) -> tuple[str, int]:
    """The counter's key in the current fixed window, and the seconds until that window ends."""
    window = int(now // rate.seconds)
    return _key(f"{scope}:{window}", subject), max(1, int((window + 1) * rate.seconds - now) + 1)


# Every passphrase typed (a login, a moderator's confirmation, a member's export, deletion or change of
# passphrase) is counted before it is checked: a few per account, a few more per client, in a window of
# the lockout's length. Counting first, with the cache's atomic incr, means that however many arrive at
# once, no more than the limit are ever hashed; an attempt that turns out right is taken back.


def _passphrase_subjects(request: HttpRequest, account: str) -> list[tuple[str, str, Rate]]:
    limit, window = settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_LOCKOUT_SECONDS
    return [
        ("passphrase-account", account, Rate(limit, window)),
        ("passphrase-client", client_fingerprint(request), Rate(limit * 4, window)),
    ]


def passphrase_attempt(request: HttpRequest, account: str) -> int | None:
    """Count one passphrase about to be checked for `account` (a username or a member) from this
    client. None when it may be checked; otherwise the seconds to wait, and it must not be checked
    (nothing is hashed for a refused attempt). Applies whether or not RATE_LIMITS_ENABLED."""
    wait = _attempt(_passphrase_subjects(request, account))
    if wait is not None:
        _hold_refusal(wait)
    return wait


def passphrase_was_right(request: HttpRequest, account: str) -> None:
    """Take back the attempt just counted: only wrong passphrases use up the allowance."""
    now = time.time()
    for scope, subject, rate in _passphrase_subjects(request, account):
        key, _wait = _window(scope, subject, rate, now)
        with contextlib.suppress(ValueError):  # the window ended meanwhile
            cache.decr(key)


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
