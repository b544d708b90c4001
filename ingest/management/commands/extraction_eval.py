"""Print precision and recall of what ingest extracts, per fact type, against tests/gold/."""

from django.core.management.base import BaseCommand, CommandError

from ingest.evaluation.gold import GoldError, load_gold
from ingest.evaluation.registry import load_plugins
from ingest.evaluation.run import evaluate


class Command(BaseCommand):
    help = (
        "Precision and recall of the extracted facts (figures, sections, targets, …) against the "
        "hand-written gold annotations in tests/gold/, and every disagreement."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--type", action="append", dest="types", help="only this fact type (repeatable)"
        )
        parser.add_argument(
            "--document", action="append", dest="documents", help="only this gold label (000, …)"
        )
        parser.add_argument(
            "--db",
            action="store_true",
            help="also score fact types read from the database (run `ingest` first)",
        )
        parser.add_argument(
            "--summary", action="store_true", help="the table only, no disagreements"
        )

    def handle(self, *args, types, documents, db, summary, **options):
        registry = load_plugins()
        unknown = set(types or ()) - set(registry) - {"parsed"}
        if unknown:
            raise CommandError(
                f"unknown fact type {', '.join(sorted(unknown))}; known: {', '.join(sorted(registry))}"
            )
        try:
            docs = load_gold()
        except GoldError as exc:
            raise CommandError(str(exc)) from None
        if documents:
            docs = [d for d in docs if d.label in documents]
            if not docs:
                raise CommandError(f"no gold file labelled {', '.join(documents)}")
        report = evaluate(docs, types=set(types) if types else None, use_db=db)
        self.stdout.write(f"{len(docs)} gold documents\n")
        self.stdout.write(
            f"{'fact type':<22} {'gold':>5} {'found':>6} {'right':>6} {'precision':>10} {'recall':>7}"
        )
        for name in sorted(report.totals):
            s = report.totals[name]
            self.stdout.write(
                f"{name:<22} {s.tp + s.fn:>5} {s.tp + s.fp:>6} {s.tp:>6} "
                f"{s.precision:>10.3f} {s.recall:>7.3f}"
            )
        for line in report.skipped:
            self.stdout.write(self.style.WARNING(f"skipped: {line}"))
        if summary:
            return
        for name in sorted(report.totals):
            lines = report.totals[name].disagreements
            if lines:
                self.stdout.write(f"\n{name}: {len(lines)} disagreements")
                for line in lines:
                    self.stdout.write(f"  {line}")
