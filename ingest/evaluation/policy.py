"""Evaluators for what a policy document yields: targets, the tiers and themes of each measure,
the 文号 its passages cite, the reply passages each measure is shown beside, and what the portal
holds about the documents it cites. Conventions: tests/gold/README.md ("Fact types of policies").
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from ingest.references import find_references, is_draft, repealed_references
from ingest.types import ParsedPolicy, ParsedReply, ParsedTarget

from .registry import Context, Score, accuracy, fact_type, pair_in_order
from .reply import subject_matches, walk


def _policy(ctx: Context) -> ParsedPolicy | None:
    return ctx.parsed if isinstance(ctx.parsed, ParsedPolicy) else None


def _pairs_score(label: str, gold: set[tuple], got: set[tuple]) -> Score:
    """Precision and recall over sets of facts, each disagreement named."""
    score = Score(tp=len(gold & got), fp=len(got - gold), fn=len(gold - got))
    for fact in sorted(gold - got, key=str):
        score.disagreements.append(f"{label}: missed {' '.join(map(str, fact))}")
    for fact in sorted(got - gold, key=str):
        score.disagreements.append(f"{label}: extra {' '.join(map(str, fact))}")
    return score


def _links(gold: dict[str, list[str]], ctx: Context, attribute: str) -> Score:
    policy = _policy(ctx)
    want = {(int(n), slug) for n, slugs in gold.items() for slug in slugs}
    numbers = {int(n) for n in gold}
    got = set()
    if policy is not None:
        got = {
            (m.number, slug)
            for m in policy.measures
            if m.number in numbers
            for slug in getattr(m, attribute)
        }
    return _pairs_score(f"{ctx.gold.label} measure {attribute}", want, got)


@fact_type("measure_tiers", description="(measure, tier) links: tiers a measure names")
def evaluate_measure_tiers(gold: dict[str, list[str]], ctx: Context) -> Score:
    return _links(gold, ctx, "tiers")


@fact_type("measure_themes", description="(measure, theme) links: themes a measure is about")
def evaluate_measure_themes(gold: dict[str, list[str]], ctx: Context) -> Score:
    return _links(gold, ctx, "themes")


# Targets -------------------------------------------------------------------------------------


def _period(t: ParsedTarget) -> str:
    return t.kind if t.kind in ("per_year", "cumulative") else ""


def _kind(t: ParsedTarget) -> str:
    return t.kind if t.kind in ("threshold", "money") else "target"


def _describe(measure: int, number: Any, unit: str, qualifier: str, subject: str) -> str:
    return f"measure {measure}: {number}{unit}{qualifier} {subject!r}"


def _target_matches(want: dict, extracted: tuple[int, ParsedTarget]) -> bool:
    number, t = extracted
    return (
        number == want["measure"]
        and t.quantity == Decimal(str(want["number"]))
        and t.unit == want["unit"]
        and t.comparator == want.get("qualifier", "")
        and subject_matches(want, t.subject)
    )


@fact_type(
    "targets",
    description="targets on (measure, number, unit, subject, qualifier); "
    "targets.per/.period/.year/.tier/.kind score the matched ones",
)
def evaluate_targets(gold: list[dict], ctx: Context) -> dict[str, Score]:
    policy = _policy(ctx)
    label = ctx.gold.label
    extracted = [(m.number, t) for m in policy.measures for t in m.targets] if policy else []
    pairs = pair_in_order(gold, extracted, _target_matches)
    used = set(pairs.values())
    main = Score(tp=len(pairs))
    for gi, want in enumerate(gold):
        if gi not in pairs:
            main.fn += 1
            main.disagreements.append(
                f"{label} targets: missed "
                + _describe(
                    want["measure"],
                    want["number"],
                    want["unit"],
                    want.get("qualifier", ""),
                    want.get("subject", ""),
                )
            )
    for i, (number, t) in enumerate(extracted):
        if i not in used:
            main.fp += 1
            main.disagreements.append(
                f"{label} targets: extra "
                + _describe(number, f"{t.quantity.normalize():f}", t.unit, t.comparator, t.subject)
                + f" in “{t.text}”"
            )
    per, period, year, tier, kind = [], [], [], [], []
    for gi, ei in pairs.items():
        want, (number, got) = gold[gi], extracted[ei]
        what = _describe(number, want["number"], want["unit"], "", want.get("subject", ""))
        per.append((what, want.get("per", ""), got.per))
        period.append((what, want.get("period", ""), _period(got)))
        year.append((what, want.get("year"), got.year))
        tier.append((what, want.get("tier"), got.tier))
        kind.append((what, want.get("kind", "target"), _kind(got)))
    return {
        "targets": main,
        "targets.per": accuracy(f"{label} targets.per", per),
        "targets.period": accuracy(f"{label} targets.period", period),
        "targets.year": accuracy(f"{label} targets.year", year),
        "targets.tier": accuracy(f"{label} targets.tier", tier),
        "targets.kind": accuracy(f"{label} targets.kind", kind),
    }


# References ----------------------------------------------------------------------------------


def _passages(parsed: ParsedPolicy | ParsedReply) -> list[tuple[str, str]]:
    """(passage name, text): "preamble", "measure 7", "closing"; "intro", "section 1.1",
    "next_steps" — the names the gold files use."""
    if isinstance(parsed, ParsedPolicy):
        out = [("preamble", parsed.preamble)]
        out += [(f"measure {m.number}", f"{m.title}。{m.body}") for m in parsed.measures]
        return [*out, ("closing", parsed.closing)]
    out = [("intro", parsed.intro)]
    out += [(f"section {path}", f"{s.heading}。{s.text}") for path, s in walk(parsed.sections)]
    return [*out, ("next_steps", parsed.next_steps)]


def extracted_references(parsed: ParsedPolicy | ParsedReply) -> list[dict]:
    """Every 文号 each passage cites, with what the passage does to it (as ingest stores it)."""
    draft = isinstance(parsed, ParsedPolicy) and is_draft(parsed.status)
    found = []
    for passage, text in _passages(parsed):
        repealed = {r.start for r in repealed_references(text)} if passage == "closing" else set()
        for ref in find_references(text or ""):
            relation = "cites"
            if ref.start in repealed:
                relation = "proposes_repeal" if draft else "repeals"
            found.append(
                {
                    "reference": ref.reference,
                    "passage": passage,
                    "relation": relation,
                    "title": ref.title,
                }
            )
    return found


@fact_type(
    "references",
    description="文号 cited, on (reference, passage, relation); references.title scores titles",
)
def evaluate_references(gold: list[dict], ctx: Context) -> dict[str, Score]:
    got = extracted_references(ctx.parsed) if ctx.parsed is not None else []

    def key(r: dict) -> tuple:
        return (r["reference"], r["passage"], r.get("relation", "cites"))

    main = _pairs_score(f"{ctx.gold.label} references", {key(r) for r in gold}, set(map(key, got)))
    titles = {key(r): r["title"] for r in got}
    title_pairs = [
        (" ".join(key(r)), r["title"], titles[key(r)])
        for r in gold
        if "title" in r and key(r) in titles
    ]
    return {
        "references": main,
        "references.title": accuracy(f"{ctx.gold.label} references.title", title_pairs),
    }


# What the database holds (scored with --db, after `ingest`) -----------------------------------


@fact_type(
    "cited_documents",
    description="documents known from citations: status and pending repeal (reads the database)",
    needs_db=True,
)
def evaluate_cited_documents(gold: list[dict], ctx: Context) -> Score:
    from policies.models import PolicyDocument

    pairs = []
    for want in gold:
        doc = PolicyDocument.objects.filter(reference_number=want["reference"]).first()
        what = want["reference"]
        pairs.append((f"{what} exists", True, doc is not None))
        if doc is None:
            continue
        if "status" in want:
            pairs.append((f"{what} status", want["status"], doc.status))
        if "pending_repeal" in want:
            pairs.append(
                (f"{what} pending repeal", want["pending_repeal"], bool(doc.pending_repeals()))
            )
    return accuracy(f"{ctx.gold.label} cited_documents", pairs)


def section_names() -> dict[int, str]:
    """Every stored reply section as the gold files name it: "<gold label> <path> <heading>"."""
    from replies.models import ReplySection

    from .gold import load_gold

    labels = {Path(d.file).name: d.label for d in load_gold()}
    sections = {
        s.pk: s
        for s in ReplySection.objects.select_related("reply__document").only(
            "pk", "parent_id", "number", "heading", "reply__document__source_file"
        )
    }
    names: dict[int, str] = {}
    for pk, s in sections.items():
        path: list[str] = []
        node: ReplySection | None = s
        while node is not None:
            path.append(str(node.number))
            node = sections.get(node.parent_id) if node.parent_id is not None else None
        source = s.reply.document.source_file
        # Bundled files are labelled by their number ("001_….txt" → "001") until a gold file
        # of their own says otherwise.
        label = labels.get(source) or source.split("_", 1)[0]
        names[pk] = f"{label} {'.'.join(reversed(path))} {s.heading}"
    return names


@fact_type(
    "related",
    description="(measure, reply section) pairs shown as related passages (reads the database)",
    needs_db=True,
)
def evaluate_related(gold: dict[str, list[str]], ctx: Context) -> Score:
    from search.models import RelatedPassage

    doc = ctx.stored_document()
    want = {(int(n), name) for n, names in gold.items() for name in names}
    got: set[tuple[int, str]] = set()
    if doc is not None:
        names = section_names()
        rows = RelatedPassage.objects.filter(measure__document=doc).values_list(
            "measure__number", "section_id"
        )
        got = {(number, names.get(section, f"#{section}")) for number, section in rows}
    return _pairs_score(f"{ctx.gold.label} related", want, got)
