from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ustoo.magnitude import services


class Command(BaseCommand):
    help = _(
        "Make today's release of the magnitude, measuring any group of statements that has just closed. "
        "Run it from cron shortly after midnight UTC; otherwise the first visitor of the day makes it."
    )

    def handle(self, *args, **options) -> None:
        made = services.current_release()
        self.stdout.write(
            ngettext(
                "Release as of %(day)s: %(total)d statement.",
                "Release as of %(day)s: %(total)d statements.",
                made.figures["statements"],
            )
            % {"day": made.as_of.isoformat(), "total": made.figures["statements"]}
        )
