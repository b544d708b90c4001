"""Writes parsed documents to the database in one transaction (the only writer ingest has)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import cn2an
from django.db import transaction
from django.utils import timezone

from enterprises.models import EnterpriseTier
from policies.models import (
    Bureau,
    BureauAlias,
    Chapter,
    Measure,
    PolicyDocument,
    Responsibility,
    Target,
    Theme,
)
from replies.models import Reply, ReplySection, ReportedFigure

from .errors import IngestError
from .parse import parse_document
from .types import ParsedPolicy, ParsedReply, ParsedSection, ParsedTarget
from .vocab import bureau_specs, resolve_bureau, theme_specs, tier_specs

# Measure fields ingest owns; a field whose current value differs from what the last ingest
# wrote was edited by staff and is never overwritten.
# Times printed in the documents are Beijing time.
SOURCE_TZ = ZoneInfo("Asia/Shanghai")
SNAPSHOT_FIELDS = ("title", "body", "bureaus", "tiers", "themes", "targets")


@dataclass
class FileReport:
    name: str
    kind: str
    status: str  # created, updated, unchanged
    summary: str
    conflicts: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class IngestReport:
    files: list[FileReport] = field(default_factory=list)
    created_bureaus: list[str] = field(default_factory=list)
    vocabulary_changes: int = 0

    @property
    def changed(self) -> bool:
        return self.vocabulary_changes > 0 or any(f.status != "unchanged" for f in self.files)


def read_and_parse(paths: Iterable[Path]) -> list[tuple[Path, bytes, ParsedPolicy | ParsedReply]]:
    """Parse every file before anything is written; the first bad file stops the run."""
    parsed = []
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise IngestError(f"{path.name}: cannot read the file ({exc.strerror})") from None
        try:
            parsed.append((path, data, parse_document(data)))
        except IngestError as exc:
            raise IngestError(f"{path.name}: {exc}") from None
    return parsed


def ingest_paths(paths: Iterable[Path]) -> IngestReport:
    parsed = read_and_parse(paths)
    with transaction.atomic():
        report = IngestReport()
        report.vocabulary_changes = sync_vocabulary()
        for path, data, doc in parsed:
            if isinstance(doc, ParsedPolicy):
                report.files.append(_write_policy(path.name, data, doc, report))
            else:
                report.files.append(_write_reply(path.name, data, doc, report))
        # Search entries, related passages and champion lists, in the same transaction.
        from search.index import refresh_after_ingest

        refresh_after_ingest()
    return report


# --- vocabulary -------------------------------------------------------------------------------


def _update(obj, values: dict) -> bool:
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    for k in changed:
        setattr(obj, k, values[k])
    if changed:
        obj.full_clean()
        obj.save()
    return bool(changed)


def sync_vocabulary() -> int:
    """Bureaus, aliases, tiers and themes from the data files; returns how many rows changed."""
    changes = 0
    for spec in bureau_specs():
        bureau = Bureau.objects.filter(name=spec.name).first()
        if bureau is None:
            bureau = Bureau.objects.create(
                name=spec.name, short_name=spec.short_name, kind=spec.kind
            )
            changes += 1
        else:
            changes += _update(bureau, {"short_name": spec.short_name, "kind": spec.kind})
        for alias in spec.aliases:
            _, created = BureauAlias.objects.update_or_create(
                name=alias, defaults={"bureau": bureau}
            )
            changes += created
    tiers = {t.slug: t for t in EnterpriseTier.objects.all()}
    for spec in tier_specs():
        values = {
            "name": spec.name,
            "ladder": spec.ladder,
            "rank": spec.rank,
            "aliases": list(spec.aliases),
        }
        if spec.slug in tiers:
            changes += _update(tiers[spec.slug], values)
        else:
            tiers[spec.slug] = EnterpriseTier.objects.create(slug=spec.slug, **values)
            changes += 1
    for spec in tier_specs():
        changes += _update(
            tiers[spec.slug], {"parent": tiers.get(spec.parent) if spec.parent else None}
        )
    for order, spec in enumerate(theme_specs()):
        values = {"name": spec.name, "keywords": list(spec.keywords), "order": order}
        theme = Theme.objects.filter(slug=spec.slug).first()
        if theme is None:
            Theme.objects.create(slug=spec.slug, **values)
            changes += 1
        else:
            changes += _update(theme, values)
    return changes


def bureau_for(name: str, report: IngestReport) -> Bureau:
    """The bureau a written name stands for; an unknown name is created and reported, never dropped."""
    spec = resolve_bureau(name)
    if spec is not None:
        return Bureau.objects.get(name=spec.name)
    bureau = Bureau.objects.named(name).first()
    if bureau is None:
        bureau = Bureau.objects.create(name=name, short_name=name, kind=Bureau.Kind.UNKNOWN)
        report.created_bureaus.append(name)
    return bureau


# --- documents --------------------------------------------------------------------------------


def _fingerprint(parsed) -> str:
    payload = json.dumps(
        dataclasses.asdict(parsed), ensure_ascii=False, sort_keys=True, default=str
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _document(name: str, data: bytes, parsed, kind: str) -> tuple[PolicyDocument, bool]:
    doc = PolicyDocument.objects.filter(source_file=name).first()
    created = doc is None
    if created:
        doc = PolicyDocument(source_file=name, kind=kind)
    doc.checksum = hashlib.sha256(data).hexdigest()
    doc.fingerprint = _fingerprint(parsed)
    doc.ingested_at = timezone.now()
    return doc, created


def _unchanged(name: str, data: bytes, parsed) -> bool:
    """True when the parsed content equals what was last written (the bytes may differ, e.g. a
    GB18030 copy of the same text); the stored checksum then follows the new bytes."""
    docs = PolicyDocument.objects.filter(source_file=name, fingerprint=_fingerprint(parsed))
    if not docs.exists():
        return False
    docs.update(checksum=hashlib.sha256(data).hexdigest())
    return True


def _write_policy(name: str, data: bytes, parsed: ParsedPolicy, report: IngestReport) -> FileReport:
    summary = (
        f"measures document, {len(parsed.chapters)} chapters, {len(parsed.measures)} measures, "
        f"{sum(len(m.targets) for m in parsed.measures)} targets"
    )
    result = FileReport(name, "measures", "unchanged", summary, warnings=list(parsed.warnings))
    if _unchanged(name, data, parsed):
        return result
    doc, created = _document(name, data, parsed, PolicyDocument.Kind.MEASURES)
    doc.title = parsed.title
    doc.status = parsed.status
    doc.preamble = parsed.preamble
    doc.closing = parsed.closing
    doc.effective_note = parsed.effective_note
    doc.expires_on = parsed.expires_on
    doc.full_clean()
    doc.save()
    for reference, title in parsed.repeals:
        old = PolicyDocument.objects.filter(reference_number=reference).first()
        if old is None:
            old = PolicyDocument(reference_number=reference, kind=PolicyDocument.Kind.POLICY)
        _update(old, {"title": title or reference, "status": "已废止", "repealed_by": doc})
    tiers = {t.slug: t for t in EnterpriseTier.objects.all()}
    themes = {t.slug: t for t in Theme.objects.all()}
    kept_numbers = []
    for pc in parsed.chapters:
        chapter, _ = Chapter.objects.get_or_create(
            document=doc, number=pc.number, defaults={"title": pc.title}
        )
        _update(chapter, {"title": pc.title})
        for pm in pc.measures:
            kept_numbers.append(pm.number)
            conflicts = _write_measure(doc, chapter, pm, tiers, themes, name, report)
            result.conflicts.extend(conflicts)
    Measure.objects.filter(document=doc).exclude(number__in=kept_numbers).delete()
    Chapter.objects.filter(document=doc).exclude(
        number__in=[c.number for c in parsed.chapters]
    ).delete()
    result.status = "created" if created else "updated"
    return result


def _target_key(t: Target | ParsedTarget) -> list:
    """A target as the snapshot stores it; the same for a saved row and a parsed one."""
    return [t.subject, str(t.quantity.normalize()), t.unit, t.year, t.kind, t.comparator, t.text]


def measure_state(measure: Measure) -> dict:
    """The ingest-owned fields of a measure in the form the snapshot stores them."""
    return {
        "title": measure.title,
        "body": measure.body,
        "bureaus": [r.bureau_id for r in measure.responsibilities.order_by("order")],
        "tiers": sorted(measure.tiers.values_list("slug", flat=True)),
        "themes": sorted(measure.themes.values_list("slug", flat=True)),
        "targets": [_target_key(t) for t in measure.targets.order_by("order", "pk")],
    }


def _write_measure(doc, chapter, pm, tiers, themes, source_name, report) -> list[str]:
    bureaus = []
    for raw in pm.bureaus:
        bureau = bureau_for(raw, report)
        if bureau not in (b for b, _ in bureaus):
            bureaus.append((bureau, raw))
    new = {
        "title": pm.title,
        "body": pm.body,
        "bureaus": [b.pk for b, _ in bureaus],
        "tiers": sorted(pm.tiers),
        "themes": sorted(pm.themes),
        "targets": [_target_key(t) for t in pm.targets],
    }
    measure = Measure.objects.filter(document=doc, number=pm.number).first()
    if measure is None:
        measure = Measure(
            document=doc, chapter=chapter, number=pm.number, title=pm.title, body=pm.body
        )
        current, snapshot = {}, {}
    else:
        current, snapshot = measure_state(measure), measure.ingest_snapshot or {}
    conflicts, apply = [], []
    for key in SNAPSHOT_FIELDS:
        edited = bool(snapshot) and current.get(key) != snapshot.get(key)
        if edited:
            if new[key] != snapshot.get(key):
                conflicts.append(
                    f"measure {pm.number} {key}: kept the staff edit; the document's new text was not applied"
                )
        elif current.get(key) != new[key]:
            apply.append(key)
    changed = bool(apply) or measure.pk is None or measure.chapter_id != chapter.pk
    measure.chapter = chapter
    measure.responsibility_text = pm.responsibility_text
    if "title" in apply:
        measure.title = pm.title
    if "body" in apply:
        measure.body = pm.body
    if changed or measure.ingest_snapshot != new:
        if changed and measure.pk is not None:
            measure.version += 1
        measure.ingest_snapshot = new
        measure._change_reason = f"导入 {source_name}"
        measure.full_clean(exclude=["bureaus", "tiers", "themes"])
        measure.save()
    if "bureaus" in apply:
        measure.responsibilities.all().delete()
        for order, (bureau, raw) in enumerate(bureaus):
            Responsibility.objects.create(
                measure=measure,
                bureau=bureau,
                role=Responsibility.Role.LEAD if order == 0 else Responsibility.Role.CO,
                order=order,
                written_as=raw,
            )
    if "tiers" in apply:
        measure.tiers.set([tiers[s] for s in pm.tiers])
    if "themes" in apply:
        measure.themes.set([themes[s] for s in pm.themes])
    if "targets" in apply:
        measure.targets.all().delete()
        for order, t in enumerate(pm.targets):
            target = Target(
                measure=measure,
                subject=t.subject,
                tier=tiers.get(t.tier) if t.tier else None,
                quantity=t.quantity,
                unit=t.unit,
                year=t.year,
                kind=t.kind,
                comparator=t.comparator,
                text=t.text,
                order=order,
            )
            target.full_clean()
            target.save()
    return conflicts


def _write_reply(name: str, data: bytes, parsed: ParsedReply, report: IngestReport) -> FileReport:
    figures = sum(len(s.figures) for s in _walk(parsed.sections))
    summary = (
        f"CPPCC reply {parsed.proposal_number or '(no proposal number)'}, "
        f"{len(list(_walk(parsed.sections)))} sections, {figures} reported figures"
    )
    result = FileReport(name, "reply", "unchanged", summary, warnings=list(parsed.warnings))
    if _unchanged(name, data, parsed):
        return result
    doc, created = _document(name, data, parsed, PolicyDocument.Kind.CPPCC_REPLY)
    doc.title = parsed.title
    doc.published_on = parsed.date
    doc.issuing_bureau = bureau_for(parsed.bureau, report) if parsed.bureau else None
    doc.full_clean()
    doc.save()
    reply = Reply.objects.filter(document=doc).first() or Reply(document=doc)
    reply.title = parsed.title
    reply.title_derived = any("title" in w for w in parsed.warnings)
    reply.proposal_number = parsed.proposal_number
    reply.session = parsed.session
    reply.date = parsed.date
    reply.published_at = (
        timezone.make_aware(parsed.published_at, SOURCE_TZ)
        if parsed.published_at and timezone.is_naive(parsed.published_at)
        else parsed.published_at
    )
    reply.bureau = doc.issuing_bureau
    reply.intro = parsed.intro
    reply.next_steps = parsed.next_steps
    reply.signature = parsed.signature
    reply.source_office = parsed.source_office
    reply.full_clean(exclude=["co_bureaus"])
    reply.save()
    reply.co_bureaus.set([bureau_for(b, report) for b in parsed.co_bureaus])
    reply.sections.all().delete()
    reply.figures.all().delete()
    tiers = {t.slug: t for t in EnterpriseTier.objects.all()}
    themes = {t.slug: t for t in Theme.objects.all()}
    counter = {"section": 0, "figure": 0}

    def write(sections: list[ParsedSection], parent: ReplySection | None) -> None:
        for ps in sections:
            marker = _marker(ps)
            section = ReplySection.objects.create(
                reply=reply,
                parent=parent,
                level=ps.level,
                number=ps.number,
                marker=marker,
                heading=ps.heading[:300],
                text=ps.text,
                order=counter["section"],
            )
            counter["section"] += 1
            section.themes.set([themes[s] for s in ps.themes if s in themes])
            section.tiers.set([tiers[s] for s in ps.tiers if s in tiers])
            for pf in ps.figures:
                ReportedFigure.objects.create(
                    reply=reply,
                    section=section,
                    subject=pf.subject[:200],
                    tier=tiers.get(pf.tier) if pf.tier else None,
                    quantity=pf.quantity,
                    unit=pf.unit,
                    year=pf.year,
                    text=pf.text[:300],
                    order=counter["figure"],
                )
                counter["figure"] += 1
            write(ps.children, section)

    write(parsed.sections, None)
    result.status = "created" if created else "updated"
    return result


def _marker(section: ParsedSection) -> str:
    numeral = cn2an.an2cn(section.number)
    return {1: f"{numeral}、", 2: f"（{numeral}）", 3: f"{numeral}是"}[section.level]


def _walk(sections: list[ParsedSection]):
    for s in sections:
        yield s
        yield from _walk(s.children)
