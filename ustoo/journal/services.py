"""What the journal's API does, apart from HTTP: make a journal, find it by a lookup id, write an
entry and have it time-stamped, add or remove a way in, delete everything."""

from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ustoo.core import keys
from ustoo.journal import attachments as attachment_files
from ustoo.journal import log, timestamps
from ustoo.journal.errors import Refused
from ustoo.journal.models import Access, Attachment, Entry, Journal

# One for the codename and passphrase, one for a recovery key, and room to change either.
MAX_ACCESSES = 8
# nonce(12) || AES-256-GCM(32-byte journal key) with its 16-byte tag.
WRAPPED_KEY_BYTES = 60
# An entry's ciphertext around its padded body: the nonce before it, the tag after.
SEALING_BYTES = 12 + 16
ENTRY_BUCKET = 1024
ATTACHMENT_BLOCK = 64 * 1024


def lookup_hash(lookup: str) -> bytes:
    """What the server keeps of a lookup id (its base64url spelling, as sent): an HMAC under a key
    derived from the site's ownership key."""
    return keys.keyed_hash("journal-lookup", lookup)


def access_for(lookup: str) -> Access | None:
    """The access this lookup id opens, if any. An unknown journal and a wrong codename or passphrase
    are the same to the server: a lookup it does not have."""
    return Access.objects.select_related("journal").filter(lookup_hash=lookup_hash(lookup)).first()


def create_journal(accesses: list[tuple[str, bytes]]) -> Journal:
    """A new journal with its ways in: (lookup id, wrapped key) for each."""
    try:
        with transaction.atomic():
            journal = Journal.objects.create()
            Access.objects.bulk_create(
                Access(journal=journal, lookup_hash=lookup_hash(lookup), wrapped_key=wrapped)
                for lookup, wrapped in accesses
            )
    except IntegrityError:
        raise Refused(409, _("These secrets already open a journal: make the new one with others.")) from None
    return journal


def add_access(journal: Journal, lookup: str, wrapped_key: bytes) -> None:
    try:
        with transaction.atomic():
            Journal.objects.select_for_update().get(pk=journal.pk)
            if journal.accesses.count() >= MAX_ACCESSES:
                raise Refused(409, _("This journal has as many ways in as it can have: remove one first."))
            Access.objects.create(journal=journal, lookup_hash=lookup_hash(lookup), wrapped_key=wrapped_key)
    except IntegrityError:
        raise Refused(409, _("These secrets already open a journal."), "lookup") from None


def remove_access(access: Access) -> None:
    """Forget one way in, never the last: without any, the journal could not be opened again."""
    with transaction.atomic():
        Journal.objects.select_for_update().get(pk=access.journal_id)
        if Access.objects.filter(journal_id=access.journal_id).count() <= 1:
            raise Refused(
                409,
                _("This is the only way into this journal: add another before removing it."),
            )
        access.delete()


def is_entry_ciphertext_length(length: int) -> bool:
    """A nonce, a body padded to 1 KiB × 2^k, and a tag (PROTOCOL.md "Entries")."""
    padded = length - SEALING_BYTES
    return padded >= ENTRY_BUCKET and padded % ENTRY_BUCKET == 0 and (padded // ENTRY_BUCKET).bit_count() == 1


def is_attachment_ciphertext_length(length: int) -> bool:
    """A nonce, the file padded to a multiple of 64 KiB, and a tag."""
    padded = length - SEALING_BYTES
    return padded >= ATTACHMENT_BLOCK and padded % ATTACHMENT_BLOCK == 0


def check_entry_length(length: int) -> None:
    if length > settings.JOURNAL_ENTRY_MAX_BYTES:
        raise Refused(
            413,
            ngettext(
                "This entry is too long to keep: its ciphertext may be at most %(limit)s byte.",
                "This entry is too long to keep: its ciphertext may be at most %(limit)s bytes.",
                settings.JOURNAL_ENTRY_MAX_BYTES,
            )
            % {"limit": settings.JOURNAL_ENTRY_MAX_BYTES},
            "ciphertext",
        )
    if not is_entry_ciphertext_length(length):
        raise Refused(
            422,
            _("An entry's ciphertext is 28 bytes longer than a padded size of 1 KiB times a power of two."),
            "ciphertext",
        )


@dataclass(frozen=True)
class Written:
    entry: Entry
    issued: timestamps.Issued


def write_entry(
    *,
    journal: Journal,
    seq: int,
    ciphertext: bytes,
    commitment: bytes,
    nonce: int | None,
    attachment_ids: list[str],
) -> Written:
    """Keep the entry numbered `seq` (the next one) and time-stamp its commitment, in one transaction:
    the token is in the log exactly when the entry is kept."""
    check_entry_length(len(ciphertext))
    with transaction.atomic():
        # One statement checks that `seq` is the next number and that the entry fits, and counts it. It
        # also holds the journal's row until the transaction ends (PostgreSQL; SQLite's write lock holds
        # everything), so two writes of the same number cannot both pass.
        counted = Journal.objects.filter(
            pk=journal.pk, last_seq=seq - 1, stored_bytes__lte=settings.JOURNAL_MAX_BYTES - len(ciphertext)
        ).update(last_seq=seq, stored_bytes=F("stored_bytes") + len(ciphertext))
        if not counted:
            raise _why_not_written(journal, seq)
        named = []
        if attachment_ids:
            named = list(journal.attachments.filter(pk__in=set(attachment_ids)))
            if len(named) != len(set(attachment_ids)):
                raise Refused(422, _("An attachment named here is not in this journal."), "attachments")
        leaf, issued = log.issue_token(commitment=commitment, nonce=nonce)
        entry = Entry.objects.create(
            journal_id=journal.pk, seq=seq, ciphertext=ciphertext, commitment=commitment, leaf=leaf
        )
        if named:
            entry.attachments.set(named)
            Attachment.objects.filter(pk__in=[a.pk for a in named]).update(unclaimed_since=None)
    return Written(entry=entry, issued=issued)


def _why_not_written(journal: Journal, seq: int) -> Refused:
    last = Journal.objects.filter(pk=journal.pk).values_list("last_seq", flat=True).first() or 0
    if seq <= last:
        return Refused(
            409,
            _("Entry %(seq)s is already written: an entry is never overwritten.") % {"seq": seq},
            "seq",
            {"next_seq": last + 1},
        )
    if seq != last + 1:
        return Refused(
            422,
            _("The next entry of this journal is number %(next)s.") % {"next": last + 1},
            "seq",
            {"next_seq": last + 1},
        )
    return Refused(413, _journal_full_message(), "ciphertext")


def _journal_full_message() -> str:
    return ngettext(
        "This journal is full: it can hold %(limit)s byte of entries and attachments.",
        "This journal is full: it can hold %(limit)s bytes of entries and attachments.",
        settings.JOURNAL_MAX_BYTES,
    ) % {"limit": settings.JOURNAL_MAX_BYTES}


def store_attachment(journal: Journal, stream, length: int) -> Attachment:
    """Keep an uploaded attachment's ciphertext (read from `stream`, `length` bytes)."""
    if length > settings.JOURNAL_ATTACHMENT_MAX_BYTES:
        raise Refused(
            413,
            ngettext(
                "This attachment is too large: its ciphertext may be at most %(limit)s byte.",
                "This attachment is too large: its ciphertext may be at most %(limit)s bytes.",
                settings.JOURNAL_ATTACHMENT_MAX_BYTES,
            )
            % {"limit": settings.JOURNAL_ATTACHMENT_MAX_BYTES},
            "body",
        )
    if not is_attachment_ciphertext_length(length):
        raise Refused(
            422,
            _("An attachment's ciphertext is 28 bytes longer than a multiple of 64 KiB."),
            "body",
        )
    _check_room(journal, length)
    name = attachment_files.write(stream, length)
    try:
        with transaction.atomic():
            locked = Journal.objects.select_for_update().get(pk=journal.pk)
            _check_room(locked, length)  # again, now that no other upload to it can run alongside
            attachment = Attachment.objects.create(
                id=name, journal=locked, size=length, unclaimed_since=attachment_files.now()
            )
            Journal.objects.filter(pk=locked.pk).update(stored_bytes=F("stored_bytes") + length)
    except BaseException:
        attachment_files.remove([name])
        raise
    return attachment


def _check_room(journal: Journal, length: int) -> None:
    if journal.attachments.count() >= settings.JOURNAL_MAX_ATTACHMENTS:
        raise Refused(
            413,
            _("This journal holds as many attachments as it can (%(limit)s).")
            % {"limit": settings.JOURNAL_MAX_ATTACHMENTS},
            "body",
        )
    if journal.stored_bytes + length > settings.JOURNAL_MAX_BYTES:
        raise Refused(413, _journal_full_message(), "body")


def delete_journal(journal: Journal) -> None:
    """Delete the journal, its ways in, its entries and its attachments, rows and files. The tokens stay
    in the public log: they hold only commitments, and the log cannot lose a leaf."""
    with transaction.atomic():
        names = list(journal.attachments.values_list("pk", flat=True))
        journal.delete()
        # The files go once the rows are gone for good: a rollback must not leave rows without files.
        transaction.on_commit(lambda: attachment_files.remove(names))
