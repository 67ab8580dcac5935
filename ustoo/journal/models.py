"""The journal's tables (see PROTOCOL.md). What the server keeps of a journal is ciphertext, HMACs of
lookup ids, wrapped keys and commitments: no time (the token says when), no member, no address. The
log's tables are public evidence and never change: their rows refuse updates and deletion."""

import uuid

from django.db import models

from ustoo.core.audit import AppendOnlyError, AppendOnlyQuerySet


class Journal(models.Model):
    # Random, not sequential: nothing in a copy of the database says in which order journals were made.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Ciphertext bytes its entries and attachments take (settings.JOURNAL_MAX_BYTES), and the number of
    # its last entry: kept by the statement that writes each entry (services.write_entry), which checks
    # both with one update of this row instead of reading every entry.
    stored_bytes = models.PositiveBigIntegerField(default=0)
    last_seq = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return "journal"  # never its id: it must not end up in a log line


class Access(models.Model):
    """One secret that opens the journal (a codename with its passphrase, or a recovery key)."""

    journal = models.ForeignKey(Journal, on_delete=models.CASCADE, related_name="accesses")
    # keys.keyed_hash("journal-lookup", <the lookup id as base64url>): without the site's key a copy of
    # the database cannot even check a guessed lookup id.
    lookup_hash = models.BinaryField(max_length=32, unique=True, editable=False)
    wrapped_key = models.BinaryField(max_length=60, editable=False)

    def __str__(self) -> str:
        return "journal access"


class Attachment(models.Model):
    # 128 random bits in hex: the name of its file, and what the browser names it by.
    id = models.CharField(primary_key=True, max_length=32, editable=False)
    journal = models.ForeignKey(Journal, on_delete=models.CASCADE, related_name="attachments")
    size = models.PositiveBigIntegerField()
    # Until an entry names it; then cleared, so that nothing but the entry's token says when it came.
    unclaimed_since = models.DateTimeField(null=True, blank=True, db_index=True)

    def __str__(self) -> str:
        return "journal attachment"


class AppendOnly(models.Model):
    """A row written once, never changed or deleted (as core.audit.AppendOnlyLog, without its actor)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{self._meta.label} is append-only: its rows cannot change.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self._meta.label} is append-only: its rows cannot be deleted.")


class LogLeaf(AppendOnly):
    """A time-stamp token, at its place in the log (leaf indexes from 0, in the order issued)."""

    index = models.PositiveBigIntegerField(primary_key=True)
    token = models.BinaryField(editable=False)  # the TimeStampToken (ContentInfo), DER
    leaf_hash = models.BinaryField(max_length=32, editable=False)  # SHA-256(0x00 || token)

    def __str__(self) -> str:
        return f"leaf {self.index}"


class LogNode(AppendOnly):
    """The hash of a perfect subtree of the log above the leaves (level ≥ 1), stored once complete, so
    that a root or a proof is a few reads instead of the whole tree."""

    level = models.PositiveSmallIntegerField()
    index = models.PositiveBigIntegerField()
    hash = models.BinaryField(max_length=32, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["level", "index"], name="journal_lognode_position")]

    def __str__(self) -> str:
        return f"node {self.level}/{self.index}"


class LogSize(models.Model):
    """The one row that says how many tokens the log holds; locked while a token is issued, so that
    leaf indexes follow one another without a gap however many servers issue at once."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    size = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.size} tokens"


class AuthorityRecord(AppendOnly):
    """The one row that names the deployment's time-stamping authority by the SHA-256 of its CA
    certificate: written by the first process to use an authority, then compared by every other one,
    so that two app servers never sign with two authorities (authority.current)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    ca_sha256 = models.CharField(max_length=64, editable=False)

    def __str__(self) -> str:
        return f"authority {self.ca_sha256[:16]}"


class TreeHead(AppendOnly):
    """A signed tree head (RFC 6962 §3.5), published and kept forever."""

    tree_size = models.PositiveBigIntegerField()
    timestamp = models.PositiveBigIntegerField()  # milliseconds since the epoch
    root_hash = models.BinaryField(max_length=32, editable=False)
    signature = models.BinaryField(editable=False)  # ECDSA P-256 over the TreeHeadSignature, DER

    class Meta:
        ordering = ["-tree_size", "-timestamp"]

    def __str__(self) -> str:
        return f"tree head of {self.tree_size}"


class Entry(models.Model):
    journal = models.ForeignKey(Journal, on_delete=models.CASCADE, related_name="entries")
    seq = models.PositiveIntegerField()
    ciphertext = models.BinaryField(editable=False)
    commitment = models.BinaryField(max_length=32, editable=False)
    # The token stays in the public log when the entry is deleted: it holds only the commitment.
    leaf = models.OneToOneField(LogLeaf, on_delete=models.PROTECT, related_name="+")
    attachments = models.ManyToManyField(Attachment, related_name="entries", blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["journal", "seq"], name="journal_entry_seq")]
        ordering = ["journal", "seq"]

    def __str__(self) -> str:
        return f"entry {self.seq}"
