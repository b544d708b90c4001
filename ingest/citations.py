"""Documents cited by 文号, and what a citing text does to them: the one writer of `Citation`.

`sync_citations()` runs at the end of every ingest, after the documents are written. It reads the
stored texts (a measure's title and body, a policy's preamble and closing, a reply's intro,
sections and next steps), so a staff edit that adds or removes a 文号 counts as well, and:

* creates a document record for every 文号 the portal does not hold yet (title as the citation
  gives it, else the 文号 itself; status "" = unknown until known);
* makes one `Citation` row per citing passage and 文号, touching only rows that change (a second
  ingest writes nothing);
* applies repeals. A closing sentence "…（武政规〔2022〕23号）同时废止" repeals the document when the
  citing document is in force; when it is a draft (征求意见稿 …) the repeal is only proposed: the
  cited document stays 现行有效 and its page says which draft proposes to repeal it.

Statuses are only ever set where they are unknown ("") or where ingest itself set them: a
status staff typed in the admin is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from policies.models import IN_FORCE, REPEALED, Citation, Measure, PolicyDocument
from replies.models import Reply, ReplySection

from .plan import Item
from .references import Reference, find_references, repealed_references
from .types import ParsedPolicy, ParsedReply


@dataclass(frozen=True)
class _Wanted:
    citing_id: int
    part: str
    measure_id: int | None
    section_id: int | None
    relation: str
    written_as: str
    reference: str
    title: str


def _passages():
    """(citing document, part, measure id, section id, text) for every stored passage."""
    docs = {
        d.pk: d for d in PolicyDocument.objects.only("pk", "status", "kind", "reference_number")
    }
    for d in PolicyDocument.objects.exclude(preamble="", closing="").only(
        "pk", "preamble", "closing"
    ):
        yield docs[d.pk], Citation.Part.PREAMBLE, None, None, d.preamble
        yield docs[d.pk], Citation.Part.CLOSING, None, None, d.closing
    for m in Measure.objects.only("pk", "document_id", "title", "body").order_by(
        "document_id", "number"
    ):
        yield docs[m.document_id], Citation.Part.MEASURE, m.pk, None, f"{m.title}。{m.body}"
    for r in Reply.objects.only("pk", "document_id", "intro", "next_steps").order_by("pk"):
        yield docs[r.document_id], Citation.Part.INTRO, None, None, r.intro
        yield docs[r.document_id], Citation.Part.NEXT_STEPS, None, None, r.next_steps
    sections = ReplySection.objects.select_related("reply").only(
        "pk", "heading", "text", "reply__document_id"
    )
    for s in sections.order_by("reply_id", "order"):
        text = f"{s.heading}。{s.text}"
        yield docs[s.reply.document_id], Citation.Part.SECTION, None, s.pk, text


def _relation(doc: PolicyDocument, part: str, ref: Reference, repealed: set[int]) -> str:
    if part == Citation.Part.CLOSING and ref.start in repealed:
        return Citation.Relation.PROPOSES_REPEAL if doc.is_draft else Citation.Relation.REPEALS
    return Citation.Relation.CITES


def wanted_citations() -> list[_Wanted]:
    """Every citation the stored texts make, in document order."""
    out: list[_Wanted] = []
    for doc, part, measure_id, section_id, text in _passages():
        if not text or "号" not in text:
            continue
        repealed = set()
        if part == Citation.Part.CLOSING:
            repealed = {r.start for r in repealed_references(text)}
        for ref in find_references(text):
            if ref.reference == doc.reference_number:
                continue  # a document naming its own number
            out.append(
                _Wanted(
                    doc.pk,
                    part,
                    measure_id,
                    section_id,
                    _relation(doc, part, ref, repealed),
                    ref.written[:60],
                    ref.reference,
                    ref.title[:300],
                )
            )
    return out


def _cited_documents(wanted: list[_Wanted]) -> dict[str, PolicyDocument]:
    """The document each cited 文号 stands for, created when the portal holds none."""
    held: dict[str, PolicyDocument] = {}
    references = {w.reference for w in wanted}
    for doc in PolicyDocument.objects.filter(reference_number__in=references).order_by("pk"):
        held.setdefault(doc.reference_number, doc)
    for w in wanted:
        doc = held.get(w.reference)
        if doc is None:
            doc = PolicyDocument(
                title=w.title or w.reference,
                kind=PolicyDocument.Kind.POLICY,
                reference_number=w.reference,
            )
            doc.full_clean()
            doc.save()
            held[w.reference] = doc
        elif w.title and doc.title == doc.reference_number:
            doc.title = w.title  # a later citation gives the title the first one left out
            doc.save(update_fields=["title"])
    return held


def _sync_rows(wanted: list[_Wanted], cited: dict[str, PolicyDocument]) -> int:
    existing = {
        (c.citing_id, c.order): c
        for c in Citation.objects.only(
            "pk",
            "cited_id",
            "citing_id",
            "part",
            "measure_id",
            "section_id",
            "relation",
            "written_as",
            "title",
            "order",
        )
    }
    orders: dict[int, int] = {}
    keep, new, changed = set(), [], []
    for w in wanted:
        order = orders[w.citing_id] = orders.get(w.citing_id, -1) + 1
        values = {
            "cited_id": cited[w.reference].pk,
            "part": w.part,
            "measure_id": w.measure_id,
            "section_id": w.section_id,
            "relation": w.relation,
            "written_as": w.written_as,
            "title": w.title,
        }
        row = existing.get((w.citing_id, order))
        if row is None:
            new.append(Citation(citing_id=w.citing_id, order=order, **values))
            continue
        keep.add(row.pk)
        if any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            changed.append(row)
    stale = [row.pk for row in existing.values() if row.pk not in keep]
    if stale:
        Citation.objects.filter(pk__in=stale).delete()
    if changed:
        Citation.objects.bulk_update(
            changed,
            ["cited_id", "part", "measure_id", "section_id", "relation", "written_as", "title"],
        )
    if new:
        Citation.objects.bulk_create(new)
    return len(stale) + len(changed) + len(new)


def _apply_repeals(wanted: list[_Wanted], cited: dict[str, PolicyDocument]) -> int:
    """Statuses that follow from the citations: repealed, or in force with a pending repeal."""
    repealing: dict[int, int] = {}  # cited pk -> the in-force document repealing it
    proposed: dict[int, set[int]] = {}  # cited pk -> drafts proposing the repeal
    for w in wanted:
        pk = cited[w.reference].pk
        if w.relation == Citation.Relation.REPEALS:
            repealing.setdefault(pk, w.citing_id)
        elif w.relation == Citation.Relation.PROPOSES_REPEAL:
            proposed.setdefault(pk, set()).add(w.citing_id)
    changes = 0
    for doc in {d.pk: d for d in cited.values()}.values():
        if doc.pk in repealing:
            if doc.status in ("", IN_FORCE) or (
                doc.status == REPEALED and doc.repealed_by_id != repealing[doc.pk]
            ):
                doc.status, doc.repealed_by_id = REPEALED, repealing[doc.pk]
                doc.save(update_fields=["status", "repealed_by"])
                changes += 1
        # Only proposed: unknown, or repealed by one of the drafts (what older versions wrote),
        # means in force.
        elif doc.pk in proposed and (
            doc.status == "" or (doc.status == REPEALED and doc.repealed_by_id in proposed[doc.pk])
        ):
            doc.status, doc.repealed_by_id = IN_FORCE, None
            doc.save(update_fields=["status", "repealed_by"])
            changes += 1
    return changes


def sync_citations() -> int:
    """Bring cited documents, `Citation` rows and repeal statuses in line with the stored texts;
    returns how many rows were written (0 when nothing changed)."""
    wanted = wanted_citations()
    before = PolicyDocument.objects.count()
    cited = _cited_documents(wanted)
    created = PolicyDocument.objects.count() - before
    return created + _sync_rows(wanted, cited) + _apply_repeals(wanted, cited)


def planned_documents(parsed: ParsedPolicy | ParsedReply) -> list[Item]:
    """Documents a parsed file cites that the portal does not hold yet: ingest will create them."""
    texts: list[str] = []
    if isinstance(parsed, ParsedPolicy):
        texts = [parsed.preamble, *(f"{m.title}。{m.body}" for m in parsed.measures)]
        texts.append(parsed.closing)
    else:
        texts = [parsed.intro, parsed.next_steps]

        def walk(sections):
            for s in sections:
                texts.append(f"{s.heading}。{s.text}")
                walk(s.children)

        walk(parsed.sections)
    found: dict[str, str] = {}
    for text in texts:
        for ref in find_references(text or ""):
            if not found.get(ref.reference):
                found[ref.reference] = ref.title
    held = set(
        PolicyDocument.objects.filter(reference_number__in=found).values_list(
            "reference_number", flat=True
        )
    )
    return [
        Item("document", reference, title or reference, [], "cited; status unknown until known")
        for reference, title in found.items()
        if reference not in held
    ]
