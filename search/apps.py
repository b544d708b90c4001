from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "搜索"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Each app's search_indexes.py registers what it makes searchable (search.registry).
        autodiscover_modules("search_indexes")
        # Search entries follow every write to the objects they describe.
        from . import signals

        signals.connect()
