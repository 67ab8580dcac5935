"""Who may moderate: a moderator who re-entered their passphrase within the idle limit."""

import functools
import time

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

_LAST_SEEN = "moderator_last_seen"


def moderator_required(view):
    """Only moderators, and only while their passphrase is fresh: after MODERATOR_IDLE_MINUTES
    without a moderation request they confirm it again (a shared or stolen session stays harmless)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_moderator:
            raise PermissionDenied
        last_seen = request.session.get(_LAST_SEEN)
        if last_seen is None or time.time() - last_seen > settings.MODERATOR_IDLE_MINUTES * 60:
            request.session.pop(_LAST_SEEN, None)
            return redirect(f"{_confirm_url()}?next={request.get_full_path()}")
        request.session[_LAST_SEEN] = time.time()
        return view(request, *args, **kwargs)

    return wrapper


def mark_passphrase_confirmed(request) -> None:
    request.session[_LAST_SEEN] = time.time()


def _confirm_url() -> str:
    from django.urls import reverse

    return reverse("moderation:confirm")
