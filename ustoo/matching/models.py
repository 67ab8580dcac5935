"""What the escrow stores (PROTOCOL.md §3–§8): per entry the owner's pseudonym, the record's ciphertext
and, per identifier, an index and a sealed share. No identifier, no account id, nothing in clear."""

import base64
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ustoo.core.audit import AppendOnlyLog


def new_reference() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(12)).decode()


class ShareQuerySet(models.QuerySet):
    def matched_indexes(self) -> models.QuerySet:
        """{"index", "owners"} for each index two or more distinct owners hold: the matches."""
        return (
            self.values("index")
            .annotate(owners=Count("entry__owner", distinct=True))
            .filter(owners__gte=2)
            .order_by("index")
        )


class EntryQuerySet(models.QuerySet):
    def annotate_identifiers(self) -> models.QuerySet:
        return self.annotate(identifiers=Count("shares"))


class Entry(models.Model):
    # Random, so that references say nothing of order or number.
    reference = models.CharField(max_length=16, unique=True, default=new_reference)
    # b64u of keys.keyed_hash("matching-owner", account id): links an account's entries, names nobody.
    owner = models.CharField(max_length=43, db_index=True)
    ciphertext = models.BinaryField()
    # The fingerprint of the counselors' key the shares were sealed to.
    counselor_key = models.CharField(max_length=32)
    # The day only: the hour would say more than anyone needs.
    held_since = models.DateField(default=timezone.localdate)

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["-held_since", "-id"]

    def __str__(self) -> str:
        return f"entry {self.reference}"


class Share(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="shares")
    index = models.CharField(max_length=43, db_index=True)
    sealed = models.BinaryField()

    objects = ShareQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "index"], name="matching_share_once_per_entry")
        ]

    def __str__(self) -> str:
        return f"share of entry {self.entry_id}"


class CounselorKeyQuerySet(models.QuerySet):
    def current(self) -> "CounselorKey | None":
        return self.filter(retired_at__isnull=True).order_by("-made_at", "-id").first()


class CounselorKey(models.Model):
    """The counselors' HPKE public key; its private key never reaches the server (COUNSELORS.md)."""

    public_key = models.CharField(max_length=43)
    fingerprint = models.CharField(max_length=32, unique=True)
    made_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    objects = CounselorKeyQuerySet.as_manager()

    def __str__(self) -> str:
        return self.fingerprint


class Counselor(models.Model):
    """A member an administrator appointed (`ustoo matching counselor add`): may download exports."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="counselor"
    )
    since = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"counselor {self.member_id}"


class MatchNotice(models.Model):
    """How many owners an index had when the counselors were last told of it: so that they are told
    again only when a match is new or grows."""

    index = models.CharField(max_length=43, unique=True)
    owners = models.PositiveIntegerField()
    notified_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"notice of {self.owners} owners"


class CounselorAction(AppendOnlyLog):
    """The audit log of the escrow: counts, fingerprints and who acted, never an index or a record."""

    class Action(models.TextChoices):
        APPOINTED = "appointed", _("Counselor appointed")
        REMOVED = "removed", _("Counselor removed")
        KEY_SET = "key_set", _("Counselors' key set")
        NOTIFIED = "notified", _("Counselors notified")
        EXPORTED = "exported", _("Export downloaded")

    action = models.CharField(max_length=16, choices=Action.choices)
    matches = models.PositiveIntegerField(default=0)
    entries = models.PositiveIntegerField(default=0)
    key_fingerprint = models.CharField(max_length=32, blank=True)
