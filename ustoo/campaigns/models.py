"""Campaigns: petitions to a named decision maker, their supporters, signatures and outcomes.

Counts are kept on write (the campaign's total and one row per country and region), so no page ever
counts signatures; the audit log names objects by id and never copies what anyone wrote."""

import datetime
import re
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from django_countries.fields import CountryField

from ustoo.core.audit import AppendOnlyLog

TITLE_MAX = 120
ASK_MAX = 1000
WHY_MAX = 5000
NAME_MAX = 80
REASON_MAX = 500
UPDATE_MAX = 5000
POSTCODE_MAX = 12


def site_response_threshold() -> int:
    return settings.CAMPAIGN_RESPONSE_THRESHOLD


def site_escalation_threshold() -> int:
    return settings.CAMPAIGN_ESCALATION_THRESHOLD


def default_response_threshold(goal: int) -> int:
    """When the starter names no number: the site's threshold, or the goal when that is lower."""
    return min(site_response_threshold(), goal)


def escalation_threshold_for(goal: int, response: int) -> int | None:
    """The site's escalation threshold when it lies after the response and within the goal; else none.
    A threshold is a step on the way to the goal: one above it would promise what the goal does not."""
    escalation = site_escalation_threshold()
    return escalation if response < escalation <= goal else None


def response_threshold_problem(goal: int, response: int | None) -> str:
    """Why this response threshold contradicts the goal, or "" when it does not."""
    if response is not None and response > goal:
        return ngettext(
            "Ask for a response at no more than your goal of %(goal)s signature.",
            "Ask for a response at no more than your goal of %(goal)s signatures.",
            goal,
        ) % {"goal": number_format(goal, force_grouping=True)}
    return ""


def new_secret() -> str:
    return secrets.token_urlsafe(16)


class Status(models.TextChoices):
    GATHERING = "gathering", _("Gathering supporters")
    PENDING = "pending", _("Waiting for moderation")
    # A campaign's state: its own context, as other languages agree the word with "campaign".
    OPEN = "open", pgettext_lazy("campaign state", "Open")
    REJECTED = "rejected", pgettext_lazy("campaign state", "Rejected")
    CLOSED = "closed", pgettext_lazy("campaign state", "Closed")


class RejectionCode(models.TextChoices):
    DUPLICATE = "duplicate", _("There is already a campaign asking for the same thing")
    NOT_ACTIONABLE = "not_actionable", _("It does not ask for something the decision maker can do")
    OUTSIDE_REMIT = "outside_remit", _("It is outside what this site is for")
    PRIVATE_PERSON = "private_person", _("It names or identifies a private person")
    LIBELLOUS = "libellous", _("It could be libellous")
    OFFENSIVE = "offensive", _("It is offensive")
    FAKE_NAME = "fake_name", _("The name given is not a real name")


# Rejected for these, a campaign is hidden entirely; for the others it shows as rejected, with why.
HIDDEN_CODES = frozenset({RejectionCode.LIBELLOUS, RejectionCode.OFFENSIVE})


class CampaignQuerySet(models.QuerySet["Campaign"]):
    def listed(self) -> "CampaignQuerySet":
        """Campaigns anyone can find: open ones and closed ones."""
        return self.filter(status__in=[Status.OPEN, Status.CLOSED])

    def public(self) -> "CampaignQuerySet":
        """Campaigns anyone may open by their address: listed ones and those rejected visibly."""
        return self.filter(
            models.Q(status__in=[Status.OPEN, Status.CLOSED])
            | models.Q(status=Status.REJECTED) & ~models.Q(rejection_code__in=HIDDEN_CODES)
        )

    def accepting_signatures(self, now: datetime.datetime) -> "CampaignQuerySet":
        """Open and not past their end date (Campaign.accepts_signatures, in SQL)."""
        return self.filter(status=Status.OPEN, ends_on__gte=timezone.localdate(now))

    def due_to_close(self, now: datetime.datetime) -> "CampaignQuerySet":
        return self.filter(status=Status.OPEN, ends_on__lt=timezone.localdate(now))

    def response_request_due(self) -> "CampaignQuerySet":
        """Past the response threshold, and the decision maker not yet asked."""
        return self.filter(response_requested_at__isnull=False, response_request_sent_at__isnull=True)

    def to_ask_by_other_means(self) -> "CampaignQuerySet":
        """Due a request for a response with no address to send it to: a moderator's task."""
        return self.response_request_due().filter(decision_maker_email="")

    def escalation_to_follow_up(self) -> "CampaignQuerySet":
        return self.filter(escalated_at__isnull=False, escalation_followed_up_at__isnull=True)


class Campaign(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    asks_for = models.TextField(_("what it asks for"), max_length=ASK_MAX)
    decision_maker_name = models.CharField(_("decision maker's name"), max_length=120)
    decision_maker_role = models.CharField(_("decision maker's role"), max_length=120)
    decision_maker_organisation = models.CharField(_("decision maker's organisation"), max_length=160)
    # Never shown: where the request for a response is sent once the first threshold is reached.
    decision_maker_email = models.EmailField(_("decision maker's e-mail (not shown)"), blank=True)
    why = models.TextField(_("why it matters"), max_length=WHY_MAX)
    goal = models.PositiveIntegerField(_("signature goal"))
    # Steps on the way to the goal, fixed when the starter saves the campaign (never above the
    # goal): at the first the decision maker is asked to respond (empty: at the goal); at the
    # second, if any, the site's team takes the campaign further.
    response_threshold = models.PositiveIntegerField(_("response threshold"), null=True, blank=True)
    escalation_threshold = models.PositiveIntegerField(_("escalation threshold"), null=True, blank=True)
    ends_on = models.DateField(_("end date"))
    starter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.GATHERING, db_index=True)
    rejection_code = models.CharField(max_length=16, choices=RejectionCode.choices, blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signature_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    response_requested_at = models.DateTimeField(null=True, blank=True)
    response_request_sent_at = models.DateTimeField(null=True, blank=True)
    # Until when one sender holds the request for a response to mail it (outbox.LEASE), so senders on
    # several servers never both mail the decision maker.
    response_request_taken_until = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    # When a moderator recorded what the site did about the escalation (until then it is on their list).
    escalation_followed_up_at = models.DateTimeField(null=True, blank=True)
    response_text = models.TextField(blank=True)
    response_at = models.DateTimeField(null=True, blank=True)
    victory_text = models.TextField(blank=True)
    victory_at = models.DateTimeField(null=True, blank=True)
    delivery_approved_at = models.DateTimeField(null=True, blank=True)
    delivery_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    anonymised_at = models.DateTimeField(null=True, blank=True)
    sponsor_key = models.CharField(max_length=32, default=new_secret)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("campaigns:detail", args=[self.slug])

    @property
    def is_hidden(self) -> bool:
        return self.status == Status.REJECTED and self.rejection_code in HIDDEN_CODES

    @property
    def is_listed(self) -> bool:
        return self.status in (Status.OPEN, Status.CLOSED)

    def accepts_signatures(self, now: datetime.datetime | None = None) -> bool:
        today = timezone.localdate(now or timezone.now())
        return self.status == Status.OPEN and self.ends_on >= today

    @property
    def progress(self) -> int:
        """Per cent of the goal, at most 100 (the count itself may exceed the goal)."""
        return min(100, self.signature_count * 100 // self.goal) if self.goal else 0

    @property
    def response_signatures(self) -> int:
        """Signatures at which the decision maker is asked to respond."""
        return self.response_threshold or self.goal

    @property
    def reached_goal(self) -> bool:
        return self.signature_count >= self.goal

    def thresholds(self) -> list[dict]:
        """Each threshold, first to last, with when it was reached (None: not yet)."""
        found = [
            {
                "name": "response",
                "signatures": self.response_signatures,
                "reached_at": self.response_requested_at,
            }
        ]
        if self.escalation_threshold is not None:
            found.append(
                {
                    "name": "escalation",
                    "signatures": self.escalation_threshold,
                    "reached_at": self.escalated_at,
                }
            )
        return found

    def thresholds_to_show(self) -> list[dict]:
        """What the page says of the thresholds: all of them while it takes signatures; once it
        stopped, only those it reached (one it can no longer reach is no promise to show)."""
        if self.accepts_signatures():
            return self.thresholds()
        return [threshold for threshold in self.thresholds() if threshold["reached_at"] is not None]

    def decision_maker(self) -> str:
        return ", ".join(
            part
            for part in (self.decision_maker_name, self.decision_maker_role, self.decision_maker_organisation)
            if part
        )


class Sponsor(models.Model):
    """A member who backed the campaign through its supporter link, before moderation."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="sponsors")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "member"], name="sponsor_once")]

    def __str__(self) -> str:
        return f"sponsor {self.member_id} of campaign {self.campaign_id}"


class CampaignStoryLink(models.Model):
    """A story shown with a campaign. Shown only once the story's author agreed (``agreed_at``)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="story_links")
    story = models.ForeignKey("stories.Story", on_delete=models.CASCADE, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    agreed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "story"], name="story_link_once")]

    def __str__(self) -> str:
        return f"story {self.story_id} for campaign {self.campaign_id}"


class SignatureStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for e-mail confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    INVALIDATED = "invalidated", _("Invalidated by a moderator")


_POSTCODE_LETTERS = re.compile(r"^[A-Z]{1,2}")


def region_of(country: str, postcode: str) -> str:
    """The coarse region a postcode falls in, for counts: never fine enough to point at a street.

    UK: the postcode area (``SW``); France and Germany: the first two digits (département,
    Leitregion); United States: the first three digits of the ZIP code; Canada: the first letter
    (the province or territory); elsewhere the first two characters."""
    code = re.sub(r"[^0-9A-Za-z]", "", postcode).upper()
    if not code:
        return ""
    if country == "GB":
        match = _POSTCODE_LETTERS.match(code)
        return match.group(0) if match else ""
    if country == "US":
        return code[:3]
    if country == "CA":
        return code[:1]
    return code[:2]


# Words before a first name that are not one ("Dr Jane Smith" shows as "Jane").
_TITLES = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "mx",
        "miss",
        "dr",
        "prof",
        "sir",
        "dame",
        "m",
        "mme",
        "mlle",
        "me",
        "pr",
        "sr",
        "sra",
    }
)
_NAME_WORD = re.compile(r"^[^\W\d_]+(?:['’-][^\W\d_]+)*$")


def first_name_of(name: str) -> str:
    """The first word of a name that can be a first name, or "": never a surname, never anything
    with a digit or an "@" in it (someone may type their e-mail address as their name)."""
    for word in name.split():
        if word.rstrip(".").lower() in _TITLES:
            continue
        return word if _NAME_WORD.match(word) else ""
    return ""


class SignatureQuerySet(models.QuerySet["Signature"]):
    def confirmed(self) -> "SignatureQuerySet":
        return self.filter(status=SignatureStatus.CONFIRMED)

    def shown_on_page(self) -> "SignatureQuerySet":
        """Counted signatures whose signers agreed to show their first name and reason."""
        return self.filter(status=SignatureStatus.CONFIRMED, show_on_page=True)

    def to_mail_updates(self) -> "SignatureQuerySet":
        """Counted signers who asked for news, at an address the mail server has not refused."""
        return self.filter(
            status=SignatureStatus.CONFIRMED, wants_updates=True, mail_refused_at__isnull=True
        ).exclude(email="")

    def anonymise(self, now: datetime.datetime) -> int:
        """Wipe everything that could point at the signers, keeping what the counts are made of
        (campaign, status, country, region). Their address's hash goes too, replaced by a value
        that matches no address, and any mail still owed to them. Returns how many signatures
        were anonymised."""
        return self.update(
            name="",
            show_name=False,
            show_on_page=False,
            email="",
            email_hash=Concat(Value("anonymised:"), Cast("id", output_field=models.CharField())),
            email_domain="",
            postcode="",
            reason="",
            wants_updates=False,
            member=None,
            client_hash="",
            nonce="",
            manage_key="",
            mail_due_at=None,
            anonymised_at=now,
        )

    def owed_mail(self) -> "SignatureQuerySet":
        """Signatures owed an e-mail not yet sent (due, held by a sender, or waiting to be tried again)."""
        return self.filter(mail_due_at__isnull=False)

    def since(self, moment: datetime.datetime) -> "SignatureQuerySet":
        return self.filter(created_at__gte=moment)


class Signature(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="signatures")
    name = models.CharField(max_length=NAME_MAX, blank=True)
    show_name = models.BooleanField(default=False)
    email = models.EmailField(blank=True)
    # Keyed hash of the normalised address (addresses.normalise): one signature per person.
    email_hash = models.CharField(max_length=64)
    email_domain = models.CharField(max_length=253, blank=True)
    country = CountryField()
    postcode = models.CharField(max_length=POSTCODE_MAX, blank=True)
    region = models.CharField(max_length=8, blank=True)
    reason = models.CharField(max_length=REASON_MAX, blank=True)
    # The signer agreed to show their first name (if shown at all) and their reason on the campaign's
    # page, once counted. Off by default; a moderator may turn it off.
    show_on_page = models.BooleanField(default=False)
    wants_updates = models.BooleanField(default=False)
    language = models.CharField(max_length=8, default="en")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Daily-keyed HMAC of the client's address (core.ratelimit.client_fingerprint), for fraud review.
    client_hash = models.CharField(max_length=32, blank=True)
    status = models.CharField(max_length=12, choices=SignatureStatus.choices, default=SignatureStatus.PENDING)
    # The pending confirmation link's single-use part; emptied once used.
    nonce = models.CharField(max_length=32, blank=True)
    # The secret in the signer's own link (withdraw, stop updates); emptied at anonymisation.
    manage_key = models.CharField(max_length=32, default=new_secret, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Signing owes the address one e-mail (a link to confirm, or a note that it signed already),
    # written in the same statement as the signature, and sent after it by `send_campaign_mail`
    # (outbox.send_owed_mail): so a signing request never waits on the mail server, and nothing
    # is lost while it is down. What the e-mail says is settled when it is sent.
    # When mail was last owed to this address about this campaign: at most one e-mail per resend
    # window (CAMPAIGN_RESEND_MINUTES), whatever the signature's state.
    mail_queued_at = models.DateTimeField(null=True, blank=True)
    # Null when no e-mail is owed. Otherwise when a sender may take it: at once when owed; while a
    # sender holds it, the end of that sender's lease (mail held by a process that died is sent by
    # the next); after a failure, the time of the next try.
    mail_due_at = models.DateTimeField(null=True, blank=True)
    mail_attempts = models.PositiveSmallIntegerField(default=0)
    # When the mail server refused this address for good: no more updates are tried (signing again
    # still owes it an e-mail).
    mail_refused_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    invalidated_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "email_hash"], name="one_signature_per_address")
        ]
        indexes = [
            models.Index(fields=["campaign", "created_at"], name="signature_recent"),
            models.Index(fields=["campaign", "status", "id"], name="signature_by_status"),
            models.Index(
                fields=["mail_due_at"], name="signature_mail_owed", condition=Q(mail_due_at__isnull=False)
            ),
            # The page's recent signers, in the order shown: a few rows, however many signed.
            models.Index(
                fields=["campaign", "-confirmed_at", "-id"],
                name="signature_shown_on_page",
                condition=Q(show_on_page=True, status="confirmed"),
            ),
        ]

    def __str__(self) -> str:
        return f"signature {self.pk} ({self.status}) on campaign {self.campaign_id}"

    @property
    def shown_name(self) -> str:
        return self.name if self.show_name and self.name else ""

    @property
    def first_name_on_page(self) -> str:
        return first_name_of(self.name) if self.show_name else ""


class SupportCount(models.Model):
    """Confirmed signatures per country (``region`` empty) and per country and region, kept on write."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="support_counts")
    country = models.CharField(max_length=2)
    region = models.CharField(max_length=8, blank=True)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "country", "region"], name="support_count_cell")
        ]

    def __str__(self) -> str:
        return f"{self.country}/{self.region or '*'}: {self.count}"


class UpdateKind(models.TextChoices):
    UPDATE = "update", _("Update")
    RESPONSE = "response", _("Response from the decision maker")
    VICTORY = "victory", _("Victory")
    ESCALATION = "escalation", _("Escalated")


class CampaignUpdate(models.Model):
    """News for signers, e-mailed in batches by ``ustoo send_campaign_mail`` to those who opted in.

    ``sent_up_to`` is the last signature id mailed, so an interrupted run resumes without sending
    anyone the same update twice."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(max_length=12, choices=UpdateKind.choices, default=UpdateKind.UPDATE)
    text = models.TextField(max_length=UPDATE_MAX)
    created_at = models.DateTimeField(default=timezone.now)
    sent_up_to = models.BigIntegerField(default=0)
    recipients = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Until when one sender holds it (outbox.LEASE): senders on several servers never mail the same
    # batch, and one that died leaves it to the next once this passes.
    taken_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} for campaign {self.campaign_id}"


class ConfirmedEmail(models.Model):
    """A member's e-mail address for signing in one click, usable once its link was followed."""

    member = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()
    name = models.CharField(max_length=NAME_MAX, blank=True)
    country = CountryField()
    postcode = models.CharField(max_length=POSTCODE_MAX, blank=True)
    nonce = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"e-mail of member {self.member_id}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class DecisionAction(models.TextChoices):
    START = "start", _("Started")
    EDIT = "edit", _("Changed by its starter")
    SUBMIT = "submit", _("Sent to moderation with its supporters")
    # Contexts: a campaign's words agree with it (Spanish "publicada"), not with a story's.
    PUBLISH = "publish", pgettext_lazy("campaign decision", "Published")
    REJECT = "reject", pgettext_lazy("campaign decision", "Rejected")
    RESPONSE_THRESHOLD = "response_due", _("Reached the response threshold")
    RESPONSE_ASKED = "response_asked", _("Decision maker asked for a response")
    DECISION_MAKER_EMAIL = "dm_email", _("Decision maker's address added")
    ESCALATION_THRESHOLD = "escalated", _("Reached the escalation threshold")
    ESCALATION_FOLLOWED_UP = "followed_up", _("Escalation followed up")
    RESPONSE = "response", _("Decision maker's response published")
    UPDATE = "update", _("Update posted")
    VICTORY = "victory", _("Victory declared")
    INVALIDATE = "invalidate", _("Signatures invalidated")
    HIDE_SIGNER = "hide_signer", _("A signer's name and reason hidden from the page")
    APPROVE_DELIVERY = "delivery", _("Delivery export approved")
    CLOSE = "close", pgettext_lazy("campaign decision", "Closed")
    ANONYMISE = "anonymise", _("Signers anonymised")


class CampaignDecision(AppendOnlyLog):
    """One step in a campaign's life: who (a moderator, the starter, or the system), what, when,
    which code, how many signatures. Never anything anyone wrote."""

    action = models.CharField(max_length=16, choices=DecisionAction.choices)
    campaign_id = models.BigIntegerField(db_index=True)
    code = models.CharField(max_length=16, blank=True)
    count = models.PositiveIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.action} on campaign {self.campaign_id} by {self.actor_name or 'the system'}"
