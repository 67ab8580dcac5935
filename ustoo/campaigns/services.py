"""Campaign workflows. Each changes what it must in one transaction and writes its line in the
campaign log; counts change only here, in the same transaction as the signature they count.

Locks are always taken campaign first, then signatures, so concurrent confirmations, withdrawals
and invalidations on PostgreSQL queue up instead of deadlocking."""

import datetime
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, F, PositiveSmallIntegerField, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from ustoo.accounts.models import Member
from ustoo.campaigns import addresses, mail, tokens
from ustoo.campaigns.models import (
    Campaign,
    CampaignDecision,
    CampaignStoryLink,
    CampaignUpdate,
    ConfirmedEmail,
    DecisionAction,
    RejectionCode,
    Signature,
    SignatureStatus,
    Sponsor,
    Status,
    SupportCount,
    UpdateKind,
    default_response_threshold,
    escalation_threshold_for,
    first_name_of,
    region_of,
    response_threshold_problem,
)
from ustoo.safety import naming_guard
from ustoo.stories.models import Statement, Story


class CampaignRefused(Exception):
    """An action that cannot be done now; the message says why, in plain words."""


class MailNotSent(CampaignRefused):
    """The mail server did not take the message: nothing was lost, and trying again later works."""


def _refuse_barred(member: Member) -> None:
    if not member.may_take_part:
        raise CampaignRefused(_("Your account cannot take part in campaigns at the moment."))


def sponsors_needed() -> int:
    return settings.CAMPAIGN_SPONSORS_NEEDED


def longest_run_days() -> int:
    return settings.CAMPAIGN_MAX_DAYS


def _log(*, action: str, campaign: Campaign, actor: Member | None = None, code: str = "", count=None):
    return CampaignDecision.record(
        actor=actor,
        action=action,
        campaign_id=campaign.pk,
        code=code,
        count=count,
    )


# --- Starting and supporting ---------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignDraft:
    title: str
    asks_for: str
    decision_maker_name: str
    decision_maker_role: str
    decision_maker_organisation: str
    why: str
    goal: int
    ends_on: datetime.date
    decision_maker_email: str = ""
    # Signatures at which the decision maker is asked to respond; None: the site's default for the goal.
    response_threshold: int | None = None

    def thresholds(self) -> tuple[int, int | None]:
        """(response, escalation) for this draft, refused when they contradict its goal."""
        if problem := response_threshold_problem(self.goal, self.response_threshold):
            raise CampaignRefused(problem)
        response = self.response_threshold or default_response_threshold(self.goal)
        return response, escalation_threshold_for(self.goal, response)


def _unique_slug(title: str) -> str:
    base = slugify(title)[:60].strip("-") or "campaign"
    while True:
        slug = f"{base}-{get_random_string(6, 'abcdefghijkmnpqrstuvwxyz23456789')}"
        if not Campaign.objects.filter(slug=slug).exists():
            return slug


def start_campaign(*, starter: Member, draft: CampaignDraft, story_ids: list[int] = ()) -> Campaign:
    """A new campaign, gathering its supporters. Stories the starter wrote are linked at once; the
    authors of the others are asked, and their stories show only once they agree."""
    with transaction.atomic():
        campaign = Campaign(slug=_unique_slug(draft.title), starter=starter)
        _apply_draft(campaign, draft)
        campaign.save()
        own = set(Statement.objects.owned_by_member(starter).values_list("pk", flat=True))
        for story in Story.objects.published().filter(pk__in=list(story_ids)):
            CampaignStoryLink.objects.create(
                campaign=campaign,
                story=story,
                agreed_at=timezone.now() if story.statement_id in own else None,
            )
        _log(action=DecisionAction.START, campaign=campaign, actor=starter)
    return campaign


def _apply_draft(campaign: Campaign, draft: CampaignDraft) -> None:
    """Copy what the starter wrote onto the campaign, refusing an end date out of range and
    thresholds that contradict the goal."""
    today = timezone.localdate()
    if draft.ends_on <= today or draft.ends_on > today + datetime.timedelta(days=longest_run_days()):
        raise CampaignRefused(_("The end date must be after today and at most six months away."))
    campaign.response_threshold, campaign.escalation_threshold = draft.thresholds()
    for field in EDITABLE_FIELDS:
        setattr(campaign, field, getattr(draft, field))


# What the starter wrote, and may change until moderators decide.
EDITABLE_FIELDS = (
    "title",
    "asks_for",
    "decision_maker_name",
    "decision_maker_role",
    "decision_maker_organisation",
    "decision_maker_email",
    "why",
    "goal",
    "ends_on",
)
EDITABLE_STATUSES = (Status.GATHERING, Status.PENDING)


def edit_campaign(*, campaign: Campaign, starter: Member, draft: CampaignDraft) -> Campaign:
    """The starter changes their campaign while it gathers supporters or waits for moderation:
    moderators review what it says when they decide. Once decided it is locked (updates remain).
    The log notes the edit with how many supporters had backed it, for moderators to weigh."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status not in EDITABLE_STATUSES:
            raise CampaignRefused(
                _("A campaign can be changed only until moderators review it. Post an update instead.")
            )
        _apply_draft(campaign, draft)
        campaign.save(update_fields=[*EDITABLE_FIELDS, "response_threshold", "escalation_threshold"])
        _log(action=DecisionAction.EDIT, campaign=campaign, actor=starter, count=campaign.sponsors.count())
    return campaign


def support_campaign(*, campaign: Campaign, member: Member) -> bool:
    """Back a campaign through its supporter link. With enough supporters it goes to moderation.
    Returns whether this member's support was new."""
    _refuse_barred(member)
    if campaign.starter_id == member.pk:
        raise CampaignRefused(_("You started this campaign: ask others to support it."))
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status != Status.GATHERING:
            return False
        try:
            with transaction.atomic():
                Sponsor.objects.create(campaign=campaign, member=member)
        except IntegrityError:
            return False
        supporters = Sponsor.objects.filter(campaign=campaign).count()
        if supporters >= sponsors_needed():
            campaign.status = Status.PENDING
            campaign.submitted_at = timezone.now()
            campaign.save(update_fields=["status", "submitted_at"])
            _log(action=DecisionAction.SUBMIT, campaign=campaign, count=supporters)
    return True


def agree_to_story_link(*, link: CampaignStoryLink, agree: bool) -> None:
    """The story's author decides whether their story is shown with the campaign."""
    if agree:
        link.agreed_at = timezone.now()
        link.save(update_fields=["agreed_at"])
    else:
        link.delete()


# --- Review --------------------------------------------------------------------------------------


def publish_campaign(*, campaign: Campaign, moderator: Member) -> Campaign:
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status != Status.PENDING:
            raise CampaignRefused(_("Only a campaign waiting for moderation can be published."))
        if campaign.ends_on < timezone.localdate():
            raise CampaignRefused(
                _(
                    "Its end date has passed, so it cannot be published. Its starter can start it "
                    "again with a new end date."
                )
            )
        now = timezone.now()
        campaign.status, campaign.published_at, campaign.decided_at = Status.OPEN, now, now
        campaign.save(update_fields=["status", "published_at", "decided_at"])
        _log(action=DecisionAction.PUBLISH, campaign=campaign, actor=moderator)
    return campaign


def reject_campaign(
    *, campaign: Campaign, moderator: Member, code: str, duplicate_of: Campaign | None = None
) -> Campaign:
    if code not in RejectionCode.values:
        raise CampaignRefused(_("Choose a reason."))
    if code == RejectionCode.DUPLICATE and (duplicate_of is None or duplicate_of.pk == campaign.pk):
        raise CampaignRefused(_("Name the campaign this one duplicates."))
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status != Status.PENDING:
            raise CampaignRefused(_("Only a campaign waiting for moderation can be rejected."))
        campaign.status, campaign.rejection_code, campaign.decided_at = Status.REJECTED, code, timezone.now()
        campaign.duplicate_of = duplicate_of if code == RejectionCode.DUPLICATE else None
        campaign.save(update_fields=["status", "rejection_code", "decided_at", "duplicate_of"])
        _log(action=DecisionAction.REJECT, campaign=campaign, actor=moderator, code=code)
    return campaign


# --- Signing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignerDetails:
    name: str
    show_name: bool
    email: str
    country: str
    postcode: str = ""
    reason: str = ""
    wants_updates: bool = False
    language: str = "en"
    show_on_page: bool = False


def resend_minutes() -> int:
    return settings.CAMPAIGN_RESEND_MINUTES


def _resend_after() -> datetime.timedelta:
    return datetime.timedelta(minutes=resend_minutes())


def _why_not_signable(campaign: Campaign) -> str:
    if campaign.status == Status.REJECTED:
        return _("This campaign was rejected: it takes no signatures.")
    return _("This campaign is closed: it no longer takes signatures.")


def sign_campaign(*, campaign: Campaign, signer: SignerDetails, client_hash: str = "") -> None:
    """Record a signature waiting for its e-mail confirmation, and owe the address one e-mail.

    Signing must not reveal who signed, by its answer or by its time. So every request does the
    same work, whatever the address's state: it reads the signature, then writes it with the
    e-mail it is owed in one statement, and answers the same. What the e-mail says is settled
    when it is sent (mail.owed_to): a confirmation link to a new or waiting signature; to one
    already counted, a note saying so, with the signer's own link, which also tells the real owner
    someone used their address. An address is mailed about a campaign at most once per resend
    window, whatever its state, so nobody can flood an inbox; an already-counted signature is
    never changed.

    The mail is sent by `send_campaign_mail` (its loop sends it within seconds); while the server
    is down it waits and is tried again, so signing never fails for want of a mail server."""
    if not campaign.accepts_signatures():
        raise CampaignRefused(_why_not_signable(campaign))
    email_hash = addresses.address_hash(signer.email)
    now = timezone.now()
    show_name = signer.show_name and bool(signer.name)
    reason = signer.reason
    if signer.show_on_page and reason:
        # Shown to everyone: names and contact details in it are removed (the signer is told so).
        reason = naming_guard.redact(reason)
    shown = first_name_of(signer.name) if show_name else ""
    fields = {
        "name": signer.name,
        "show_name": show_name,
        "show_on_page": signer.show_on_page and bool(shown or reason),
        "email": signer.email.strip(),
        "email_domain": addresses.domain_of(signer.email),
        "country": signer.country,
        "postcode": signer.postcode.strip().upper(),
        "region": region_of(signer.country, signer.postcode),
        "reason": reason,
        "wants_updates": signer.wants_updates,
        "language": signer.language,
        "client_hash": client_hash,
    }
    # Read first, then write in one statement that changes nothing if another request changed the
    # row meanwhile: the signature and the e-mail it is owed (Signature.mail_due_at) together.
    found = signature_for_signing(campaign_id=campaign.pk, email_hash=email_hash)
    if found is not None and found[2] is not None and found[2] > now - _resend_after():
        return  # mailed within the resend window
    signature = Signature(
        campaign=campaign,
        email_hash=email_hash,
        nonce=secrets.token_urlsafe(16),
        created_at=now,
        mail_queued_at=now,
        mail_due_at=now,
        **fields,
    )
    if found is None:
        # If the same address signs at the same moment elsewhere, that signing owes the e-mail.
        Signature.objects.bulk_create([signature], ignore_conflicts=True)
        return
    signature_id, status, queued_at = found
    # Waiting: the latest details win, and the nonce stays, so a link sent earlier still works.
    # Counted already, or invalidated: nothing about it changes.
    details = signature if status == SignatureStatus.PENDING else None
    owe_mail_again(signature_id=signature_id, status=status, queued_at=queued_at, details=details, now=now)


def signature_for_signing(
    *, campaign_id: int, email_hash: str
) -> tuple[int, str, datetime.datetime | None] | None:
    """(id, status, when mail was last owed) of this address's signature on this campaign."""
    return (
        Signature.objects.filter(campaign_id=campaign_id, email_hash=email_hash)
        .values_list("pk", "status", "mail_queued_at")
        .first()
    )


def owe_mail_again(
    *, signature_id: int, status: str, queued_at, details: Signature | None, now: datetime.datetime
) -> bool:
    """Owe the signature an e-mail now, if it is still as signature_for_signing read it, taking the
    signer's latest details from `details` when given. Returns whether it did."""
    changes = {
        "mail_queued_at": now,
        # Owed already (not yet sent, or held by a sender): that e-mail covers this signing too.
        "mail_attempts": Case(
            When(mail_due_at__isnull=True, then=0),
            default=F("mail_attempts"),
            output_field=PositiveSmallIntegerField(),
        ),
        "mail_due_at": Coalesce(F("mail_due_at"), Value(now)),
    }
    if details is not None:
        changes |= {name: getattr(details, name) for name in SIGNER_DETAILS}
    unchanged = Signature.objects.filter(pk=signature_id, status=status, mail_queued_at=queued_at)
    return unchanged.update(**changes) == 1


# What signing again changes on a signature still waiting for its confirmation: the latest wins.
SIGNER_DETAILS = (
    "name",
    "show_name",
    "email",
    "email_domain",
    "country",
    "postcode",
    "region",
    "reason",
    "show_on_page",
    "wants_updates",
    "language",
    "client_hash",
    "created_at",
)


class LinkUsed(CampaignRefused):
    pass


def signature_for_confirmation(token: str) -> Signature:
    """The signature a confirmation link is for, while the link is still good, with what confirming
    reads and its page shows, and of its campaign what tells whether its thresholds were reached."""
    try:
        pk, nonce = tokens.read("confirm", token, max_age_seconds=mail.confirm_hours() * 3600)
    except tokens.ExpiredLink:
        raise CampaignRefused(
            _("This link has expired. Sign again on the campaign's page to get a new one.")
        ) from None
    except tokens.BadLink:
        raise CampaignRefused(_("This link is not valid. Copy the whole link from the e-mail.")) from None
    found = (
        Signature.objects.select_related("campaign")
        .only(*_CONFIRMING_FIELDS)
        .filter(pk=pk, status=SignatureStatus.PENDING)
        .first()
    )
    if found is None or not found.nonce or found.nonce != nonce:
        raise LinkUsed(_("This link was already used. A signature is counted once."))
    return found


_CONFIRMING_FIELDS = (
    "campaign_id",
    "nonce",
    "status",
    "country",
    "region",
    "manage_key",
    "campaign__slug",
    "campaign__title",
    "campaign__response_requested_at",
    "campaign__escalated_at",
    "campaign__escalation_threshold",
)


def confirm_signature(*, token: str) -> Signature:
    """Count a signature whose confirmation link was followed. Single use: the nonce is emptied.

    Each step is one conditional statement, so the count moves once however many requests carry
    the same link: the campaign's total first (which takes the campaign's row lock), only while
    it takes signatures; then the signature, only while it still waits with this link's nonce."""
    found = signature_for_confirmation(token)
    now = timezone.now()
    with transaction.atomic():
        counted = Campaign.objects.filter(
            pk=found.campaign_id, status=Status.OPEN, ends_on__gte=timezone.localdate(now)
        ).update(signature_count=F("signature_count") + 1)
        if not counted:
            raise CampaignRefused(
                _("This campaign closed before you confirmed: your signature was not counted.")
            )
        confirmed = (
            Signature.objects.filter(pk=found.pk, status=SignatureStatus.PENDING, nonce=found.nonce)
            .exclude(nonce="")
            .update(status=SignatureStatus.CONFIRMED, nonce="", confirmed_at=now)
        )
        if not confirmed:
            raise LinkUsed(_("This link was already used. A signature is counted once."))  # rolls back
        _move_support_counts(found.campaign_id, [found], +1)
        _note_thresholds(found.campaign)
    found.status, found.nonce, found.confirmed_at = SignatureStatus.CONFIRMED, "", now
    return found


def sign_as_member(*, campaign: Campaign, member: Member, wants_updates: bool, language: str) -> bool:
    """One click: a member with a confirmed e-mail signs and is counted at once. Returns whether a
    new signature was counted (False when this address had already signed)."""
    _refuse_barred(member)
    address = ConfirmedEmail.objects.filter(member=member, confirmed_at__isnull=False).first()
    if address is None:
        raise CampaignRefused(_("Confirm an e-mail address on your account first."))
    email_hash = addresses.address_hash(address.email)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if not campaign.accepts_signatures():
            raise CampaignRefused(_why_not_signable(campaign))
        signature = (
            Signature.objects.select_for_update().filter(campaign=campaign, email_hash=email_hash).first()
        )
        if signature is not None and signature.status in (
            SignatureStatus.CONFIRMED,
            SignatureStatus.INVALIDATED,
        ):
            return False
        signature = signature or Signature(campaign=campaign, email_hash=email_hash)
        signature.name, signature.show_name = address.name, bool(address.name)
        signature.email, signature.email_domain = address.email, addresses.domain_of(address.email)
        signature.country, signature.postcode = address.country, address.postcode
        signature.region = region_of(str(address.country), address.postcode)
        signature.wants_updates, signature.language, signature.member = wants_updates, language, member
        signature.status, signature.nonce = SignatureStatus.CONFIRMED, ""
        signature.confirmed_at = timezone.now()
        signature.save()
        _count(campaign, [signature], +1)
    return True


def _count(campaign: Campaign, signatures: list[Signature], delta: int) -> None:
    """Move the campaign's total and its country and region counts by `delta` per signature, and
    note the time each threshold is first reached. The caller holds the campaign's lock."""
    if not signatures:
        return
    Campaign.objects.filter(pk=campaign.pk).update(
        signature_count=F("signature_count") + delta * len(signatures)
    )
    _move_support_counts(campaign.pk, signatures, delta)
    if delta > 0:
        _note_thresholds(campaign)


def _move_support_counts(campaign_id: int, signatures: list[Signature], delta: int) -> None:
    """One statement per distinct change (usually one: the country's cell and the region's), and
    cells created the first time a country or region signs. The caller holds the campaign's lock."""
    cells: dict[tuple[str, str], int] = {}
    for signature in signatures:
        country = str(signature.country)
        cells[(country, "")] = cells.get((country, ""), 0) + delta
        if signature.region:
            cells[(country, signature.region)] = cells.get((country, signature.region), 0) + delta
    by_change: dict[int, list[tuple[str, str]]] = {}
    for cell, change in cells.items():
        by_change.setdefault(change, []).append(cell)
    for change, keys in by_change.items():
        match = Q()
        for country, region in keys:
            match |= Q(country=country, region=region)
        moved = SupportCount.objects.filter(match, campaign_id=campaign_id).update(count=F("count") + change)
        if moved < len(keys):
            existing = set(
                SupportCount.objects.filter(match, campaign_id=campaign_id).values_list("country", "region")
            )
            SupportCount.objects.bulk_create(
                SupportCount(campaign_id=campaign_id, country=country, region=region, count=change)
                for country, region in keys
                if (country, region) not in existing
            )


def _note_thresholds(campaign: Campaign) -> None:
    """Note the time each threshold is first reached, after the total went up. The caller holds
    the campaign's lock. A threshold once reached stays reached, so a campaign known to be past
    all of them costs nothing more."""
    loaded = not campaign.get_deferred_fields() & {
        "response_requested_at",
        "escalated_at",
        "escalation_threshold",
    }
    if (
        loaded
        and campaign.response_requested_at is not None
        and (campaign.escalated_at is not None or campaign.escalation_threshold is None)
    ):
        return
    campaign.refresh_from_db(
        fields=[
            "signature_count",
            "goal",
            "response_threshold",
            "escalation_threshold",
            "response_requested_at",
            "escalated_at",
        ]
    )
    now, reached = timezone.now(), []
    if campaign.response_requested_at is None and campaign.signature_count >= campaign.response_signatures:
        campaign.response_requested_at = now
        reached.append(("response_requested_at", DecisionAction.RESPONSE_THRESHOLD))
    if (
        campaign.escalated_at is None
        and campaign.escalation_threshold is not None
        and campaign.signature_count >= campaign.escalation_threshold
    ):
        campaign.escalated_at = now
        reached.append(("escalated_at", DecisionAction.ESCALATION_THRESHOLD))
    if reached:
        campaign.save(update_fields=[field for field, _action in reached])
        for _field, action in reached:
            _log(action=action, campaign=campaign, count=campaign.signature_count)
        if ("escalated_at", DecisionAction.ESCALATION_THRESHOLD) in reached:
            # Signers who asked for news hear it (by `send_campaign_mail`); moderators find it on
            # their list until they record what was done.
            CampaignUpdate.objects.create(campaign=campaign, kind=UpdateKind.ESCALATION, text="")


# --- The signer's own link -----------------------------------------------------------------------


def signature_for_signer(token: str) -> Signature:
    try:
        pk, key = tokens.read("manage", token)
    except (tokens.BadLink, tokens.ExpiredLink):
        raise CampaignRefused(_("This link is not valid. Copy the whole link from the e-mail.")) from None
    signature = Signature.objects.select_related("campaign").filter(pk=pk).first()
    if signature is None or not signature.manage_key or not secrets.compare_digest(signature.manage_key, key):
        raise CampaignRefused(_("This link is not valid any more."))
    return signature


def withdraw_signature(*, signature: Signature) -> bool:
    """The signer takes their signature back: it stops counting and is deleted, with everything
    that could point at them. Signing again later is a new signature, counted once as before.

    One a moderator invalidated stays (so that address cannot sign again): returns False."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=signature.campaign_id)
        signature = Signature.objects.select_for_update().filter(pk=signature.pk).first()
        if signature is None:
            return True
        if signature.status == SignatureStatus.INVALIDATED:
            return False
        if signature.status == SignatureStatus.CONFIRMED:
            _count(campaign, [signature], -1)
        signature.delete()
    return True


def stop_updates(*, signature: Signature) -> None:
    Signature.objects.filter(pk=signature.pk).update(wants_updates=False)


def stop_showing_on_page(*, signature: Signature) -> None:
    """The signer takes their first name and reason off the campaign's page."""
    Signature.objects.filter(pk=signature.pk).update(show_on_page=False)


def hide_signer(*, campaign: Campaign, moderator: Member, signature_id: int) -> bool:
    """A moderator takes a signer's first name and reason off the page. Returns whether one was shown."""
    with transaction.atomic():
        hidden = Signature.objects.filter(campaign=campaign, pk=signature_id, show_on_page=True).update(
            show_on_page=False
        )
        if hidden:
            _log(action=DecisionAction.HIDE_SIGNER, campaign=campaign, actor=moderator, count=hidden)
    return bool(hidden)


# --- Members' e-mail for one-click signing ------------------------------------------------------


def set_member_email(
    *, member: Member, email: str, name: str, country: str, postcode: str, language: str
) -> ConfirmedEmail:
    """Store (or replace) the member's signing address and mail it a confirmation link."""
    address, _created = ConfirmedEmail.objects.update_or_create(
        member=member,
        defaults={
            "email": email.strip(),
            "name": name,
            "country": country,
            "postcode": postcode.strip().upper(),
            "nonce": secrets.token_urlsafe(16),
            "confirmed_at": None,
            "created_at": timezone.now(),
        },
    )
    if not mail.send([mail.member_email_confirmation(address, language)]):
        raise MailNotSent(_("We could not send the e-mail just now. Please try again in a few minutes."))
    return address


def confirm_member_email(*, token: str, member: Member) -> ConfirmedEmail:
    try:
        pk, nonce = tokens.read("email", token, max_age_seconds=mail.confirm_hours() * 3600)
    except tokens.ExpiredLink:
        raise CampaignRefused(_("This link has expired. Ask for a new one.")) from None
    except tokens.BadLink:
        raise CampaignRefused(_("This link is not valid. Copy the whole link from the e-mail.")) from None
    updated = (
        ConfirmedEmail.objects.filter(pk=pk, member=member, nonce=nonce)
        .exclude(nonce="")
        .update(nonce="", confirmed_at=timezone.now())
    )
    if not updated:
        raise CampaignRefused(_("This link was already used, or is for another account."))
    return ConfirmedEmail.objects.get(pk=pk)


# --- Outcomes ------------------------------------------------------------------------------------


def post_update(*, campaign: Campaign, starter: Member, text: str) -> CampaignUpdate:
    """The starter's news, e-mailed to signers who opted in by the next `send_campaign_mail`."""
    if campaign.status not in (Status.OPEN, Status.CLOSED):
        raise CampaignRefused(_("Updates can be posted once the campaign is published."))
    with transaction.atomic():
        posted = CampaignUpdate.objects.create(campaign=campaign, kind=UpdateKind.UPDATE, text=text)
        _log(action=DecisionAction.UPDATE, campaign=campaign, actor=starter)
    return posted


def declare_victory(*, campaign: Campaign, starter: Member, text: str) -> CampaignUpdate:
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status not in (Status.OPEN, Status.CLOSED):
            raise CampaignRefused(_("Only a published campaign can declare victory."))
        if campaign.victory_at is not None:
            raise CampaignRefused(_("Victory was already declared."))
        campaign.victory_at, campaign.victory_text = timezone.now(), text
        campaign.save(update_fields=["victory_at", "victory_text"])
        posted = CampaignUpdate.objects.create(campaign=campaign, kind=UpdateKind.VICTORY, text=text)
        _log(action=DecisionAction.VICTORY, campaign=campaign, actor=starter)
    return posted


def publish_response(*, campaign: Campaign, moderator: Member, text: str) -> CampaignUpdate:
    """The decision maker's answer (received by the site) is published and sent to opted-in signers."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status not in (Status.OPEN, Status.CLOSED):
            raise CampaignRefused(_("Only a published campaign can have a response."))
        campaign.response_text, campaign.response_at = text, timezone.now()
        campaign.save(update_fields=["response_text", "response_at"])
        posted = CampaignUpdate.objects.create(campaign=campaign, kind=UpdateKind.RESPONSE, text=text)
        _log(action=DecisionAction.RESPONSE, campaign=campaign, actor=moderator)
    return posted


def record_response_request(
    *, campaign: Campaign, now: datetime.datetime, moderator: Member | None = None
) -> bool:
    """Note that the decision maker was asked for a response: by e-mail (`send_campaign_mail`,
    no moderator), or by other means a moderator used. Returns False when it was noted already."""
    with transaction.atomic():
        updated = (
            Campaign.objects.response_request_due()
            .filter(pk=campaign.pk)
            .update(response_request_sent_at=now)
        )
        if updated:
            _log(action=DecisionAction.RESPONSE_ASKED, campaign=campaign, actor=moderator)
    return bool(updated)


def set_decision_maker_email(*, campaign: Campaign, moderator: Member, email: str) -> None:
    """A moderator found where to reach the decision maker: the next `send_campaign_mail` asks them."""
    if campaign.anonymised_at is not None:
        raise CampaignRefused(_("This campaign's data was deleted."))
    with transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(decision_maker_email=email)
        _log(action=DecisionAction.DECISION_MAKER_EMAIL, campaign=campaign, actor=moderator)


def record_escalation_follow_up(*, campaign: Campaign, moderator: Member) -> bool:
    """A moderator took an escalated campaign further; it leaves their list."""
    with transaction.atomic():
        updated = (
            Campaign.objects.escalation_to_follow_up()
            .filter(pk=campaign.pk)
            .update(escalation_followed_up_at=timezone.now())
        )
        if updated:
            _log(action=DecisionAction.ESCALATION_FOLLOWED_UP, campaign=campaign, actor=moderator)
    return bool(updated)


def close_due_campaigns(*, now: datetime.datetime | None = None) -> int:
    """Close every open campaign whose end date has passed."""
    now = now or timezone.now()
    closed = 0
    for campaign in Campaign.objects.due_to_close(now):
        with transaction.atomic():
            updated = Campaign.objects.filter(pk=campaign.pk, status=Status.OPEN).update(
                status=Status.CLOSED, closed_at=now
            )
            if updated:
                _log(action=DecisionAction.CLOSE, campaign=campaign, count=campaign.signature_count)
                closed += 1
    return closed


# --- Integrity and delivery ----------------------------------------------------------------------


def invalidate_signatures(*, campaign: Campaign, moderator: Member, signature_ids: list[int]) -> int:
    """Invalidate a selection of signatures; those that counted stop counting. Returns how many."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        selected = list(
            Signature.objects.select_for_update()
            .filter(campaign=campaign, pk__in=signature_ids)
            .exclude(status=SignatureStatus.INVALIDATED)
        )
        if not selected:
            return 0
        _count(campaign, [s for s in selected if s.status == SignatureStatus.CONFIRMED], -1)
        Signature.objects.filter(pk__in=[s.pk for s in selected]).update(
            status=SignatureStatus.INVALIDATED, invalidated_at=timezone.now(), nonce="", wants_updates=False
        )
        _log(action=DecisionAction.INVALIDATE, campaign=campaign, actor=moderator, count=len(selected))
    return len(selected)


def approve_delivery(*, campaign: Campaign, moderator: Member) -> None:
    with transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(
            delivery_approved_at=timezone.now(), delivery_approved_by=moderator
        )
        _log(action=DecisionAction.APPROVE_DELIVERY, campaign=campaign, actor=moderator)


def anonymise_campaign_signers(*, campaign: Campaign, now: datetime.datetime) -> int | None:
    """Wipe every signer's name, address, postcode, reason and links; counted signatures keep only
    their country and region, the others are deleted. Returns how many signatures were counted, or
    None when the campaign was anonymised already (by `prune_expired` on another server, say)."""
    with transaction.atomic():
        due = Campaign.objects.select_for_update().filter(pk=campaign.pk, anonymised_at__isnull=True)
        if due.only("pk").first() is None:
            return None
        signatures = Signature.objects.filter(campaign=campaign)
        signatures.exclude(status=SignatureStatus.CONFIRMED).delete()
        kept = signatures.anonymise(now)
        Campaign.objects.filter(pk=campaign.pk).update(anonymised_at=now, decision_maker_email="")
        _log(action=DecisionAction.ANONYMISE, campaign=campaign, count=kept)
    return kept
