"""ustoo prune_expired: the scheduled clean-up (run it daily from cron).

Deletes rejected stories past the retention period, stops receipts past their lifetime, removes
expired sessions, promotes new members who earned it, and makes sure deleted text is gone from the
database files (SQLite: checkpoint the write-ahead log; PostgreSQL: vacuum the stories tables)."""

from django.core.management.base import BaseCommand

from ustoo.moderation.retention import prune_expired


class Command(BaseCommand):
    help = "Delete what has passed its retention period (rejected stories, receipts, sessions)."

    def handle(self, *args, **options):
        report = prune_expired()
        self.stdout.write(
            f"Deleted {report.stories} rejected stories, stopped {report.receipts} receipts, "
            f"removed {report.sessions} expired sessions, promoted {report.promoted} members."
        )
