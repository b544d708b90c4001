import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ingest.errors import IngestError
from ingest.service import ingest_paths


class Command(BaseCommand):
    help = "Ingest policy documents (no PATH: every .txt in fixtures/). Idempotent; all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, help="source text files")

    def handle(self, *args, paths, **options):
        started = time.perf_counter()
        if not paths:
            paths = sorted((Path(settings.BASE_DIR) / "fixtures").glob("*.txt"))
            if not paths:
                raise CommandError("fixtures/: no .txt documents to ingest")
        for path in paths:
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
        try:
            report = ingest_paths(paths)
        except IngestError as exc:
            raise CommandError(f"{exc} (nothing was written)") from None
        for f in report.files:
            self.stdout.write(f"{f.name}: {f.status} · {f.summary}")
            for warning in f.warnings:
                self.stdout.write(self.style.WARNING(f"  warning: {warning}"))
            for conflict in f.conflicts:
                self.stdout.write(self.style.WARNING(f"  conflict: {conflict}"))
        for name in report.created_bureaus:
            self.stdout.write(
                self.style.WARNING(
                    f"  unknown bureau {name!r}: created; add it to ingest/data/bureaus.toml"
                )
            )
        elapsed = time.perf_counter() - started
        verdict = "changes written" if report.changed else "nothing changed"
        self.stdout.write(
            self.style.SUCCESS(f"ingest: {len(report.files)} file(s), {verdict}, {elapsed:.2f} s")
        )
