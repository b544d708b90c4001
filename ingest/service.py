"""One ingest run: read, parse, plan, apply, report. The command, the upload page and the API
all go through `ingest_sources`, so they show the same plan and follow the same rules:

1. removals only when accepted by a superuser (and never of a record staff edited);
2. a file cut off against the stored version is refused;
3. the same text under any name, encoding or format is the document already held; a different
   text claiming a held proposal number or title is refused;
4. bounded input (size, field length);
5. one ingest at a time (an advisory lock on PostgreSQL, an immediate transaction on SQLite);
6. measure writes go through the version compare-and-swap staff edits use;
7. every run is recorded (ingest.models.IngestRun), with its original file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import time
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from policies.models import Bureau, PolicyDocument

from . import rules
from .citations import planned_documents, sync_citations
from .errors import IngestError, IngestForbidden
from .formats import extract_text
from .models import IngestRun, TextFingerprint
from .parse import parse_text
from .plan import DocumentPlan, parsed_fingerprint
from .policy.writer import apply_policy, plan_policy
from .reply.writer import apply_reply, plan_reply
from .types import ParsedPolicy, ParsedReply
from .writing import WriteConflict, sync_vocabulary

log = logging.getLogger(__name__)

# How often a run plans again when a staff save lands between its plan and its apply.
ATTEMPTS = 3
# Any 64-bit number both runs agree on: "ingest" in ASCII.
LOCK_KEY = 0x696E67657374
CORRECTABLE = ("kind", "bureau", "date", "number")


@dataclass
class Source:
    """One input: a file name and its bytes."""

    name: str
    data: bytes


@dataclass
class FileReport:
    name: str
    kind: str  # "measures" or "reply"
    status: str  # created, updated, unchanged, duplicate, planned
    summary: str
    run: IngestRun  # the file's log row
    conflicts: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    plan: DocumentPlan | None = None
    message: str = ""


@dataclass
class IngestReport:
    files: list[FileReport] = field(default_factory=list)
    created_bureaus: list[str] = field(default_factory=list)
    vocabulary_changes: int = 0
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return self.vocabulary_changes > 0 or any(
            f.status in ("created", "updated") for f in self.files
        )


@dataclass
class _File:
    """A source on its way through the run."""

    source: Source
    run: IngestRun
    format: str = ""
    text: str = ""
    fingerprint: str = ""
    parsed: ParsedPolicy | ParsedReply | None = None
    plan: DocumentPlan | None = None
    duplicate_of: str = ""
    # What the parser read for each field staff corrected ("" when the text did not give it),
    # so the preview can say a value was chosen rather than read.
    corrected: dict[str, str] = field(default_factory=dict)

    @property
    def parsed_text(self) -> ParsedPolicy | ParsedReply:
        """What the parser made of the file; every file is parsed before any is planned."""
        if self.parsed is None:
            raise AssertionError(f"{self.source.name} is planned before it is parsed")
        return self.parsed

    @property
    def planned(self) -> DocumentPlan:
        """The file's plan; every file is planned before any is applied or reported."""
        if self.plan is None:
            raise AssertionError(f"{self.source.name} is applied before it is planned")
        return self.plan


# --- read ----------------------------------------------------------------------------------------


def read_paths(paths: Iterable[Path]) -> list[Source]:
    """The files' bytes, each refused before being read whole when it is over the size limit."""
    sources = []
    for path in paths:
        try:
            size = path.stat().st_size
            if size > rules.max_bytes():
                rules.check_size(size)
            with path.open("rb") as fh:
                data = fh.read(rules.max_bytes() + 1)
        except OSError as exc:
            raise IngestError(f"{path.name}: cannot read the file ({exc.strerror})") from None
        except IngestError as exc:
            raise IngestError(f"{path.name}: {exc}") from None
        sources.append(Source(path.name, data))
    return sources


def ingest_paths(paths: Iterable[Path], **options) -> IngestReport:
    return ingest_sources(read_paths(paths), **options)


# --- the run -------------------------------------------------------------------------------------


def ingest_sources(
    sources: list[Source],
    *,
    user=None,
    via: str = IngestRun.Via.COMMAND,
    allow_removals: bool = False,
    dry_run: bool = False,
    corrections: dict | None = None,
    runs: list[IngestRun] | None = None,
) -> IngestReport:
    """Plan the sources and, unless `dry_run`, apply the plan; all or nothing.

    `user` is None for the command (a shell user may do anything); otherwise their permissions
    apply. `corrections` (kind, bureau, date, number) fix what the parser could not read, for a
    single source. `runs` are the log rows of an earlier dry run being confirmed. Raises
    IngestError with one line, after recording the refusal; nothing is written then.
    """
    corrections = {k: v for k, v in (corrections or {}).items() if v not in (None, "")}
    files = [
        _File(s, (runs[i] if runs else None) or IngestRun(via=via, user=user))
        for i, s in enumerate(sources)
    ]
    for f in files:
        f.run.file_name = f.source.name[:255]
        f.run.size = len(f.source.data)
        f.run.checksum = hashlib.sha256(f.source.data).hexdigest()
        f.run.allow_removals = allow_removals
        f.run.corrections = corrections
    try:
        if corrections and len(files) != 1:
            raise IngestError("corrections apply to a single file")
        if allow_removals and user is not None and not user.is_superuser:
            raise IngestForbidden("only a superuser may accept removals")
        for f in files:
            _read_and_parse(f, corrections, user, dry_run=dry_run)
        report = _plan_and_apply(files, user, allow_removals, dry_run)
    except IngestError as exc:
        _record_refusal(files, str(exc), keep_originals=via != IngestRun.Via.COMMAND)
        raise
    _record(files, report, keep_originals=via != IngestRun.Via.COMMAND)
    return report


def _read_and_parse(f: _File, corrections: dict, user, *, dry_run: bool = False) -> None:
    try:
        rules.check_size(len(f.source.data))
        f.format, f.text = extract_text(f.source.name, f.source.data)
        f.run.format = f.format
        f.fingerprint = rules.text_fingerprint(f.text)
        f.run.fingerprint = f.fingerprint
        if not corrections:
            # Corrections made when this very text was taken in before still hold.
            known = TextFingerprint.objects.filter(fingerprint=f.fingerprint).first()
            corrections = known.corrections if known else {}
        f.parsed = parse_text(f.text, corrections.get("kind"))
        f.corrected = _correct(f.parsed, corrections)
        rules.check_field_lengths(f.parsed)
        # A reply that names no bureau can still be previewed (the preview says the bureau was
        # not read, and staff choose it); it cannot be applied until they have.
        _check_permission(f.parsed, user, allow_unnamed=dry_run)
    except IngestError as exc:
        raise type(exc)(f"{f.source.name}: {exc}") from None
    f.run.kind = _kind(f.parsed)


def _kind(parsed) -> str:
    return (
        PolicyDocument.Kind.MEASURES
        if isinstance(parsed, ParsedPolicy)
        else PolicyDocument.Kind.CPPCC_REPLY
    )


def _correct(parsed, corrections: dict) -> dict[str, str]:
    """Apply what staff corrected: the answering bureau, the date and the proposal number of a
    reply. Returns what the parser had read for each corrected field ("" for nothing)."""
    unknown = set(corrections) - set(CORRECTABLE)
    if unknown:
        raise IngestError(f"cannot correct {', '.join(sorted(unknown))}")
    if not isinstance(parsed, ParsedReply):
        if set(corrections) - {"kind"}:
            raise IngestError("bureau, date and number corrections apply to replies only")
        return {}
    read = {
        "bureau": parsed.bureau or "",
        "date": parsed.date.isoformat() if parsed.date else "",
        "number": parsed.proposal_number or "",
    }
    if "bureau" in corrections:
        bureau = Bureau.objects.identified_by(str(corrections["bureau"])).first()
        if bureau is None:
            raise IngestError(f"unknown bureau {corrections['bureau']!r}")
        parsed.bureau = bureau.name
        parsed.warnings = [
            f"answering bureau not named in the text: {bureau.name} as chosen by staff"
            if w.startswith("answering bureau not named")
            else w
            for w in parsed.warnings
        ]
    if "date" in corrections:
        try:
            parsed.date = dt.date.fromisoformat(str(corrections["date"]))
        except ValueError:
            raise IngestError(f"not a date: {corrections['date']!r} (YYYY-MM-DD)") from None
        parsed.warnings = [w for w in parsed.warnings if "date" not in w]
    if "number" in corrections:
        number = str(corrections["number"]).strip()
        if not re.fullmatch(r"\d{4,12}", number):
            raise IngestError(f"not a proposal number: {number!r} (4–12 digits)")
        parsed.proposal_number = number
    return {k: read[k] for k in ("bureau", "date", "number") if k in corrections}


UNNAMED_BUREAU = "the reply does not name its answering bureau: choose it"


def user_can_ingest(user, parsed) -> str | None:
    """None when `user` may take in `parsed`, else the reason. Policy documents need a
    superuser; bureau staff take in replies in their own bureau's name."""
    if user is None or user.is_superuser:
        return None
    if not user.is_authenticated or not user.is_active:
        return "log in first"
    if isinstance(parsed, ParsedPolicy):
        return "policy documents are taken in by a superuser"
    own = set(Bureau.objects.filter(memberships__user=user).values_list("name", flat=True))
    if not own:
        return "your account belongs to no bureau"
    if not parsed.bureau:
        return UNNAMED_BUREAU
    bureau = Bureau.objects.identified_by(parsed.bureau).first()
    if bureau is None or bureau.name not in own:
        return f"you upload replies in the name of {'、'.join(sorted(own))}, not {parsed.bureau}"
    return None


def _check_permission(parsed, user, *, allow_unnamed: bool = False) -> None:
    reason = user_can_ingest(user, parsed)
    if reason and not (allow_unnamed and reason == UNNAMED_BUREAU):
        raise IngestForbidden(reason)


@contextmanager
def _lock_wait():
    """On SQLite the immediate transaction waits for the write lock as long as the busy timeout
    says: INGEST_LOCK_WAIT for an ingest."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    connection.ensure_connection()
    default = int(settings.DATABASES["default"].get("OPTIONS", {}).get("timeout", 5) * 1000)
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA busy_timeout = {int(settings.INGEST_LOCK_WAIT * 1000)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {default}")


def _plan_and_apply(files: list[_File], user, allow_removals: bool, dry_run: bool):
    try:
        with _lock_wait(), transaction.atomic():
            if not dry_run:
                _lock()
            for attempt in range(ATTEMPTS):
                for f in files:
                    f.plan = _plan(f, files, user, allow_removals)
                if dry_run:
                    return _report(files, dry_run=True)
                try:
                    with transaction.atomic():
                        return _apply(files)
                except WriteConflict as exc:
                    if attempt == ATTEMPTS - 1:
                        raise IngestError(f"{exc}; run the ingest again") from None
    except ValidationError as exc:
        raise IngestError(_validation_message(exc)) from None
    except IntegrityError as exc:
        raise IngestError(
            f"the data changed during the run ({str(exc).splitlines()[0]}): run it again"
        ) from None
    except DatabaseError as exc:
        if "locked" in str(exc):
            raise IngestError("another ingest is running: try again when it has finished") from None
        raise IngestError(f"the database refused the data: {str(exc).splitlines()[0]}") from None
    raise AssertionError("unreachable")


def _validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)


def _lock() -> None:
    """One ingest at a time. PostgreSQL: a transaction-level advisory lock, tried until
    INGEST_LOCK_WAIT has passed. SQLite: the immediate transaction already holds the write lock
    (its busy timeout is the wait)."""
    if connection.vendor != "postgresql":
        return
    deadline = time.monotonic() + settings.INGEST_LOCK_WAIT
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_KEY])
            if cursor.fetchone()[0]:
                return
            if time.monotonic() >= deadline:
                raise IngestError("another ingest is running: try again when it has finished")
            time.sleep(0.2)


def plan_document(name: str, data: bytes, parsed: ParsedPolicy | ParsedReply) -> DocumentPlan:
    """The writer's plan for one parsed file, before the rules. Reads the database only."""
    if isinstance(parsed, ParsedPolicy):
        plan = plan_policy(name, data, parsed)
    else:
        plan = plan_reply(name, data, parsed)
    if plan.action != "unchanged":
        plan.created.extend(planned_documents(parsed))  # 文号 it cites that the portal lacks
    return plan


def _plan(f: _File, files: list[_File], user, allow_removals: bool) -> DocumentPlan:
    name = f.source.name
    try:
        f.plan = plan = plan_document(name, f.source.data, f.parsed_text)
        if f.corrected:
            plan.preview["corrected"] = dict(f.corrected)
        f.duplicate_of = _held_as(f, files)
        if f.duplicate_of:
            plan.action = "duplicate"
            return plan
        if plan.action == "unchanged":
            return plan
        if plan.document_id is not None:
            stored = PolicyDocument.objects.get(pk=plan.document_id)
            reply = getattr(stored, "reply", None)
            if reply is not None and reply.bureau is not None:
                _check_permission_stored(reply.bureau, user)
        for check in (rules.collision, rules.cut_off):
            reason = check(plan)
            if reason:
                raise IngestError(reason)
        if plan.removed and not allow_removals:
            raise IngestError(
                f"would remove {rules.removals(plan)}: is the file cut off? "
                "(a superuser may accept removals explicitly)"
            )
        return plan
    except IngestError as exc:
        raise type(exc)(f"{name}: {exc}") from None


def _check_permission_stored(bureau: Bureau, user) -> None:
    if user is None or user.is_superuser:
        return
    if not bureau.memberships.filter(user=user).exists():
        raise IngestForbidden(f"the reply held under this name is {bureau.name}'s")


def _held_as(f: _File, files: list[_File]) -> str:
    """The name under which the same document is already held (or taken in earlier in this
    run), or "" when it is new or held under this very name."""
    name = f.source.name
    for other in files:
        if other is f:
            break
        if other.fingerprint == f.fingerprint:
            return other.source.name
    known = (
        TextFingerprint.objects.filter(fingerprint=f.fingerprint).select_related("document").first()
    )
    if known is not None and known.document.source_file != name:
        return known.document.source_file
    same_parse = (
        PolicyDocument.objects.filter(fingerprint=parsed_fingerprint(f.parsed_text))
        .exclude(source_file=name)
        .exclude(source_file="")
        .first()
    )
    return same_parse.source_file if same_parse else ""


def _apply(files: list[_File]) -> IngestReport:
    report = IngestReport()
    report.vocabulary_changes = sync_vocabulary()
    for f in files:
        plan = f.planned
        if plan.action == "duplicate":
            continue
        try:
            if plan.kind == PolicyDocument.Kind.MEASURES:
                apply_policy(plan, report.created_bureaus)
            else:
                apply_reply(plan, report.created_bureaus)
        except ValidationError as exc:
            raise IngestError(f"{f.source.name}: {_validation_message(exc)}") from None
        TextFingerprint.objects.update_or_create(
            fingerprint=f.fingerprint,
            defaults={
                "document_id": plan.document_id,
                "file_name": f.source.name[:255],
                "corrections": f.run.corrections,
            },
        )
    # Documents cited by 文号, their citing passages and repeals (ingest/citations.py).
    sync_citations()
    # Search entries, related passages and champion lists, in the same transaction.
    from search.index import refresh_after_ingest

    refresh_after_ingest()
    done = _report(files, dry_run=False)
    done.vocabulary_changes = report.vocabulary_changes
    done.created_bureaus = report.created_bureaus
    return done


def _report(files: list[_File], *, dry_run: bool) -> IngestReport:
    report = IngestReport(dry_run=dry_run)
    for f in files:
        plan = f.planned
        status = {"create": "created", "update": "updated"}.get(plan.action, plan.action)
        message = ""
        if f.duplicate_of:
            message = f"already ingested as {f.duplicate_of}: nothing written"
        elif dry_run and status in ("created", "updated"):
            status = "planned"
        report.files.append(
            FileReport(
                plan.name,
                "measures" if plan.kind == PolicyDocument.Kind.MEASURES else "reply",
                status,
                plan.summary,
                conflicts=plan.conflicts,
                warnings=list(plan.warnings),
                plan=plan,
                message=message,
                run=f.run,
            )
        )
    return report


# --- the log -------------------------------------------------------------------------------------


def _save_run(f: _File, keep_original: bool) -> None:
    run = f.run
    run.finished_at = timezone.now()
    if keep_original and not run.original:
        run.original.save(_storage_name(f.source.name), ContentFile(f.source.data), save=False)
    try:
        with _lock_wait():
            run.save()
    except DatabaseError as exc:
        # SQLite while another process holds the write lock: the refusal is still reported.
        log.warning("ingest run of %s not recorded: %s", run.file_name, exc)


def _storage_name(name: str) -> str:
    stem = re.sub(r"[^\w.\-]+", "_", Path(name).name)[-100:] or "upload"
    return stem


def _record(files: list[_File], report: IngestReport, keep_originals: bool) -> None:
    for f, fr in zip(files, report.files, strict=True):
        run, plan = f.run, f.planned
        run.outcome = {
            "created": IngestRun.Outcome.CREATED,
            "updated": IngestRun.Outcome.UPDATED,
            "unchanged": IngestRun.Outcome.UNCHANGED,
            "duplicate": IngestRun.Outcome.DUPLICATE,
            "planned": IngestRun.Outcome.PLANNED,
        }[fr.status]
        run.message = fr.message[:500]
        run.document_id = plan.document_id
        if f.duplicate_of:
            run.document = PolicyDocument.objects.filter(source_file=f.duplicate_of).first()
        counts = plan.counts if fr.status not in ("unchanged", "duplicate") else {}
        run.created = counts.get("created", 0)
        run.changed = counts.get("changed", 0)
        run.removed = counts.get("removed", 0)
        run.kept = counts.get("kept", 0)
        run.warnings = list(plan.warnings)
        run.plan = plan.as_dict()
        written = fr.status in ("created", "updated")
        _save_run(f, keep_original=keep_originals or written)
        fr.run = run


def _record_refusal(files: list[_File], message: str, keep_originals: bool) -> None:
    failed = message.split(":", 1)[0]
    for f in files:
        run = f.run
        run.outcome = IngestRun.Outcome.REFUSED
        mine = failed == f.source.name or len(files) == 1
        run.message = (message if mine else f"not written: {failed} was refused")[:500]
        if f.plan is not None:
            run.plan = f.plan.as_dict()
            run.document_id = f.plan.document_id
            run.warnings = list(f.plan.warnings)
            counts = f.plan.counts
            run.created, run.changed = counts["created"], counts["changed"]
            run.removed, run.kept = counts["removed"], counts["kept"]
        _save_run(f, keep_original=keep_originals)


def plan_digest(plan: dict) -> str:
    """A short hash of a plan as shown, so a confirmation applies exactly what was seen."""
    payload = json.dumps(plan, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def replan_run(
    run: IngestRun, *, user, allow_removals: bool = False, corrections=None
) -> IngestReport:
    """Plan a stored upload again (with new corrections); writes nothing but the log row."""
    with run.original.open("rb") as fh:
        data = fh.read()
    run.outcome = IngestRun.Outcome.PLANNED
    return ingest_sources(
        [Source(run.file_name, data)],
        user=user,
        via=run.via,
        allow_removals=allow_removals,
        corrections=run.corrections if corrections is None else corrections,
        dry_run=True,
        runs=[run],
    )


def confirm_run(
    run: IngestRun, *, user, digest: str = "", allow_removals: bool = False
) -> IngestReport:
    """Apply an upload planned earlier, from its stored original and with its corrections.
    With `digest`, the plan must still be the one shown (else IngestError, nothing written)."""
    if run.outcome != IngestRun.Outcome.PLANNED or not run.original:
        raise IngestError(f"{run.file_name}: this upload was already {run.get_outcome_display()}")
    if digest:
        replanned = replan_run(run, user=user, allow_removals=allow_removals)
        if plan_digest(replanned.files[0].run.plan) != digest:
            raise IngestError(
                f"{run.file_name}: the plan changed since the preview (the document was written "
                "meanwhile): check the new plan and confirm again"
            )
    with run.original.open("rb") as fh:
        data = fh.read()
    return ingest_sources(
        [Source(run.file_name, data)],
        user=user,
        via=run.via,
        allow_removals=allow_removals,
        corrections=run.corrections,
        runs=[run],
    )
