"""Retention: what is deleted when, so nothing is kept longer than it is needed."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from ustoo.accounts.models import Member, TrustLevel
from ustoo.moderation.models import Action, Decision, ReasonCode
from ustoo.moderation.services import promote_if_earned
from ustoo.stories import services as story_services
from ustoo.stories.models import Statement, Status, Story

# Rejected as spam or a duplicate: the statement was not a real "me too" and leaves the total too.
_NOT_COUNTED_CODES = {ReasonCode.SPAM, ReasonCode.DUPLICATE}


@dataclass(frozen=True)
class PruneReport:
    stories: int
    receipts: int
    sessions: int
    promoted: int


def prune_expired(now: datetime.datetime | None = None) -> PruneReport:
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.RETENTION_REJECTED_DAYS)
    expired = Story.objects.filter(status=Status.REJECTED, rejected_at__lte=cutoff).select_related(
        "statement"
    )
    stories = 0
    for story in expired:
        story_id, code = story.pk, story.moderation_code
        # Run on two servers at once, both find the same stories: only the one whose deletion took
        # it logs and counts it.
        if story_services.delete_statement(
            statement=story.statement, keep_in_total=code not in _NOT_COUNTED_CODES
        ):
            Decision.record(action=Action.PRUNE, story_id=story_id, code=code)
            stories += 1

    receipts = 0
    if settings.RECEIPT_LIFETIME_DAYS:
        oldest = now - datetime.timedelta(days=settings.RECEIPT_LIFETIME_DAYS)
        receipts = Statement.objects.filter(receipt_hash__isnull=False, created_at__lt=oldest).update(
            receipt_hash=None
        )

    sessions, _ = Session.objects.filter(expire_date__lt=now).delete()
    promoted = sum(promote_if_earned(member) for member in Member.objects.filter(trust_level=TrustLevel.NEW))
    _erase_freed_space()
    return PruneReport(stories=stories, receipts=receipts, sessions=sessions, promoted=promoted)


def prune_expired_stories(now: datetime.datetime) -> str:
    """The moderation app's retention task (see ustoo.core.retention)."""
    report = prune_expired(now)
    return (
        f"Deleted {report.stories} rejected stories, stopped {report.receipts} receipts, "
        f"removed {report.sessions} expired sessions, promoted {report.promoted} members."
    )


def _erase_freed_space() -> None:
    """Deleted rows must not linger in the files: SQLite zeroes freed pages (secure_delete) but old
    page images stay in the write-ahead log until a checkpoint; PostgreSQL keeps dead rows until
    vacuum."""
    if connection.in_atomic_block:  # only outside a transaction (never the case from the command)
        return
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("stories_story", "stories_storyhashtag", "stories_reply", "stories_statement"):
                cursor.execute(f"VACUUM {connection.ops.quote_name(table)}")
