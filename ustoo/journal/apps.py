from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JournalConfig(AppConfig):
    name = "ustoo.journal"
    label = "journal"
    verbose_name = _("Private journal")

    def ready(self) -> None:
        from ustoo.core.retention import register_retention_task
        from ustoo.journal.attachments import prune_unclaimed

        register_retention_task(
            "journal", lambda now: f"Deleted {prune_unclaimed(now)} journal attachments no entry named."
        )
