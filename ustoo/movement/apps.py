from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MovementConfig(AppConfig):
    name = "ustoo.movement"
    label = "movement"
    verbose_name = _("Measure the movement")
