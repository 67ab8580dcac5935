"""Pages every anonymous reader sees alike, rendered once and reused for a few seconds.

Under load the wall is read far more often than it changes; reusing its HTML for a couple of seconds
per app server keeps it fast without a shared cache. Only requests that carry nothing personal (no
session, no messages; the language and CSRF cookies are allowed) are served from or stored in it, and
the reused page holds nothing personal (no CSRF token).

When a page's few seconds are over, one request renders it again while the others keep getting the
page it replaces (for at most as long again): without that, every reader arriving in those
milliseconds would render the same page at once, and all of them would wait for all of the renders."""

import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

_ALLOWED_COOKIES = {settings.LANGUAGE_COOKIE_NAME, settings.CSRF_COOKIE_NAME}
# One lock per slot, a page's key choosing its slot: renders of one page never overlap in a process,
# and the number of locks stays fixed however many filters and cursors readers ask for.
_RENDER_LOCKS = tuple(threading.Lock() for _ in range(64))


def is_shared_request(request: HttpRequest) -> bool:
    return request.method == "GET" and not (set(request.COOKIES) - _ALLOWED_COOKIES)


def shared_page(request: HttpRequest, name: str, render: Callable[[], HttpResponse]) -> HttpResponse:
    seconds = settings.SHARED_PAGE_SECONDS
    if seconds <= 0 or not is_shared_request(request):
        return render()
    cache = caches["local"]
    key = f"shared:{name}:{get_language()}:{request.GET.urlencode()}"
    cached = cache.get(key)
    if cached is not None and time.monotonic() < cached[0]:
        return _replay(cached)
    lock = _RENDER_LOCKS[hash(key) % len(_RENDER_LOCKS)]
    if not lock.acquire(blocking=cached is None):
        return _replay(cached)  # another thread is rendering it: the page it replaces, meanwhile
    try:
        again = cache.get(key)
        if again is not None and time.monotonic() < again[0]:
            return _replay(again)  # rendered by the thread this one waited for
        response = render()
        # A page that used a CSRF token or sets a cookie is personal: never reuse it.
        personal = response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        if response.status_code == 200 and not personal and not response.streaming:
            fresh_until = time.monotonic() + seconds
            entry = (fresh_until, response.status_code, response["Content-Type"], response.content)
            cache.set(key, entry, 2 * seconds)  # kept as long again, only to stand in during a render
        return response
    finally:
        lock.release()


def _replay(entry: tuple) -> HttpResponse:
    _fresh_until, status, content_type, body = entry
    return HttpResponse(body, status=status, content_type=content_type)
