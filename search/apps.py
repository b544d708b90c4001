from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "搜索"

    def ready(self) -> None:
        # Search entries follow every write to the objects they describe.
        from . import signals

        signals.connect()
