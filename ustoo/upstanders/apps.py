from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UpstandersConfig(AppConfig):
    name = "ustoo.upstanders"
    label = "upstanders"
    verbose_name = _("Upstanders")

    def ready(self) -> None:
        from ustoo.accounts import member_data
        from ustoo.core.retention import register_retention_task
        from ustoo.upstanders.member_data import erase_pledges, export_pledges
        from ustoo.upstanders.retention import forget_expired

        register_retention_task("upstanders", forget_expired)
        member_data.register("pledges", export=export_pledges, erase=erase_pledges)
