from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "ustoo.campaigns"
    label = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self) -> None:
        from ustoo.accounts import member_data
        from ustoo.campaigns import limits
        from ustoo.campaigns import member_data as campaign_data

        limits.install_defaults()
        member_data.register(
            "campaigns", export=campaign_data.export_campaign_data, erase=campaign_data.erase_campaign_data
        )
