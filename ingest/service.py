"""One ingest run: read, parse, plan, apply, report. The command, the upload page and the API
all go through here, so they show the same plan and follow the same rules."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from .citations import planned_documents, sync_citations
from .errors import IngestError
from .parse import parse_document
from .plan import DocumentPlan
from .policy.writer import apply_policy, plan_policy
from .reply.writer import apply_reply, plan_reply
from .types import ParsedPolicy, ParsedReply
from .writing import WriteConflict, sync_vocabulary

# How often a run plans again when a staff save lands between its plan and its apply.
ATTEMPTS = 3


@dataclass
class Source:
    """One input: a file name and its bytes."""

    name: str
    data: bytes


@dataclass
class FileReport:
    name: str
    kind: str
    status: str  # created, updated, unchanged
    summary: str
    conflicts: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    plan: DocumentPlan | None = None


@dataclass
class IngestReport:
    files: list[FileReport] = field(default_factory=list)
    created_bureaus: list[str] = field(default_factory=list)
    vocabulary_changes: int = 0

    @property
    def changed(self) -> bool:
        return self.vocabulary_changes > 0 or any(f.status != "unchanged" for f in self.files)


# --- read and parse ------------------------------------------------------------------------------


def read_paths(paths: Iterable[Path]) -> list[Source]:
    sources = []
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise IngestError(f"{path.name}: cannot read the file ({exc.strerror})") from None
        sources.append(Source(path.name, data))
    return sources


def parse_sources(sources: Iterable[Source]) -> list[tuple[Source, ParsedPolicy | ParsedReply]]:
    """Parse every file before anything is planned; the first bad file stops the run."""
    parsed = []
    for source in sources:
        try:
            parsed.append((source, parse_document(source.data)))
        except IngestError as exc:
            raise IngestError(f"{source.name}: {exc}") from None
    return parsed


# --- plan and apply ------------------------------------------------------------------------------


def plan_document(name: str, data: bytes, parsed: ParsedPolicy | ParsedReply) -> DocumentPlan:
    """The plan for one parsed file. Reads the database, never writes."""
    if isinstance(parsed, ParsedPolicy):
        plan = plan_policy(name, data, parsed)
    else:
        plan = plan_reply(name, data, parsed)
    if plan.action != "unchanged":
        plan.created.extend(planned_documents(parsed))  # 文号 it cites that the portal lacks
    return plan


def plan_sources(parsed: list[tuple[Source, ParsedPolicy | ParsedReply]]) -> list[DocumentPlan]:
    return [plan_document(source.name, source.data, doc) for source, doc in parsed]


def apply_plans(plans: list[DocumentPlan]) -> IngestReport:
    """Write the plans in one transaction, with the search index, and report what was done."""
    report = IngestReport()
    with transaction.atomic():
        report.vocabulary_changes = sync_vocabulary()
        for plan in plans:
            if plan.kind == "measures":
                apply_policy(plan, report.created_bureaus)
            else:
                apply_reply(plan, report.created_bureaus)
            report.files.append(file_report(plan))
        # Documents cited by 文号, their citing passages and repeals (ingest/citations.py).
        sync_citations()
        # Search entries, related passages and champion lists, in the same transaction.
        from search.index import refresh_after_ingest

        refresh_after_ingest()
    return report


def file_report(plan: DocumentPlan) -> FileReport:
    status = {"create": "created", "update": "updated"}.get(plan.action, plan.action)
    return FileReport(
        plan.name,
        "measures" if plan.kind == "measures" else "reply",
        status,
        plan.summary,
        conflicts=plan.conflicts,
        warnings=list(plan.warnings),
        plan=plan,
    )


def ingest_sources(sources: list[Source]) -> IngestReport:
    parsed = parse_sources(sources)
    for attempt in range(ATTEMPTS):
        plans = plan_sources(parsed)
        try:
            return apply_plans(plans)
        except WriteConflict as exc:
            if attempt == ATTEMPTS - 1:
                raise IngestError(f"{exc}; run the ingest again") from None
    raise AssertionError("unreachable")


def ingest_paths(paths: Iterable[Path]) -> IngestReport:
    return ingest_sources(read_paths(paths))
