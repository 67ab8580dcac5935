"""Passphrase attempts: each is counted before it is checked, so a refused one costs no hashing, and
however many arrive at once, no more than the limit are ever checked (core.ratelimit). A login and
a passphrase typed again while logged in count against the same account."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ustoo.core import ratelimit


def _account(username: str) -> str:
    return "user:" + username.casefold()


def passphrase_attempt(request: HttpRequest, username: str) -> int | None:
    """None when the passphrase typed for `username` may be checked; else the seconds to wait."""
    return ratelimit.passphrase_attempt(request, _account(username))


def passphrase_was_right(request: HttpRequest, username: str) -> None:
    ratelimit.passphrase_was_right(request, _account(username))


def refused(request: HttpRequest, template: str, context: dict, wait: int) -> HttpResponse:
    """The form's page again, its error summary saying to wait; nothing was checked."""
    refusal = _("Too many attempts. Wait a few minutes and try again.")
    response = render(request, template, {**context, "refusal": refusal}, status=429)
    response["Retry-After"] = str(wait)
    return response
