"""The mail that goes out after the request that caused it, all sent by `ustoo send_campaign_mail`
(run with --loop beside the web server, or from cron): the e-mails signers are owed
(Signature.mail_due_at), and the batches to signers who opted in (updates, responses, victories and
escalations) and the request for a response to the decision maker at the threshold."""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from ustoo.campaigns import mail, services
from ustoo.campaigns.models import Campaign, CampaignUpdate, Signature

logger = logging.getLogger("ustoo.campaigns")

# How long a sender holds the mail it took: past this, another sender may take it (the first one
# is taken to have died). Far longer than a batch takes, even from a slow server.
LEASE = datetime.timedelta(minutes=10)
# The wait before the n-th try after a failure: 1, 2, 4, ... minutes, at most an hour.
FIRST_RETRY = datetime.timedelta(minutes=1)
LONGEST_RETRY = datetime.timedelta(hours=1)


@dataclass
class Sent:
    closed: int = 0
    response_requests: int = 0
    updates: int = 0
    refused: int = 0
    owed: "OwedMail | None" = None

    def anything(self) -> bool:
        """Whether this run did anything (a message tried, a campaign closed)."""
        owed = self.owed or OwedMail()
        done = (self.closed, self.response_requests, self.updates, self.refused)
        return any(done) or any((owed.sent, owed.refused, owed.deferred, owed.dropped))


@dataclass
class OwedMail:
    sent: int = 0
    refused: int = 0
    # Not sent (the server was down or asked us to wait): each waits for its next try.
    deferred: int = 0
    # Given up on: the signature's data is gone, or the server could not be reached for as long as
    # a confirmation link lasts.
    dropped: int = 0


def send_campaign_mail(*, now: datetime.datetime | None = None, batch_size: int = 200) -> Sent:
    now = now or timezone.now()
    sent = Sent(closed=services.close_due_campaigns(now=now), owed=send_owed_mail(batch_size=batch_size))
    for campaign in Campaign.objects.response_request_due().exclude(decision_maker_email=""):
        if not _take_response_request(campaign.pk):
            continue  # another sender is mailing it
        if mail.send([mail.response_request(campaign)]):
            services.record_response_request(campaign=campaign, now=now)
            sent.response_requests += 1
        Campaign.objects.filter(pk=campaign.pk).update(response_request_taken_until=None)
    for update in (
        CampaignUpdate.objects.filter(sent_at__isnull=True).select_related("campaign").order_by("id")
    ):
        delivered, refused = _send_update(update, batch_size=batch_size, now=now)
        sent.updates += delivered
        sent.refused += refused
    return sent


def _take_response_request(campaign_id: int) -> bool:
    """Hold a campaign's request for a response to mail it, in one conditional statement: False when
    another sender holds it (send_campaign_mail runs on two servers at once) or it was sent meanwhile."""
    now = timezone.now()
    free = Q(response_request_taken_until__isnull=True) | Q(response_request_taken_until__lte=now)
    due = Campaign.objects.response_request_due().filter(free, pk=campaign_id)
    return bool(due.update(response_request_taken_until=now + LEASE))


def send_owed_mail(*, batch_size: int = 100) -> OwedMail:
    """Send the e-mails signers are owed that are due, a batch at a time, until none is left or the
    server stops taking mail.

    Each batch is taken in one transaction that moves its signatures' due time to the end of a lease
    (_take_owed_mail: two senders never take the same e-mail); it is sent over one
    connection; then what was sent or refused for good is owed no more, and what was not sent waits
    for its next try. A sender that dies between sending and settling leaves its batch to be sent
    again once the lease ends: at least once, never lost."""
    done = OwedMail()
    while True:
        lease_end, batch = _take_owed_mail(batch_size)
        if not batch:
            return done
        if not _send_batch(batch, lease_end, done):
            return done  # the server stopped taking mail: the rest waits for its next try


# What writing a signer's e-mail reads (mail.owed_to); any other field is read when first used.
_WRITING_FIELDS = (
    "email",
    "status",
    "nonce",
    "manage_key",
    "language",
    "mail_queued_at",
    "mail_attempts",
    "campaign__slug",
    "campaign__title",
)


def _take_owed_mail(limit: int) -> tuple[datetime.datetime, list[Signature]]:
    now = timezone.now()
    lease_end = now + LEASE
    if not Signature.objects.filter(mail_due_at__lte=now).exists():  # no write for nothing
        return lease_end, []
    # Rows another sender is taking are skipped on PostgreSQL; SQLite's write lock, taken when the
    # transaction begins, lets one sender at a time in.
    with transaction.atomic():
        taken = list(
            Signature.objects.select_for_update(skip_locked=True)
            .filter(mail_due_at__lte=now)
            .order_by("mail_due_at")
            .values_list("pk", flat=True)[:limit]
        )
        Signature.objects.filter(pk__in=taken, mail_due_at__lte=now).update(
            mail_due_at=lease_end, mail_attempts=F("mail_attempts") + 1
        )
    batch = list(
        Signature.objects.filter(pk__in=taken, mail_due_at=lease_end)
        .select_related("campaign")
        .only(*_WRITING_FIELDS)
    )
    return lease_end, batch


def _send_batch(batch: list[Signature], lease_end: datetime.datetime, done: OwedMail) -> bool:
    """Send one batch taken until `lease_end`, and settle each signature. Returns False when the
    server stopped taking mail part of the way."""
    gone = [signature for signature in batch if not signature.email]  # anonymised meanwhile
    to_send = [signature for signature in batch if signature.email]
    outcomes = mail.send_each(mail.owed_to(signature) for signature in to_send)
    tried = list(zip(to_send, outcomes, strict=False))  # the outcomes stop where the server did
    sent = [signature for signature, outcome in tried if outcome is mail.Outcome.SENT]
    refused = [signature for signature, outcome in tried if outcome is mail.Outcome.REFUSED]
    unsent = to_send[len(outcomes) :]
    now = timezone.now()
    expired = [signature for signature in unsent if now - signature.mail_queued_at > _longest_wait()]
    later = [signature for signature in unsent if now - signature.mail_queued_at <= _longest_wait()]
    # Each a statement of its own, on signatures this sender still holds (not one another took
    # after the lease ended, nor one a new signing owed a new e-mail since).
    mine = Signature.objects.filter(mail_due_at=lease_end)
    if settled := [signature.pk for signature in [*sent, *gone, *expired]]:
        mine.filter(pk__in=settled).update(mail_due_at=None)
    if refused:
        mine.filter(pk__in=[signature.pk for signature in refused]).update(
            mail_due_at=None, mail_refused_at=now
        )
    by_attempts: dict[int, list[int]] = {}
    for signature in later:  # read after it was taken: its attempts count this one
        by_attempts.setdefault(signature.mail_attempts, []).append(signature.pk)
    for attempts, pks in by_attempts.items():
        mine.filter(pk__in=pks).update(mail_due_at=now + _retry_after(attempts))
    done.sent += len(sent)
    done.refused += len(refused)
    done.deferred += len(later)
    done.dropped += len(gone) + len(expired)
    if expired:
        logger.warning("Campaign mail: gave up on %d messages the server would not take", len(expired))
    return not unsent


def _retry_after(attempts: int) -> datetime.timedelta:
    return min(FIRST_RETRY * 2 ** min(attempts - 1, 16), LONGEST_RETRY)


def _longest_wait() -> datetime.timedelta:
    """Past this since it was owed, an e-mail is dropped: its signer has long given up, and
    signing again owes a new one."""
    return datetime.timedelta(hours=settings.CAMPAIGN_CONFIRM_HOURS)


def _send_update(update: CampaignUpdate, *, batch_size: int, now: datetime.datetime) -> tuple[int, int]:
    """Mail one update in batches, one message at a time, moving its cursor past every signer the
    server took or refused, so a run that stops half-way resumes where it stopped without mailing
    anyone twice. An address refused for good is marked and never tried again. One sender at a time
    holds the update, batch after batch (_take_update), so senders on several servers never mail the
    same signer twice. Returns how many were delivered and how many refused."""
    delivered = refused = 0
    lease_end = _take_update(update.pk)
    while lease_end is not None:
        # From where the sender that held it before stopped, if its lease ended.
        update.refresh_from_db(fields=["sent_up_to", "recipients"])
        mine = CampaignUpdate.objects.filter(pk=update.pk, taken_until=lease_end)
        batch = list(
            Signature.objects.filter(campaign_id=update.campaign_id, pk__gt=update.sent_up_to)
            .to_mail_updates()
            .select_related("campaign")
            .order_by("pk")[:batch_size]
        )
        if not batch:
            mine.update(sent_at=now, taken_until=None)
            return delivered, refused
        outcomes = mail.send_each(mail.update(update, signature) for signature in batch)
        done = batch[: len(outcomes)]
        took = [s.pk for s, outcome in zip(done, outcomes, strict=True) if outcome is mail.Outcome.SENT]
        lost = [s.pk for s, outcome in zip(done, outcomes, strict=True) if outcome is mail.Outcome.REFUSED]
        if done:
            with transaction.atomic():
                Signature.objects.filter(pk__in=lost).update(mail_refused_at=now)
                mine.update(sent_up_to=done[-1].pk, recipients=F("recipients") + len(took))
            delivered, refused = delivered + len(took), refused + len(lost)
        if len(outcomes) < len(batch):
            # The server stopped taking mail: the next run goes on from here.
            mine.update(taken_until=None)
            return delivered, refused
        lease_end = _take_update(update.pk, held_until=lease_end)
    return delivered, refused


def _take_update(update_id: int, *, held_until: datetime.datetime | None = None) -> datetime.datetime | None:
    """Hold an update to mail for one lease, in one conditional statement: free (or its holder's lease
    over), or still ours (`held_until`, renewed between batches). None when another sender holds it
    (send_campaign_mail runs on two servers at once) or it was sent meanwhile."""
    now = timezone.now()
    lease_end = now + LEASE
    held = (
        (Q(taken_until__isnull=True) | Q(taken_until__lte=now))
        if held_until is None
        else Q(taken_until=held_until)
    )
    taken = CampaignUpdate.objects.filter(held, pk=update_id, sent_at__isnull=True).update(
        taken_until=lease_end
    )
    return lease_end if taken else None
