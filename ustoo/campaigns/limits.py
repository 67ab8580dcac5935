"""Rate limits on signing and confirming (settings.RATE_LIMITS scopes campaign_sign and
campaign_confirm: per client, per browser session)."""

from django.http import HttpRequest, HttpResponse

from ustoo.core import ratelimit
from ustoo.core.views import too_many_requests


def hit(request: HttpRequest, scope: str) -> int | None:
    """None when allowed, else the seconds to wait."""
    return ratelimit.hit(request, scope)


def too_many(request: HttpRequest, wait: int) -> HttpResponse:
    return too_many_requests(request, wait)
