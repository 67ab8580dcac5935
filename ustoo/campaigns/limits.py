"""Rate limits on signing and confirming (settings.RATE_LIMITS scopes campaign_sign and
campaign_confirm: per client, per browser session)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from ustoo.core import ratelimit
from ustoo.core.views import too_many_requests

# Used when the site's settings name no limit for these scopes.
DEFAULT_RATE_LIMITS = {
    "campaign_sign": ((30, 3600), (15, 3600)),
    "campaign_confirm": ((60, 3600), (30, 3600)),
}


def install_defaults() -> None:
    for scope, rates in DEFAULT_RATE_LIMITS.items():
        settings.RATE_LIMITS.setdefault(scope, rates)


def hit(request: HttpRequest, scope: str) -> int | None:
    """None when allowed, else the seconds to wait."""
    install_defaults()
    return ratelimit.hit(request, scope)


def too_many(request: HttpRequest, wait: int) -> HttpResponse:
    return too_many_requests(request, wait)
