"""Attachments' ciphertext, one file each in the storage "journal_attachments" (settings.STORAGES).

Files rather than rows: an attachment may be 25 MB, and in the database each would be read whole
into memory by every query that touches its row, copied into the write-ahead log and every backup,
and, on SQLite, hold the one write lock for as long as it is written, stopping every other writer
(time-stamps included). A file is written before its row exists and is only ever served through its
row, so a half-written file is never read; it is deleted at once when the write fails, and by
`ustoo prune_expired` if the process died meanwhile. Deleting a journal deletes its files once the
rows are gone. What a deleted file leaves on the disk's free blocks is ciphertext whose key was
only ever inside the journal's entries.

Several app servers share one directory (USTOO_JOURNAL_ATTACHMENTS_DIR, an NFS mount, say: docs/DEPLOY.md):
a file is closed before its row is written, so another server that reads the row finds the whole file
(NFS's close-to-open consistency), and a deletion on any server deletes the one copy."""

import datetime
import logging
import secrets

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.utils import timezone
from django.utils.translation import gettext as _

from ustoo.journal.errors import Refused

logger = logging.getLogger("ustoo.journal")

_CHUNK = 64 * 1024


def storage():
    return storages["journal_attachments"]


def now() -> datetime.datetime:
    return timezone.now()


class _ShortUpload(Exception):
    pass


class _Upload(File):
    """The request's body as a file, read in chunks up to its Content-Length; fewer bytes than
    announced means the upload was cut off."""

    def __init__(self, stream, length: int) -> None:
        super().__init__(None, name="upload")
        self.stream = stream
        self.length = length

    def chunks(self, chunk_size=None):
        left = self.length
        while left:
            chunk = self.stream.read(min(_CHUNK, left))
            if not chunk:
                raise _ShortUpload
            left -= len(chunk)
            yield chunk


def write(stream, length: int) -> str:
    """Store `length` bytes read from `stream` under a new random name, and return the name. Nothing is
    left behind when the upload ends early or the disk refuses the write."""
    name = secrets.token_hex(16)
    try:
        saved = storage().save(name, _Upload(stream, length))
    except _ShortUpload:
        remove([name])
        raise Refused(
            400,
            _("The upload ended before all of it arrived: nothing was kept. Send it again."),
            "body",
        ) from None
    except OSError as error:
        remove([name])
        logger.error("Journal attachment not stored: %s", error.strerror or type(error).__name__)
        raise Refused(
            507,
            _(
                "The server could not store this attachment (its disk may be full): nothing was kept. "
                "Try again later; what the journal already holds is safe."
            ),
            "body",
        ) from None
    if saved != name:  # 128 random bits never meet, but a renamed file would be served under no row
        remove([saved])
        raise RuntimeError("journal attachment stored under another name")
    return name


def read(name: str) -> File:
    return storage().open(name, "rb")


def remove(names: list[str]) -> None:
    files = storage()
    for name in names:
        try:
            files.delete(name)
        except OSError as error:  # left for prune_expired, which deletes files without a row
            logger.error("Journal attachment file not deleted: %s", error.strerror or type(error).__name__)


def prune_unclaimed(moment: datetime.datetime) -> int:
    """Delete the attachments no entry named within JOURNAL_UNCLAIMED_HOURS of their upload, and the
    files of uploads whose process died before their row was written. Returns how many went."""
    from django.db import transaction
    from django.db.models import F

    from ustoo.journal.models import Attachment, Journal

    cutoff = moment - datetime.timedelta(hours=settings.JOURNAL_UNCLAIMED_HOURS)
    expired = list(
        Attachment.objects.filter(unclaimed_since__lt=cutoff, entries__isnull=True).values_list(
            "pk", "journal_id", "size"
        )
    )
    for pk, journal_id, size in expired:
        with transaction.atomic():
            # The journal's row locked, as an entry that names an attachment locks it: one cannot claim
            # an attachment this is deleting.
            Journal.objects.select_for_update().filter(pk=journal_id).first()
            if Attachment.objects.filter(pk=pk, entries__isnull=True).delete()[0]:
                Journal.objects.filter(pk=journal_id).update(stored_bytes=F("stored_bytes") - size)
                transaction.on_commit(lambda pk=pk: remove([pk]))
    return len(expired) + _remove_orphan_files(cutoff)


def _remove_orphan_files(cutoff: datetime.datetime) -> int:
    from ustoo.journal.models import Attachment

    files = storage()
    try:
        _folders, names = files.listdir("")
    except FileNotFoundError:
        return 0
    known = set(Attachment.objects.filter(pk__in=names).values_list("pk", flat=True))
    orphans = [name for name in names if name not in known and files.get_modified_time(name) < cutoff]
    remove(orphans)
    return len(orphans)
