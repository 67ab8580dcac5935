from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MagnitudeConfig(AppConfig):
    name = "ustoo.magnitude"
    label = "magnitude"
    verbose_name = _("Magnitude")

    def ready(self) -> None:
        from ustoo.magnitude.observer import record_change, record_upstanding
        from ustoo.stories.observers import counted_statement_changed
        from ustoo.upstanders.observers import counted_upstanding_changed

        counted_statement_changed.connect(record_change, dispatch_uid="magnitude-counters")
        counted_upstanding_changed.connect(record_upstanding, dispatch_uid="magnitude-upstanders-counters")
