from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "ustoo.moderation"
    label = "moderation"
    verbose_name = _("Moderation")

    def ready(self) -> None:
        from ustoo.core.retention import register_retention_task
        from ustoo.moderation import (
            crisis,
            naming_guard,
            receivers,  # noqa: F401 (importing it connects the login receiver)
            resources,
        )
        from ustoo.moderation.retention import prune_expired_stories
        from ustoo.stories import screening

        register_retention_task("moderation", prune_expired_stories)

        def find(text: str) -> list[screening.Finding]:
            return [
                screening.Finding(kind=found.kind, start=found.start, end=found.end, text=found.text)
                for found in naming_guard.find_identifiers(text)
            ]

        screening.register(find=find, redact=naming_guard.redact, signals_danger=crisis.signals_danger)
        screening.register_help(resources.help_after_speaking)
