"""The escrow's rules, as the API, the pages and the commands use them (PROTOCOL.md §5–§8)."""

import base64
import datetime
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ustoo.accounts.models import Member
from ustoo.core import keys
from ustoo.core.concurrency import place_given_up
from ustoo.matching import budgets, hpke, oprf_client
from ustoo.matching.models import (
    Counselor,
    CounselorAction,
    CounselorKey,
    Entry,
    MatchNotice,
    Share,
)

MAX_IDENTIFIERS = 5
logger = logging.getLogger("ustoo.matching")


class Refused(Exception):
    """A request the rules refuse, with the words to show and the API status to answer."""

    def __init__(self, status: int, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def owner_of(member: Member) -> str:
    """The account's pseudonym (b64u of 32 bytes): keyed by the ownership key, which never changes, so
    the same account always gets the same one, and so the same share x (PROTOCOL.md §3)."""
    return b64u(keys.keyed_hash("matching-owner", str(member.pk)))


def why_not_allowed(member: Member) -> str:
    """Empty when the member may make entries (and spend evaluations); else the reason, for them."""
    if not member.is_authenticated or not member.may_take_part:
        return _("Your account cannot take part at the moment.")
    if Counselor.objects.filter(member=member).exists():
        return _("Counselors cannot make entries: their key opens them.")
    if not member.is_trusted:
        return _(
            "Entries are open to members whose account a moderator verified, or who have shared "
            "stories that were published. Ask the moderators if you need it sooner."
        )
    oldest_allowed = timezone.now() - datetime.timedelta(days=settings.MATCHING_MIN_ACCOUNT_DAYS)
    if member.date_joined > oldest_allowed:
        days = settings.MATCHING_MIN_ACCOUNT_DAYS
        return ngettext(
            "Entries are open to accounts at least %(days)s day old.",
            "Entries are open to accounts at least %(days)s days old.",
            days,
        ) % {"days": days}
    return ""


def _require_allowed(member: Member) -> None:
    if reason := why_not_allowed(member):
        raise Refused(403, reason)


def current_counselor_key() -> CounselorKey:
    key = CounselorKey.objects.current()
    if key is None:
        raise Refused(503, _("No counselor is ready to receive entries yet. Nothing was sent."))
    return key


def evaluate(member: Member, blinded: list[bytes]) -> tuple[list[bytes], bytes]:
    """Relay an OPRF evaluation for an account that may enter, within its budgets, after the delay.
    Nothing here reads the entries: the answer is the same whatever anyone entered before."""
    _require_allowed(member)
    current_counselor_key()
    if (wait := budgets.spend(owner_of(member), len(blinded))) is not None:
        raise Refused(429, _("You have used the checks you have for now. Try again later."), retry_after=wait)
    with place_given_up():  # the delay holds no working place from other requests
        time.sleep(settings.MATCHING_DELAY_MS / 1000)
    try:
        return oprf_client.evaluate(blinded)
    except oprf_client.ServiceOverBudget as over:
        raise Refused(
            429,
            _("Too many checks across the site right now. Try again later."),
            retry_after=over.retry_after,
        ) from None
    except oprf_client.ServiceUnavailable:
        raise Refused(
            503, _("The matching service is not answering. Nothing was sent; try again later.")
        ) from None


@dataclass(frozen=True)
class SealedShare:
    index: bytes
    sealed: bytes


def hold_entry(member: Member, *, ciphertext: bytes, counselor_key: str, shares: list[SealedShare]) -> Entry:
    """Keep an entry. Sizes are checked here (the API reports which field); matching is not looked at:
    the counselors are told later, by `ustoo matching notify`, so this takes as long either way."""
    _require_allowed(member)
    if counselor_key != current_counselor_key().fingerprint:
        raise Refused(409, _("The counselors' key changed while you wrote. Send your entry again."))
    owner = owner_of(member)
    with transaction.atomic():
        if Entry.objects.filter(owner=owner).count() >= settings.MATCHING_ENTRIES_PER_ACCOUNT:
            raise Refused(409, _("You hold as many entries as one account can. Withdraw one first."))
        entry = Entry.objects.create(owner=owner, ciphertext=ciphertext, counselor_key=counselor_key)
        Share.objects.bulk_create(
            Share(entry=entry, index=b64u(share.index), sealed=share.sealed) for share in shares
        )
    return entry


def entries_of(member: Member):
    return Entry.objects.filter(owner=owner_of(member)).annotate_identifiers()


def withdraw(member: Member, reference: str) -> None:
    """Delete (not hide) one of the account's entries and its shares, and forget any notice about an
    index no entry holds any more."""
    with transaction.atomic():
        entry = Entry.objects.filter(owner=owner_of(member), reference=reference).first()
        if entry is None:
            raise Refused(404, _("You have no entry with this reference."))
        indexes = list(entry.shares.values_list("index", flat=True))
        entry.delete()
        held = set(Share.objects.filter(index__in=indexes).values_list("index", flat=True))
        MatchNotice.objects.filter(index__in=set(indexes) - held).delete()


# Counselors.


def appoint_counselor(member: Member) -> Counselor:
    counselor, created = Counselor.objects.get_or_create(member=member)
    if created:
        CounselorAction.record(actor=member, action=CounselorAction.Action.APPOINTED)
    return counselor


def remove_counselor(member: Member) -> bool:
    deleted, _rows = Counselor.objects.filter(member=member).delete()
    if deleted:
        CounselorAction.record(actor=member, action=CounselorAction.Action.REMOVED)
    return bool(deleted)


def set_counselor_key(public_key: bytes) -> CounselorKey:
    """The new key receives entries from now on; entries sealed to earlier keys stay openable by them."""
    if len(public_key) != hpke.KEY_BYTES:
        raise ValueError("an X25519 public key is 32 bytes")
    fingerprint = hpke.fingerprint(public_key)
    with transaction.atomic():
        CounselorKey.objects.filter(retired_at__isnull=True).exclude(fingerprint=fingerprint).update(
            retired_at=timezone.now()
        )
        key, _created = CounselorKey.objects.update_or_create(
            fingerprint=fingerprint, defaults={"public_key": b64u(public_key), "retired_at": None}
        )
        CounselorAction.record(action=CounselorAction.Action.KEY_SET, key_fingerprint=fingerprint)
    return key


def is_counselor(member: Member) -> bool:
    return (
        member.is_authenticated and member.may_take_part and Counselor.objects.filter(member=member).exists()
    )


def match_count() -> int:
    return Share.objects.matched_indexes().count()


def export_for(counselor: Member) -> dict:
    """The matched indexes' shares and their entries' ciphertexts (PROTOCOL.md §8); lone entries are
    never exported. Written to the audit log with counts only."""
    matched = {row["index"] for row in Share.objects.matched_indexes()}
    shares = list(Share.objects.filter(index__in=matched).select_related("entry").order_by("index", "id"))
    entries = {share.entry.reference: share.entry for share in shares}
    key = CounselorKey.objects.current()
    CounselorAction.record(
        actor=counselor,
        action=CounselorAction.Action.EXPORTED,
        matches=len(matched),
        entries=len(entries),
        key_fingerprint=key.fingerprint if key else "",
    )
    return {
        "format": "ustoo-matching-export",
        "v": 1,
        "exported_at": timezone.now().isoformat(),
        "counselor_key": {"fingerprint": key.fingerprint, "public_key": key.public_key} if key else None,
        "entries": [
            {"reference": reference, "ciphertext": b64u(bytes(entry.ciphertext))}
            for reference, entry in sorted(entries.items())
        ],
        "shares": [
            {
                "entry": share.entry.reference,
                "index": share.index,
                "sealed": b64u(bytes(share.sealed)),
                "key": share.entry.counselor_key,
            }
            for share in shares
        ],
    }


@dataclass(frozen=True)
class Notified:
    new: int
    total: int
    sent: int


def notify_counselors() -> Notified:
    """E-mail each counselor a count when there are new matches (a new index, or more owners on one
    already told); never an index, never a record. Run by cron (`ustoo matching notify`)."""
    matched = {row["index"]: row["owners"] for row in Share.objects.matched_indexes()}
    told = dict(MatchNotice.objects.filter(index__in=matched).values_list("index", "owners"))
    new = {index: owners for index, owners in matched.items() if owners > told.get(index, 0)}
    if not new:
        return Notified(new=0, total=len(matched), sent=0)
    addresses = [c.member.email for c in Counselor.objects.select_related("member") if c.member.email]
    sent = _send_count(addresses, new=len(new), total=len(matched))
    if sent:
        now = timezone.now()
        with transaction.atomic():
            for index, owners in new.items():
                MatchNotice.objects.update_or_create(
                    index=index, defaults={"owners": owners, "notified_at": now}
                )
            CounselorAction.record(action=CounselorAction.Action.NOTIFIED, matches=len(new))
    return Notified(new=len(new), total=len(matched), sent=sent)


def _send_count(addresses: list[str], *, new: int, total: int) -> int:
    from django.core.mail import EmailMessage, mailers

    if not addresses:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        messages = [
            EmailMessage(
                subject=f"[{settings.SITE_NAME}] " + _("New matches in the escrow"),
                body=render_to_string(
                    "matching/mail/matches.txt",
                    {
                        "new": new,
                        "total": total,
                        "SITE_NAME": settings.SITE_NAME,
                        "counselor_url": settings.SITE_URL.rstrip("/") + reverse("matching:counselor"),
                    },
                ),
                to=[address],
                headers={"Auto-Submitted": "auto-generated"},
            )
            for address in addresses
        ]
    try:
        with mailers.default as connection:
            return connection.send_messages(messages) or 0
    except OSError as error:  # smtplib's errors are OSErrors: try again on the next run
        logger.error("Matching notice not sent: %s", type(error).__name__)
        return 0


# A member's data (accounts.member_data).


def export_member_entries(member: Member) -> list[dict]:
    return [
        {
            "reference": entry.reference,
            "held_since": entry.held_since.isoformat(),
            "identifiers": entry.identifiers,
        }
        for entry in entries_of(member)
    ]


def erase_member_entries(member: Member) -> None:
    for reference in Entry.objects.filter(owner=owner_of(member)).values_list("reference", flat=True):
        withdraw(member, reference)
