from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ustoo.magnitude import services
from ustoo.stories.models import Statement


class Command(BaseCommand):
    help = _("Recompute every magnitude counter from the statements (writers wait while it runs).")

    def handle(self, *args, **options) -> None:
        cells = services.rebuild_counters()
        counted = Statement.objects.counted().count()
        self.stdout.write(
            _("Counters rebuilt: %(cells)d. Statements counted: %(counted)d.")
            % {"cells": cells, "counted": counted}
        )
