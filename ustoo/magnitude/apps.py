from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MagnitudeConfig(AppConfig):
    name = "ustoo.magnitude"
    label = "magnitude"
    verbose_name = _("Magnitude")

    def ready(self) -> None:
        from ustoo.magnitude.observer import record_changes
        from ustoo.stories.observers import observe_statements

        observe_statements(record_changes)
