"""Signers' data is kept only while it is needed: six months after a campaign closes, names,
addresses, postcodes and reasons are wiped (moderation's `ustoo prune_expired` calls this)."""

import datetime

from django.conf import settings

from ustoo.campaigns import services
from ustoo.campaigns.models import Campaign, Status


def anonymise_after_days() -> int:
    return settings.CAMPAIGN_ANONYMISE_DAYS


def anonymise_expired_signatures(now: datetime.datetime) -> int:
    """Close what is due, then anonymise the signers of every campaign closed long enough ago.
    Returns how many campaigns were anonymised."""
    services.close_due_campaigns(now=now)
    cutoff = now - datetime.timedelta(days=anonymise_after_days())
    due = Campaign.objects.filter(status=Status.CLOSED, closed_at__lte=cutoff, anonymised_at__isnull=True)
    done = 0
    for campaign in due:
        if services.anonymise_campaign_signers(campaign=campaign, now=now) is not None:
            done += 1
    return done
