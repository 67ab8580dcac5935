from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MagnitudeConfig(AppConfig):
    name = "ustoo.magnitude"
    label = "magnitude"
    verbose_name = _("Magnitude")
