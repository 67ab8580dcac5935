"""`ustoo load_demo_upstanders`: fictional pledges, interventions and acknowledgements (see demo.py)."""

from django.core.management.base import BaseCommand, CommandError

from ustoo.upstanders import demo


class Command(BaseCommand):
    help = (
        "Load fictional demo content for the Step up pages: pledges, interventions and acknowledgements "
        "over the last two months, and a few words written for the demo. By default it refuses to touch a "
        "site that already has any."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load only when nothing has been pledged, reported or acknowledged yet (make run).",
        )

    def handle(self, *args, if_empty: bool = False, **options):
        if not demo.is_empty():
            message = "The site already has pledges, interventions or acknowledgements: demo not loaded."
            if if_empty:
                self.stdout.write(message)
                return
            raise CommandError(message)
        loaded = demo.load(demo.read_demo_file())
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {loaded['pledges']} pledges, {loaded['interventions']} interventions, "
                f"{loaded['acknowledgements']} acknowledgements and {loaded['words']} texts (all fictional)."
            )
        )
