from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MagnitudeConfig(AppConfig):
    name = "ustoo.magnitude"
    label = "magnitude"
    verbose_name = _("Magnitude")

    def ready(self) -> None:
        from ustoo.magnitude.observer import record_change
        from ustoo.stories.observers import counted_statement_changed

        counted_statement_changed.connect(record_change, dispatch_uid="magnitude-counters")
