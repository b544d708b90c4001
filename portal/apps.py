from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "门户"

    def ready(self) -> None:
        # Search entries follow every write to the objects they describe.
        from . import signals

        signals.connect()
