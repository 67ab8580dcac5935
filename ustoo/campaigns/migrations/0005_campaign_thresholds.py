# Each campaign gets its own thresholds, never above its goal (the site's were the same for every
# campaign, so a goal of 5,000 showed a response asked at 10,000). A threshold a campaign already
# reached keeps the number it was reached at: what happened is not rewritten.

from django.conf import settings
from django.db import migrations, models


def fit_thresholds_to_goals(apps, schema_editor):
    Campaign = apps.get_model("campaigns", "Campaign")
    response = getattr(settings, "CAMPAIGN_RESPONSE_THRESHOLD", 10_000)
    escalation = getattr(settings, "CAMPAIGN_ESCALATION_THRESHOLD", 100_000)
    for campaign in Campaign.objects.all().iterator():
        campaign.response_threshold = response if campaign.response_requested_at else min(response, campaign.goal)
        reachable = campaign.response_threshold < escalation <= campaign.goal
        campaign.escalation_threshold = escalation if campaign.escalated_at or reachable else None
        campaign.save(update_fields=["response_threshold", "escalation_threshold"])


class Migration(migrations.Migration):

    dependencies = [
        ("campaigns", "0004_signer_mail_on_the_signature"),
    ]

    operations = [
        migrations.AddField(
            model_name="campaign",
            name="escalation_threshold",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="escalation threshold"),
        ),
        migrations.AddField(
            model_name="campaign",
            name="response_threshold",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="response threshold"),
        ),
        migrations.AlterField(
            model_name="campaigndecision",
            name="action",
            field=models.CharField(choices=[("start", "Started"), ("edit", "Changed by its starter"), ("submit", "Sent to moderation with its supporters"), ("publish", "Published"), ("reject", "Rejected"), ("response_due", "Reached the response threshold"), ("response_asked", "Decision maker asked for a response"), ("dm_email", "Decision maker's address added"), ("escalated", "Reached the escalation threshold"), ("followed_up", "Escalation followed up"), ("response", "Decision maker's response published"), ("update", "Update posted"), ("victory", "Victory declared"), ("invalidate", "Signatures invalidated"), ("delivery", "Delivery export approved"), ("close", "Closed"), ("anonymise", "Signers anonymised")], max_length=16),
        ),
        migrations.RunPython(fit_thresholds_to_goals, migrations.RunPython.noop),
    ]
