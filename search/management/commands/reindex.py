"""Re-segment search entries: after a dictionary or segmenter change, or to repair the index."""

from django.core.management.base import BaseCommand, CommandError

from search import registry
from search.champions import rebuild_champions
from search.index import reindex
from search.related import rebuild_related_passages
from search.segmentation import seg_version


class Command(BaseCommand):
    help = (
        "Rebuild search entries made by another segmenter version (or all with --all), then the "
        "related passages and, on PostgreSQL, the champion lists."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="re-segment every entry, not only stale ones"
        )
        parser.add_argument(
            "--kind",
            action="append",
            choices=registry.names(),
            help="only these types (repeatable)",
        )

    def handle(self, *args, **options):
        kinds = options["kind"] or registry.names()
        if not kinds:
            raise CommandError("nothing to reindex")
        changed = reindex(kinds, stale_only=not options["all"])
        for kind, count in changed.items():
            self.stdout.write(f"{kind}: {count} entr{'y' if count == 1 else 'ies'} written")
        related = rebuild_related_passages()
        champions = rebuild_champions(force=any(changed.values()))
        self.stdout.write(
            f"segmenter {seg_version()}; related passages: {related} row(s) changed; "
            f"champion lists: {champions} lexeme(s)"
        )
