"""Pages every anonymous reader sees alike, rendered once and reused for a few seconds.

Under load the wall is read far more often than it changes; reusing its HTML for a couple of seconds
per app server keeps it fast without a shared cache. Only requests that carry nothing personal (no
session, no messages; the language and CSRF cookies are allowed) are served from or stored in it, and
the reused page holds nothing personal (no CSRF token)."""

from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

_ALLOWED_COOKIES = {settings.LANGUAGE_COOKIE_NAME, settings.CSRF_COOKIE_NAME}


def is_shared_request(request: HttpRequest) -> bool:
    return request.method == "GET" and not (set(request.COOKIES) - _ALLOWED_COOKIES)


def shared_page(request: HttpRequest, name: str, render: Callable[[], HttpResponse]) -> HttpResponse:
    seconds = settings.SHARED_PAGE_SECONDS
    if seconds <= 0 or not is_shared_request(request):
        return render()
    cache = caches["local"]
    key = f"shared:{name}:{get_language()}:{request.GET.urlencode()}"
    cached = cache.get(key)
    if cached is not None:
        status, content_type, body = cached
        return HttpResponse(body, status=status, content_type=content_type)
    response = render()
    # A page that used a CSRF token or sets a cookie is personal: never reuse it.
    personal = response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    if response.status_code == 200 and not personal and not response.streaming:
        cache.set(key, (response.status_code, response["Content-Type"], response.content), seconds)
    return response
