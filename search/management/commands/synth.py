"""Make a synthetic corpus from the real sentences, for benchmarks (never on a live site)."""

from django.core.management.base import BaseCommand, CommandError

from search.synth import delete_synthetic, make_corpus


class Command(BaseCommand):
    help = (
        "Add N synthetic provisions built from the ingested documents' sentences, and index them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--provisions", type=int, required=True, help="how many provisions to make"
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--replace", action="store_true", help="delete an earlier synthetic corpus first"
        )

    def handle(self, *args, provisions, seed, replace, **options):
        if provisions < 1:
            raise CommandError("--provisions must be at least 1")
        if replace:
            self.stdout.write(f"deleted {delete_synthetic()} synthetic document(s)")
        try:
            report = make_corpus(provisions, seed=seed)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"synth: {report.provisions} provisions in {report.documents} document(s); "
            f"written in {report.seconds_writing:.1f} s, indexed in {report.seconds_indexing:.1f} s "
            f"({report.indexed_chars / max(report.seconds_indexing, 1e-9):,.0f} characters/s)"
        )
