from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ustoo.core"
    label = "core"

    def ready(self) -> None:
        from ustoo.core import checks  # noqa: F401  (registers the system checks)
