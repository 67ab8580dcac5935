from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "ustoo.campaigns"
    label = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self) -> None:
        from ustoo.accounts import member_data
        from ustoo.campaigns import member_data as campaign_data
        from ustoo.campaigns.notices import story_link_requests
        from ustoo.campaigns.retention import anonymise_expired_signatures
        from ustoo.core.retention import register_retention_task
        from ustoo.stories.author_notices import register_author_notices

        register_retention_task(
            "campaigns",
            lambda now: f"Anonymised the signers of {anonymise_expired_signatures(now)} closed campaigns.",
        )
        register_author_notices(story_link_requests)
        member_data.register(
            "campaigns", export=campaign_data.export_campaign_data, erase=campaign_data.erase_campaign_data
        )
