"""Login throttling: after a few failures, a username or a client waits before trying again."""

from django.conf import settings
from django.http import HttpRequest

from ustoo.core import ratelimit

_SCOPE_USER = "login-user"
_SCOPE_CLIENT = "login-client"


def login_blocked(request: HttpRequest, username: str) -> bool:
    limit = settings.LOGIN_FAILURE_LIMIT
    return ratelimit.is_blocked(_SCOPE_USER, username.casefold(), limit) or ratelimit.is_blocked(
        _SCOPE_CLIENT, ratelimit.client_fingerprint(request), limit * 4
    )


def record_login_failure(request: HttpRequest, username: str) -> None:
    window = settings.LOGIN_LOCKOUT_SECONDS
    ratelimit.record(_SCOPE_USER, username.casefold(), window)
    ratelimit.record(_SCOPE_CLIENT, ratelimit.client_fingerprint(request), window)


def record_login_success(username: str) -> None:
    ratelimit.reset(_SCOPE_USER, username.casefold())
