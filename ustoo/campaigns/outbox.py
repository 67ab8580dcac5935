"""Batch mail: updates, responses and victories to signers who opted in, and the request for a
response to the decision maker at the threshold. Run by `ustoo send_campaign_mail`."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from ustoo.campaigns import mail, services
from ustoo.campaigns.models import Campaign, CampaignUpdate, Signature, SignatureStatus


@dataclass
class Sent:
    closed: int = 0
    response_requests: int = 0
    updates: int = 0


def send_campaign_mail(*, now: datetime.datetime | None = None, batch_size: int = 200) -> Sent:
    now = now or timezone.now()
    sent = Sent(closed=services.close_due_campaigns(now=now))
    for campaign in Campaign.objects.filter(
        response_requested_at__isnull=False, response_request_sent_at__isnull=True
    ).exclude(decision_maker_email=""):
        if mail.send([mail.response_request(campaign)]):
            Campaign.objects.filter(pk=campaign.pk).update(response_request_sent_at=now)
            sent.response_requests += 1
    for update in (
        CampaignUpdate.objects.filter(sent_at__isnull=True).select_related("campaign").order_by("id")
    ):
        sent.updates += _send_update(update, batch_size=batch_size, now=now)
    return sent


def _send_update(update: CampaignUpdate, *, batch_size: int, now: datetime.datetime) -> int:
    """Mail one update in batches, moving its cursor after each batch, so a run that stops half-way
    resumes where it stopped without mailing anyone twice."""
    total = 0
    while True:
        batch = list(
            Signature.objects.filter(
                campaign_id=update.campaign_id,
                status=SignatureStatus.CONFIRMED,
                wants_updates=True,
                pk__gt=update.sent_up_to,
            )
            .exclude(email="")
            .select_related("campaign")
            .order_by("pk")[:batch_size]
        )
        if not batch:
            CampaignUpdate.objects.filter(pk=update.pk).update(sent_at=now)
            return total
        if mail.send(mail.update(update, signature) for signature in batch) != len(batch):
            return total  # the server refused: the next run tries this batch again
        with transaction.atomic():
            update.sent_up_to = batch[-1].pk
            update.recipients += len(batch)
            update.save(update_fields=["sent_up_to", "recipients"])
        total += len(batch)
