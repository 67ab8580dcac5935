from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "ustoo.moderation"
    label = "moderation"
    verbose_name = _("Moderation")

    def ready(self) -> None:
        from ustoo.core.retention import register_retention_task
        from ustoo.moderation import receivers  # noqa: F401 (importing it connects the login receiver)
        from ustoo.moderation.retention import prune_expired_stories

        register_retention_task("moderation", prune_expired_stories)
