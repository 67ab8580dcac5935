"""System checks that fail loudly when a production start is misconfigured."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

from ustoo.core.operator import Operator


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


@register(deploy=True)
def check_operator_details(app_configs, **kwargs):
    missing = Operator.from_settings().missing_variables
    if missing:
        return [
            Warning(
                "The privacy notice does not say who runs this site: " + ", ".join(missing) + " not set.",
                hint="Set them (see .env.example): /privacy/ tells every reader they were not filled in.",
                id="ustoo.W002",
            )
        ]
    return []
