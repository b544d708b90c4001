"""Plan and apply a parsed reply (its document row, the reply, its section tree and figures).

To persist a new parsed field, add it to the mapping function of its model below
(`document_values`, `reply_values`, `section_values`, `figure_values`): planning compares it
with what is stored and applying writes it.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import cn2an
from django.utils import timezone

from policies.models import PolicyDocument
from replies.models import Reply, ReplySection, ReportedFigure

from ..plan import BureauNames, DocumentPlan, Item, parsed_fingerprint, values_differ
from ..types import ParsedFigure, ParsedReply, ParsedSection
from ..writing import bureau_for, lookups, update

# Times printed in the documents are Beijing time.
SOURCE_TZ = ZoneInfo("Asia/Shanghai")

# --- parsed fields to model fields (one function per model) ------------------------------------


def document_values(parsed: ParsedReply) -> dict:
    """The reply's PolicyDocument row (the answering bureau is set by the writer)."""
    return {
        "title": parsed.title,
        "published_on": parsed.date,
        "reference_number": parsed.reference_number,
    }


def reply_values(parsed: ParsedReply) -> dict:
    """Reply fields (bureau and co_bureaus are names; the writer resolves them)."""
    published_at = parsed.published_at
    if published_at and timezone.is_naive(published_at):
        published_at = timezone.make_aware(published_at, SOURCE_TZ)
    return {
        "title": parsed.title,
        "title_derived": any("title" in w for w in parsed.warnings),
        "kind": parsed.kind,
        "proposal_number": parsed.proposal_number,
        "proposal_title": parsed.proposal_title[:300],
        "addressee": parsed.addressee[:100],
        "session": parsed.session,
        "date": parsed.date,
        "published_at": published_at,
        "intro": parsed.intro,
        "next_steps": parsed.next_steps,
        "closing": parsed.closing,
        "letterhead": parsed.letterhead,
        "signature": parsed.signature[:100],
        "source_office": parsed.source_office,
    }


def section_values(ps: ParsedSection) -> dict:
    """A section's own fields (themes and tiers are slugs, set as many-to-many)."""
    return {
        "level": ps.level,
        "number": ps.number,
        "marker": marker(ps),
        "heading": ps.heading[:300],
        "text": ps.text,
    }


def figure_values(pf: ParsedFigure) -> dict:
    """`tier` is a slug here; the writer turns it into the row."""
    return {
        "subject": pf.subject[:200],
        "tier": pf.tier,
        "quantity": pf.quantity,
        "quantity_max": pf.quantity_max,
        "unit": pf.unit,
        "qualifier": pf.qualifier,
        "kind": pf.kind,
        "scope": pf.scope,
        "year": pf.year,
        "year_assumed": pf.year_assumed,
        "text": pf.text[:300],
    }


def marker(section: ParsedSection) -> str:
    if section.marker:
        return section.marker
    numeral = cn2an.an2cn(section.number)
    return {1: f"{numeral}、", 2: f"（{numeral}）", 3: f"{numeral}是"}[section.level]


def walk(sections: list[ParsedSection]):
    for s in sections:
        yield s
        yield from walk(s.children)


def preview(parsed: ParsedReply) -> dict:
    """What the reply says, as the upload page and the API show it before anything is written."""

    def tree(sections, prefix=""):
        return [
            {
                "key": prefix + marker(ps),
                "marker": marker(ps),
                "heading": ps.heading,
                "figures": [pf.text for pf in ps.figures],
                "children": tree(ps.children, prefix + marker(ps)),
            }
            for ps in sections
        ]

    return {
        "kind": "reply",
        "reply_kind": Reply.Kind(parsed.kind).label,
        "title": parsed.title,
        "proposal_title": parsed.proposal_title,
        "proposal_number": parsed.proposal_number,
        "session": parsed.session,
        "date": parsed.date.isoformat() if parsed.date else None,
        "published_at": parsed.published_at.isoformat() if parsed.published_at else None,
        "bureau": parsed.bureau,
        # How the text refers to its bureau when it names none ("我局"), for the preview.
        "bureau_wording": "我局"
        if parsed.bureau is None and any("“我局”" in w for w in parsed.warnings)
        else "",
        "co_bureaus": list(parsed.co_bureaus),
        "signature": parsed.signature,
        "intro": parsed.intro,
        "next_steps": parsed.next_steps,
        "sections": tree(parsed.sections),
        "figures": sum(len(s.figures) for s in walk(parsed.sections)),
    }


# --- the section tree, keyed by its markers ------------------------------------------------------


def _keyed(pairs):
    """Keys made unique by numbering repeats ("二、#2"), in order."""
    seen: Counter = Counter()
    out = []
    for key, value in pairs:
        seen[key] += 1
        out.append((key if seen[key] == 1 else f"{key}#{seen[key]}", value))
    return out


def parsed_sections(parsed: ParsedReply) -> list[tuple[str, ParsedSection]]:
    """(key, section) in document order; the key is the markers from the top: "二、（一）"."""

    def visit(sections, prefix):
        for ps in sections:
            key = prefix + marker(ps)
            yield key, ps
            yield from visit(ps.children, key)

    return _keyed(visit(parsed.sections, ""))


def parsed_figures(parsed: ParsedReply, sections) -> list[tuple[str, ParsedFigure]]:
    """(section key, figure): the sections' figures, then the intro's and next steps' ("")."""
    return [(k, pf) for k, ps in sections for pf in ps.figures] + [
        ("", pf) for pf in parsed.figures
    ]


def stored_sections(reply: Reply) -> list[tuple[str, ReplySection]]:
    rows = list(reply.sections.order_by("order").prefetch_related("themes", "tiers"))
    by_pk = {s.pk: s for s in rows}

    def path(s):
        parts = []
        while s is not None:
            parts.append(s.marker)
            s = by_pk.get(s.parent_id)
        return "".join(reversed(parts))

    return _keyed((path(s), s) for s in rows)


def _figure_key(section_key: str, text: str) -> str:
    return f"{section_key} {text}"


def figure_differs(figure: ReportedFigure, values: dict) -> bool:
    """Whether a stored figure differs from `figure_values` of a parsed one."""
    for key, value in values.items():
        stored = figure.tier.slug if key == "tier" and figure.tier else getattr(figure, key)
        if stored != value:
            return True
    return False


# --- plan ----------------------------------------------------------------------------------------


@dataclass
class ReplyOps:
    rebuild_sections: bool = False
    rewrite_figures: bool = False
    # [(pk, ParsedSection)] to update in place when the tree keeps its shape
    section_updates: list = field(default_factory=list)


def summary(parsed: ParsedReply) -> str:
    figures = sum(len(s.figures) for s in walk(parsed.sections)) + len(parsed.figures)
    kind = Reply.Kind(parsed.kind).label
    return (
        f"reply ({kind}) {parsed.proposal_number or '(no proposal number)'}, "
        f"{len(list(walk(parsed.sections)))} sections, {figures} reported figures"
    )


def plan_reply(name: str, data: bytes, parsed: ParsedReply) -> DocumentPlan:
    """What writing `parsed` as the reply held under `name` would change. Reads only."""
    doc = PolicyDocument.objects.filter(source_file=name).first()
    plan = DocumentPlan(
        name=name,
        kind=PolicyDocument.Kind.CPPCC_REPLY,
        action="create" if doc is None else "update",
        summary=summary(parsed),
        parsed=parsed,
        data=data,
        document_id=doc.pk if doc else None,
        warnings=list(parsed.warnings),
        ops=ReplyOps(),
        preview=preview(parsed),
    )
    if doc is not None and doc.fingerprint == parsed_fingerprint(parsed):
        plan.action = "unchanged"
        return plan
    names = BureauNames()
    bureau = names.canonical(parsed.bureau) if parsed.bureau else None
    co_bureaus = list(dict.fromkeys(names.canonical(b) for b in parsed.co_bureaus))
    plan.new_bureaus = list(names.unknown)
    # The names as they will be written, not as the text abbreviates them.
    plan.preview["bureau"], plan.preview["co_bureaus"] = bureau, co_bureaus
    label = parsed.proposal_number or name
    reply = Reply.objects.filter(document=doc).select_related("bureau").first() if doc else None
    new_sections = parsed_sections(parsed)
    if reply is None:
        plan.created.append(Item("reply", label, parsed.title))
        plan.created.extend(Item("section", k, ps.heading) for k, ps in new_sections)
        plan.ops.rebuild_sections = plan.ops.rewrite_figures = True
        return plan
    fields = values_differ(reply, reply_values(parsed))
    if (reply.bureau.name if reply.bureau else None) != bureau:
        fields.append("bureau")
    if [b.name for b in reply.ordered_co_bureaus] != co_bureaus:
        fields.append("co_bureaus")
    if fields:
        plan.changed.append(Item("reply", label, parsed.title, fields))
    old_sections = stored_sections(reply)
    old = dict(old_sections)
    new = dict(new_sections)
    for key, ps in new_sections:
        if key not in old:
            plan.created.append(Item("section", key, ps.heading))
            continue
        section = old[key]
        fields = values_differ(section, section_values(ps))
        if sorted(section.themes.all().values_list("slug", flat=True)) != sorted(ps.themes):
            fields.append("themes")
        if sorted(section.tiers.all().values_list("slug", flat=True)) != sorted(ps.tiers):
            fields.append("tiers")
        if fields:
            plan.changed.append(Item("section", key, ps.heading, fields))
            plan.ops.section_updates.append((section.pk, ps))
    for key, section in old_sections:
        if key not in new:
            plan.removed.append(Item("section", key, section.heading))
    plan.ops.rebuild_sections = [k for k, _ in old_sections] != [k for k, _ in new_sections]
    # Figures, keyed by their section and source clause.
    section_keys: dict[int | None, str] = {section.pk: key for key, section in old_sections}
    old_figures = dict(
        _keyed(
            (_figure_key(section_keys.get(f.section_id, ""), f.text), f)
            for f in reply.figures.select_related("tier").order_by("order")
        )
    )
    new_figures = dict(
        _keyed(
            (_figure_key(k, figure_values(pf)["text"]), figure_values(pf))
            for k, pf in parsed_figures(parsed, new_sections)
        )
    )
    for key, values in new_figures.items():
        if key not in old_figures:
            plan.created.append(Item("figure", key, values["text"]))
        elif figure_differs(old_figures[key], values):
            plan.changed.append(Item("figure", key, values["text"]))
    for key, figure in old_figures.items():
        if key not in new_figures:
            plan.removed.append(Item("figure", key, figure.text))
    plan.ops.rewrite_figures = (
        plan.ops.rebuild_sections
        or list(old_figures) != list(new_figures)
        or any(i.what == "figure" for i in plan.changed)
    )
    return plan


# --- apply ---------------------------------------------------------------------------------------


def apply_reply(plan: DocumentPlan, created_bureaus: list[str]) -> None:
    """Write the plan (inside the caller's transaction)."""
    parsed: ParsedReply = plan.parsed
    doc = (
        PolicyDocument.objects.get(pk=plan.document_id)
        if plan.document_id
        else PolicyDocument(source_file=plan.name, kind=plan.kind)
    )
    doc.checksum = hashlib.sha256(plan.data).hexdigest()
    if plan.action == "unchanged":
        PolicyDocument.objects.filter(pk=doc.pk).update(checksum=doc.checksum)
        return
    for key, value in document_values(parsed).items():
        setattr(doc, key, value)
    doc.issuing_bureau = bureau_for(parsed.bureau, created_bureaus) if parsed.bureau else None
    doc.fingerprint = parsed_fingerprint(parsed)
    doc.ingested_at = timezone.now()
    doc.full_clean()
    doc.save()
    plan.document_id = doc.pk
    reply = Reply.objects.filter(document=doc).first() or Reply(document=doc)
    for key, value in reply_values(parsed).items():
        setattr(reply, key, value)
    reply.bureau = doc.issuing_bureau
    reply.full_clean(exclude=["co_bureaus"])
    reply.save()
    reply.co_bureaus.clear()
    for order, name in enumerate(parsed.co_bureaus):  # in the reply's order
        reply.co_bureaus.add(bureau_for(name, created_bureaus), through_defaults={"order": order})
    tiers, themes = lookups()
    if plan.ops.rebuild_sections:
        reply.sections.all().delete()
        _create_sections(reply, parsed, tiers, themes)
    else:
        for pk, ps in plan.ops.section_updates:
            section = ReplySection.objects.get(pk=pk, reply=reply)
            update(section, section_values(ps))
            section.themes.set([themes[s] for s in ps.themes if s in themes])
            section.tiers.set([tiers[s] for s in ps.tiers if s in tiers])
    if plan.ops.rewrite_figures:
        reply.figures.all().delete()
        sections = dict(stored_sections(reply))
        for order, (key, pf) in enumerate(parsed_figures(parsed, parsed_sections(parsed))):
            values = figure_values(pf)
            values["tier"] = tiers.get(values["tier"]) if values["tier"] else None
            ReportedFigure.objects.create(
                reply=reply, section=sections.get(key), order=order, **values
            )


def _create_sections(reply, parsed: ParsedReply, tiers, themes) -> None:
    counter = 0

    def write(sections: list[ParsedSection], parent: ReplySection | None) -> None:
        nonlocal counter
        for ps in sections:
            section = ReplySection.objects.create(
                reply=reply, parent=parent, order=counter, **section_values(ps)
            )
            counter += 1
            section.themes.set([themes[s] for s in ps.themes if s in themes])
            section.tiers.set([tiers[s] for s in ps.tiers if s in tiers])
            write(ps.children, section)

    write(parsed.sections, None)
