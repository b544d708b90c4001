import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ingest.errors import IngestError
from ingest.formats import ACCEPTED
from ingest.service import ingest_paths


class Command(BaseCommand):
    help = (
        "Ingest documents (no PATH: every .txt in fixtures/): plan, then apply in one "
        f"transaction. Accepts {ACCEPTED}. Idempotent; all or nothing; refuses removals unless "
        "--allow-removals."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, help="source files")
        parser.add_argument(
            "--allow-removals",
            action="store_true",
            help="accept a plan that removes measures, chapters, sections, targets or figures "
            "(records staff edited are kept all the same)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="print the plan and write nothing"
        )

    def handle(self, *args, paths, allow_removals, dry_run, **options):
        started = time.perf_counter()
        if not paths:
            paths = sorted((Path(settings.BASE_DIR) / "fixtures").glob("*.txt"))
            if not paths:
                raise CommandError("fixtures/: no .txt documents to ingest")
        for path in paths:
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
        try:
            report = ingest_paths(paths, allow_removals=allow_removals, dry_run=dry_run)
        except IngestError as exc:
            raise CommandError(f"{exc} (nothing was written)") from None
        for f in report.files:
            if f.message:
                self.stdout.write(f"{f.name}: {f.status} · {f.message}")
            else:
                self.stdout.write(f"{f.name}: {f.status} · {f.summary}")
            for warning in f.warnings:
                self.stdout.write(self.style.WARNING(f"  warning: {warning}"))
            for conflict in f.conflicts:
                self.stdout.write(self.style.WARNING(f"  conflict: {conflict}"))
            if f.plan is not None and f.status not in ("unchanged", "duplicate"):
                self._plan(f.plan, verbose=dry_run)
        for name in report.created_bureaus:
            self.stdout.write(
                self.style.WARNING(
                    f"  unknown bureau {name!r}: created; add it to ingest/data/bureaus.toml"
                )
            )
        elapsed = time.perf_counter() - started
        if dry_run:
            verdict = "dry run, nothing written"
        else:
            verdict = "changes written" if report.changed else "nothing changed"
        self.stdout.write(
            self.style.SUCCESS(f"ingest: {len(report.files)} file(s), {verdict}, {elapsed:.2f} s")
        )

    def _plan(self, plan, *, verbose: bool) -> None:
        counts = plan.counts
        self.stdout.write(
            f"  plan: {counts['created']} created, {counts['changed']} changed, "
            f"{counts['removed']} removed, {counts['kept']} staff edits kept"
        )
        if not verbose:
            return
        for label, items in (
            ("create", plan.created),
            ("change", plan.changed),
            ("remove", plan.removed),
        ):
            for item in items:
                fields = f" ({', '.join(item.fields)})" if item.fields else ""
                self.stdout.write(f"  {label} {item}{fields} {item.label}".rstrip())
