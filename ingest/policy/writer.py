"""Plan and apply a parsed policy document (chapters, measures, their bureaus, tiers, themes and
targets, and the benefits each states).

To persist a new parsed field, add it to the mapping function of its model below
(`document_values`, `chapter_values`, `measure_values`; a target's or benefit's: `target_values`,
`benefit_values` in `facts.py`, which plans and writes them): planning compares it with what is
stored and applying writes it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.utils import timezone

from policies.history import describe_change
from policies.models import (
    Bureau,
    Chapter,
    Citation,
    Measure,
    PolicyDocument,
    Responsibility,
)

from ..plan import BureauNames, DocumentPlan, Item, parsed_fingerprint, values_differ
from ..references import is_draft
from ..types import ParsedChapter, ParsedMeasure, ParsedPolicy
from ..writing import WriteConflict, bureau_for, lookups, update
from .facts import (
    benefit_key,
    plan_benefits,
    plan_targets,
    target_key,
    write_benefits,
    write_targets,
)

# Measure fields ingest owns; a field whose current value differs from what the last ingest
# wrote was edited by staff and is never overwritten.
SNAPSHOT_FIELDS = ("title", "body", "bureaus", "tiers", "themes", "targets", "benefits")
KEPT_REASON = "kept the staff edit; the document's new text was not applied"
KEPT_GONE = "edited by staff: kept although the new text no longer has it"


# --- parsed fields to model fields (one function per model) ------------------------------------


def document_values(parsed: ParsedPolicy, stored: PolicyDocument | None = None) -> dict:
    """The document row's fields. A text that states no status clears a draft's (the final text
    has come) but keeps any other a citation or staff gave; one that states no 文号 keeps the
    stored one."""
    values = {
        "title": parsed.title,
        "status": parsed.status,
        "reference_number": parsed.reference_number,
        "preamble": parsed.preamble,
        "closing": parsed.closing,
        "effective_note": parsed.effective_note,
        "expires_on": parsed.expires_on,
    }
    if not parsed.status and stored is not None and not is_draft(stored.status):
        del values["status"]
    if not parsed.reference_number:
        del values["reference_number"]
    return values


def known_from_citations(parsed: ParsedPolicy) -> list[PolicyDocument]:
    """Records of this document's own 文号 that citations created before its text came (no
    file of their own): ingest fills the first and merges any other into it."""
    if not parsed.reference_number:
        return []
    return list(
        PolicyDocument.objects.filter(reference_number=parsed.reference_number, source_file="")
        .exclude(kind=PolicyDocument.Kind.CPPCC_REPLY)
        .order_by("pk")
    )


def chapter_values(pc: ParsedChapter) -> dict:
    return {"title": pc.title}


def measure_values(pm: ParsedMeasure) -> dict:
    """Measure fields written from the document that staff do not edit (no snapshot needed).
    title and body are snapshot fields: see `measure_snapshot`."""
    return {"responsibility_text": pm.responsibility_text}


# --- snapshots: what the last ingest wrote, to tell staff edits apart ---------------------------


def measure_state(measure: Measure) -> dict:
    """The ingest-owned fields of a measure in the form the snapshot stores them."""
    return {
        "title": measure.title,
        "body": measure.body,
        "bureaus": [r.bureau_id for r in measure.responsibilities.order_by("order")],
        "tiers": sorted(measure.tiers.values_list("slug", flat=True)),
        "themes": sorted(measure.themes.values_list("slug", flat=True)),
        "targets": [target_key(t) for t in measure.targets.order_by("order", "pk")],
        "benefits": [benefit_key(b) for b in measure.benefits.order_by("order", "pk")],
    }


def edited_by_staff(measure: Measure) -> bool:
    """Whether staff changed the measure since ingest wrote it (or filled in its guide)."""
    from policies.guide import GUIDE_FIELDS

    if any(getattr(measure, name) for name in GUIDE_FIELDS):
        return True
    snapshot = measure.ingest_snapshot or {}
    state = measure_state(measure)
    # Only what the snapshot holds: a field added since (benefits) was never ingest's to compare.
    return any(state.get(name) != value for name, value in snapshot.items())


def measure_snapshot(pm: ParsedMeasure, bureau_ids: list[int | None]) -> dict:
    return {
        "title": pm.title,
        "body": pm.body,
        "bureaus": bureau_ids,
        "tiers": sorted(pm.tiers),
        "themes": sorted(pm.themes),
        "targets": [target_key(t) for t in pm.targets],
        "benefits": [benefit_key(b) for b in pm.benefits],
    }


def _unique_bureaus(pm: ParsedMeasure, names: BureauNames) -> list[str]:
    """The measure's written bureau names, one per bureau, in order."""
    seen, result = set(), []
    for raw in pm.bureaus:
        canonical = names.canonical(raw)
        if canonical not in seen:
            seen.add(canonical)
            result.append(raw)
    return result


def preview(parsed: ParsedPolicy) -> dict:
    """What the document says, as the upload page and the API show it before anything is written."""
    return {
        "kind": "measures",
        "title": parsed.title,
        "reference_number": parsed.reference_number,
        "status": parsed.status,
        "expires_on": parsed.expires_on.isoformat() if parsed.expires_on else None,
        "repeals": [reference for reference, _ in parsed.repeals],
        "chapters": [
            {
                "number": pc.number,
                "title": pc.title,
                "measures": [
                    {
                        "number": pm.number,
                        "title": pm.title,
                        "bureaus": list(pm.bureaus),
                        "targets": [t.text for t in pm.targets],
                        "benefits": [b.text for b in pm.benefits],
                    }
                    for pm in pc.measures
                ],
            }
            for pc in parsed.chapters
        ],
        "closing": parsed.closing,
    }


# --- plan ----------------------------------------------------------------------------------------


@dataclass
class MeasureOp:
    parsed: ParsedMeasure
    chapter: int  # chapter number
    pk: int | None
    version: int | None  # the version planned against (compare-and-swap on apply)
    apply: list[str]  # snapshot fields to write
    bump: bool  # content changes: a new version
    save: bool  # something to save (maybe only the snapshot)


@dataclass
class PolicyOps:
    measures: list[MeasureOp] = field(default_factory=list)
    remove_measures: list[int] = field(default_factory=list)
    remove_chapters: list[int] = field(default_factory=list)
    adopt: bool = False  # the document row is a record created from citations: fill it
    merge: list[int] = field(default_factory=list)  # other such records of the same 文号


def summary(parsed: ParsedPolicy) -> str:
    return (
        f"measures document, {len(parsed.chapters)} chapters, {len(parsed.measures)} measures, "
        f"{sum(len(m.targets) for m in parsed.measures)} targets, "
        f"{sum(len(m.benefits) for m in parsed.measures)} benefits"
    )


def plan_policy(name: str, data: bytes, parsed: ParsedPolicy) -> DocumentPlan:
    """What writing `parsed` as the document held under `name` would change. Reads only."""
    doc = PolicyDocument.objects.filter(source_file=name).first()
    cited = [d for d in known_from_citations(parsed) if doc is None or d.pk != doc.pk]
    adopt = doc is None and bool(cited)
    if adopt:
        doc = cited.pop(0)
    plan = DocumentPlan(
        name=name,
        kind=PolicyDocument.Kind.MEASURES,
        action="create" if doc is None else "update",
        summary=summary(parsed),
        parsed=parsed,
        data=data,
        document_id=doc.pk if doc else None,
        warnings=list(parsed.warnings),
        ops=PolicyOps(adopt=adopt, merge=[d.pk for d in cited]),
        preview=preview(parsed),
    )
    if doc is not None and not cited and doc.fingerprint == parsed_fingerprint(parsed):
        plan.action = "unchanged"
        return plan
    if doc is None:
        plan.created.append(Item("document", name, parsed.title))
    elif adopt:
        # One document per 文号: the record its citations made is filled, keeping its links.
        fields = values_differ(doc, document_values(parsed, doc)) + ["source_file"]
        plan.changed.append(
            Item("document", parsed.reference_number, parsed.title, fields, "known from citations")
        )
    elif fields := values_differ(doc, document_values(parsed, doc)):
        plan.changed.append(Item("document", name, parsed.title, fields))
    for other in cited:
        plan.changed.append(
            Item(
                "document",
                parsed.reference_number,
                other.title,
                ["merged"],
                f"known from citations: its citations now point to {name}",
            )
        )
    names = BureauNames()
    chapters = {c.number: c for c in doc.chapters.all()} if doc else {}
    measures = {}
    if doc is not None:
        measures = {
            m.number: m
            for m in Measure.objects.filter(document=doc)
            .select_related("chapter")
            .prefetch_related("responsibilities", "tiers", "themes", "targets", "benefits")
        }
    for pc in parsed.chapters:
        chapter = chapters.get(pc.number)
        if chapter is None:
            plan.created.append(Item("chapter", str(pc.number), pc.title))
        elif fields := values_differ(chapter, chapter_values(pc)):
            plan.changed.append(Item("chapter", str(pc.number), pc.title, fields))
        for pm in pc.measures:
            plan.ops.measures.append(
                _plan_measure(plan, pc.number, pm, measures.get(pm.number), names)
            )
    numbers = {pm.number for pm in parsed.measures}
    kept_chapters = set()
    for number, measure in sorted(measures.items()):
        if number in numbers:
            continue
        if edited_by_staff(measure):
            # A measure staff edited is never removed, even when removals are accepted.
            plan.kept.append(Item("measure", str(number), measure.title, reason=KEPT_GONE))
            kept_chapters.add(measure.chapter.number)
        else:
            plan.removed.append(Item("measure", str(number), measure.title))
            plan.ops.remove_measures.append(measure.pk)
    for number, chapter in sorted(chapters.items()):
        if number not in {pc.number for pc in parsed.chapters} and number not in kept_chapters:
            plan.removed.append(Item("chapter", str(number), chapter.title))
            plan.ops.remove_chapters.append(chapter.pk)
    plan.new_bureaus = list(names.unknown)
    return plan


def _plan_measure(
    plan: DocumentPlan,
    chapter_number: int,
    pm: ParsedMeasure,
    measure: Measure | None,
    names: BureauNames,
) -> MeasureOp:
    new = measure_snapshot(pm, [names.id_of(raw) for raw in _unique_bureaus(pm, names)])
    key = str(pm.number)
    if measure is None:
        plan.created.append(Item("measure", key, pm.title))
        return MeasureOp(pm, chapter_number, None, None, list(SNAPSHOT_FIELDS), True, True)
    current, snapshot = measure_state(measure), measure.ingest_snapshot or {}
    apply = []
    for name in SNAPSHOT_FIELDS:
        # A field the snapshot lacks (added to ingest since) was never written: not an edit.
        edited = name in snapshot and current.get(name) != snapshot[name]
        if edited:
            if new[name] != snapshot.get(name):
                plan.kept.append(Item("measure", key, measure.title, [name], KEPT_REASON))
        elif current.get(name) != new[name]:
            apply.append(name)
    fields = list(apply) + values_differ(measure, measure_values(pm))
    if measure.chapter.number != chapter_number:
        fields.append("chapter")
    if fields:
        plan.changed.append(Item("measure", key, pm.title, fields))
    if "targets" in apply:
        plan_targets(plan, key, list(measure.targets.all()), pm.targets)
    if "benefits" in apply:
        plan_benefits(plan, key, list(measure.benefits.all()), pm.benefits)
    return MeasureOp(
        pm,
        chapter_number,
        measure.pk,
        measure.version,
        apply,
        bump=bool(fields),
        save=bool(fields) or snapshot != new,
    )


# --- apply ---------------------------------------------------------------------------------------


def apply_policy(plan: DocumentPlan, created_bureaus: list[str]) -> None:
    """Write the plan (inside the caller's transaction). Raises WriteConflict when a measure's
    version moved on since the plan was made."""
    doc = (
        PolicyDocument.objects.get(pk=plan.document_id)
        if plan.document_id
        else PolicyDocument(source_file=plan.name, kind=plan.kind)
    )
    parsed: ParsedPolicy = plan.parsed
    doc.checksum = hashlib.sha256(plan.data).hexdigest()
    if plan.action == "unchanged":
        # The same content in other bytes (a GB18030 copy): the checksum follows the new bytes.
        PolicyDocument.objects.filter(pk=doc.pk).update(checksum=doc.checksum)
        return
    for key, value in document_values(parsed, doc if plan.document_id else None).items():
        setattr(doc, key, value)
    if plan.ops.adopt:
        doc.source_file, doc.kind = plan.name, plan.kind
    doc.fingerprint = parsed_fingerprint(parsed)
    doc.ingested_at = timezone.now()
    doc.full_clean()
    doc.save()
    if plan.ops.merge:
        _merge_into(doc, plan.ops.merge)
    tiers, themes = lookups()
    ops = {op.parsed.number: op for op in plan.ops.measures}
    for pc in parsed.chapters:
        chapter, _ = Chapter.objects.get_or_create(
            document=doc, number=pc.number, defaults=chapter_values(pc)
        )
        update(chapter, chapter_values(pc))
        for pm in pc.measures:
            _apply_measure(doc, chapter, ops[pm.number], tiers, themes, plan.name, created_bureaus)
    Measure.objects.filter(pk__in=plan.ops.remove_measures).delete()
    Chapter.objects.filter(pk__in=plan.ops.remove_chapters).delete()
    plan.document_id = doc.pk


def _merge_into(doc: PolicyDocument, pks: list[int]) -> None:
    """Records of the same 文号 made from citations become `doc`: whatever pointed to them
    points to it, then they go (they held nothing of their own)."""
    Citation.objects.filter(cited_id__in=pks).update(cited=doc)
    PolicyDocument.objects.filter(repealed_by_id__in=pks).update(repealed_by=doc)
    PolicyDocument.objects.filter(pk__in=pks, source_file="").delete()


def _apply_measure(doc, chapter, op: MeasureOp, tiers, themes, source_name, created_bureaus):
    pm = op.parsed
    bureaus: list[tuple[Bureau, str]] = []
    for raw in pm.bureaus:
        bureau = bureau_for(raw, created_bureaus)
        if bureau not in (b for b, _ in bureaus):
            bureaus.append((bureau, raw))
    new = measure_snapshot(pm, [b.pk for b, _ in bureaus])
    if op.pk is None:
        measure = Measure(document=doc, number=pm.number, title=pm.title, body=pm.body)
    else:
        measure = Measure.objects.get(pk=op.pk)
        if op.version is None:
            raise AssertionError(f"measure {pm.number}: an update planned without its version")
        # The same compare-and-swap staff edits go through (policies.services.measure_update):
        # a staff save since the plan was made is never overwritten.
        if op.bump:
            swapped = Measure.objects.filter(pk=op.pk, version=op.version).update(
                version=op.version + 1
            )
            if not swapped:
                raise WriteConflict(f"measure {pm.number} was edited while ingesting")
            measure.version = op.version + 1
        elif measure.version != op.version:
            raise WriteConflict(f"measure {pm.number} was edited while ingesting")
    if not op.save:
        return
    measure.chapter = chapter
    for key, value in measure_values(pm).items():
        setattr(measure, key, value)
    if "title" in op.apply:
        measure.title = pm.title
    if "body" in op.apply:
        measure.body = pm.body
    measure.ingest_snapshot = new
    describe_change(measure, reason=f"导入 {source_name}")
    measure.full_clean(exclude=["bureaus", "tiers", "themes"])
    measure.save()
    if "bureaus" in op.apply:
        measure.responsibilities.all().delete()
        for order, (bureau, raw) in enumerate(bureaus):
            Responsibility.objects.create(
                measure=measure,
                bureau=bureau,
                role=Responsibility.Role.LEAD if order == 0 else Responsibility.Role.CO,
                order=order,
                written_as=raw,
            )
    if "tiers" in op.apply:
        measure.tiers.set([tiers[s] for s in pm.tiers])
    if "themes" in op.apply:
        measure.themes.set([themes[s] for s in pm.themes])
    if "targets" in op.apply:
        write_targets(measure, pm.targets, tiers)
    if "benefits" in op.apply:
        write_benefits(measure, pm.benefits)
