"""Moderation's answers to what happens in the apps below it (accounts must not import moderation)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from ustoo.moderation.access import mark_passphrase_confirmed


@receiver(user_logged_in, dispatch_uid="moderation.fresh_after_login")
def moderator_logged_in(sender, request, user, **kwargs) -> None:
    """Logging in here always takes the passphrase, so a moderator who just logged in has just proved
    it: asking for it again on the next page would only be in their way. The idle limit still applies."""
    if request is not None and getattr(user, "is_moderator", False):
        mark_passphrase_confirmed(request)
