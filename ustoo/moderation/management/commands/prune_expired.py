"""ustoo prune_expired: the scheduled clean-up (run it daily from cron).

Runs every app's retention task: rejected stories past the retention period, receipts past their
lifetime, expired sessions, signers' details after a campaign has closed, and so on."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from ustoo.core.retention import run_retention_tasks


class Command(BaseCommand):
    help = "Delete or anonymise what has passed its retention period."

    def handle(self, *args, **options):
        for line in run_retention_tasks(timezone.now()):
            self.stdout.write(line)
