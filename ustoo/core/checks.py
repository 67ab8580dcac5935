"""System checks that fail loudly when a production start is misconfigured."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_ownership_key(app_configs, **kwargs):
    if settings.OWNERSHIP_KEY == settings.SECRET_KEY and not settings.DEBUG:
        from ustoo.core.env import env_secret

        if env_secret("USTOO_SECRET_KEY"):
            return [
                Warning(
                    "USTOO_OWNERSHIP_KEY is not set: receipts stop working if USTOO_SECRET_KEY is rotated.",
                    hint="Set USTOO_OWNERSHIP_KEY (or USTOO_OWNERSHIP_KEY_FILE) to a long random value.",
                    id="ustoo.W001",
                )
            ]
    return []
