"""Headers that keep what people read here out of caches and other sites' reach."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class PrivacyHeadersMiddleware:
    """First in the chain, so that its headers are on every answer: redirects to HTTPS, errors and
    refusals included."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not _is_hashed_static_file(request, response):
            # Nothing served here may stay in a shared or browser cache, whatever its type: a page, a
            # list of signers' names as CSV, a chart, a redirect or an error can all say who did what.
            response["Cache-Control"] = "no-store"
            del response["Expires"]  # set by the server's own page cache, for itself
        response.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        )
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


def _is_hashed_static_file(request: HttpRequest, response: HttpResponse) -> bool:
    """A static file whose name carries a hash of its content, which WhiteNoise marks immutable: the
    same name never serves other bytes, so caching it forever reveals nothing."""
    return request.path.startswith(settings.STATIC_URL) and "immutable" in response.get("Cache-Control", "")
