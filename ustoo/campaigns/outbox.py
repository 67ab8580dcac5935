"""Batch mail: updates, responses, victories and escalations to signers who opted in, and the
request for a response to the decision maker at the threshold. Run by `ustoo send_campaign_mail`."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from ustoo.campaigns import mail, services
from ustoo.campaigns.models import Campaign, CampaignUpdate, Signature


@dataclass
class Sent:
    closed: int = 0
    response_requests: int = 0
    updates: int = 0
    refused: int = 0


def send_campaign_mail(*, now: datetime.datetime | None = None, batch_size: int = 200) -> Sent:
    now = now or timezone.now()
    sent = Sent(closed=services.close_due_campaigns(now=now))
    for campaign in Campaign.objects.response_request_due().exclude(decision_maker_email=""):
        if mail.send([mail.response_request(campaign)]):
            services.record_response_request(campaign=campaign, now=now)
            sent.response_requests += 1
    for update in (
        CampaignUpdate.objects.filter(sent_at__isnull=True).select_related("campaign").order_by("id")
    ):
        delivered, refused = _send_update(update, batch_size=batch_size, now=now)
        sent.updates += delivered
        sent.refused += refused
    return sent


def _send_update(update: CampaignUpdate, *, batch_size: int, now: datetime.datetime) -> tuple[int, int]:
    """Mail one update in batches, one message at a time, moving its cursor past every signer the
    server took or refused, so a run that stops half-way resumes where it stopped without mailing
    anyone twice. An address refused for good is marked and never tried again. Returns how many
    were delivered and how many refused."""
    delivered = refused = 0
    while True:
        batch = list(
            Signature.objects.filter(campaign_id=update.campaign_id, pk__gt=update.sent_up_to)
            .to_mail_updates()
            .select_related("campaign")
            .order_by("pk")[:batch_size]
        )
        if not batch:
            CampaignUpdate.objects.filter(pk=update.pk).update(sent_at=now)
            return delivered, refused
        outcomes = mail.send_each(mail.update(update, signature) for signature in batch)
        done = batch[: len(outcomes)]
        took = [s.pk for s, outcome in zip(done, outcomes, strict=True) if outcome is mail.Outcome.SENT]
        lost = [s.pk for s, outcome in zip(done, outcomes, strict=True) if outcome is mail.Outcome.REFUSED]
        if done:
            with transaction.atomic():
                Signature.objects.filter(pk__in=lost).update(mail_refused_at=now)
                update.sent_up_to = done[-1].pk
                update.recipients += len(took)
                update.save(update_fields=["sent_up_to", "recipients"])
            delivered, refused = delivered + len(took), refused + len(lost)
        if len(outcomes) < len(batch):
            return delivered, refused  # the server stopped taking mail: the next run goes on from here
