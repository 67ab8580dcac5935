"""ustoo load_demo_campaigns: one open and one won campaign, clearly fictional (once only)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from ustoo.campaigns.demo import load_demo_campaigns
from ustoo.campaigns.models import Campaign


class Command(BaseCommand):
    help = "Add the fictional demo campaigns, unless they are already there."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="only on a site with no campaign yet")

    def handle(self, *args, if_empty: bool = False, **options):
        if if_empty and Campaign.objects.exists():
            self.stdout.write("The site already has campaigns: demo campaigns not loaded.")
            return
        loaded = load_demo_campaigns(timezone.now())
        if loaded:
            self.stdout.write(f"Loaded {len(loaded)} demo campaigns (fictional).")
        else:
            self.stdout.write("The demo campaigns are already there.")
