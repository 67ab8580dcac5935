"""Who may moderate: a moderator who re-entered their passphrase within the idle limit."""

import functools
import time

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

_LAST_SEEN = "moderator_last_seen"


def is_active_moderator(request) -> bool:
    """A moderator whose passphrase is fresh: confirmed, then no more than MODERATOR_IDLE_MINUTES
    between moderation requests. Every answer only moderators may have, in every app, asks this."""
    user = request.user
    if not (user.is_authenticated and user.is_moderator):
        return False
    last_seen = request.session.get(_LAST_SEEN)
    return last_seen is not None and time.time() - last_seen <= settings.MODERATOR_IDLE_MINUTES * 60


def ask_to_confirm(request):
    """A moderator whose passphrase went stale types it again, then comes back here."""
    request.session.pop(_LAST_SEEN, None)
    return redirect(f"{_confirm_url()}?next={request.get_full_path()}")


def moderator_required(view):
    """Only moderators, and only while their passphrase is fresh: after MODERATOR_IDLE_MINUTES
    without a moderation request they confirm it again (a shared or stolen session stays harmless)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_moderator:
            raise PermissionDenied
        if not is_active_moderator(request):
            return ask_to_confirm(request)
        mark_passphrase_confirmed(request)  # each moderation request keeps it fresh
        return view(request, *args, **kwargs)

    return wrapper


def mark_passphrase_confirmed(request) -> None:
    request.session[_LAST_SEEN] = time.time()


def _confirm_url() -> str:
    from django.urls import reverse

    return reverse("moderation:confirm")
