"""Evaluate every gold document: parse its source, run each fact type's evaluator, sum up."""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.errors import IngestError
from ingest.parse import parse_document
from ingest.text import decode_bytes
from ingest.types import ParsedPolicy

from .gold import PROJECT_ROOT, load_gold
from .registry import Context, GoldDocument, Score, load_plugins


@dataclass
class Report:
    totals: dict[str, Score] = field(default_factory=dict)  # per fact type (and sub-type)
    per_document: dict[str, dict[str, Score]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # why a fact type was not evaluated

    def score(self, name: str) -> Score:
        return self.totals.setdefault(name, Score())


def context_for(gold: GoldDocument) -> Context:
    path = PROJECT_ROOT / gold.file
    try:
        source = decode_bytes(path.read_bytes())
    except (OSError, IngestError) as exc:
        return Context(gold, "", None, f"cannot read {gold.file}: {exc}")
    try:
        return Context(gold, source, parse_document(source.encode()))
    except IngestError as exc:
        return Context(gold, source, None, str(exc))


def evaluate(
    docs: list[GoldDocument] | None = None,
    *,
    types: set[str] | None = None,
    use_db: bool = False,
) -> Report:
    """Scores per fact type over `docs` (default: every gold file).

    Fact types that read the database are skipped unless `use_db`; "parsed" is always scored:
    one fact per document, right when the parser accepts it as the kind the gold says.
    """
    registry = load_plugins()
    report = Report()
    for gold in load_gold() if docs is None else docs:
        ctx = context_for(gold)
        scores = report.per_document.setdefault(gold.label, {})
        got_kind = None
        if ctx.parsed is not None:
            got_kind = "policy" if isinstance(ctx.parsed, ParsedPolicy) else "reply"
        parsed = Score(tp=int(got_kind == gold.kind), fn=int(got_kind != gold.kind))
        if got_kind != gold.kind:
            parsed.disagreements.append(
                f"{gold.label}: not parsed as a {gold.kind}: {ctx.error or got_kind}"
            )
        scores["parsed"] = parsed
        for name, value in gold.data.items():
            fact = registry.get(name)
            if fact is None:
                report.skipped.append(f"{gold.label}: no evaluator for {name!r}")
                continue
            if types and name not in types:
                continue
            if fact.needs_db and not use_db:
                report.skipped.append(f"{gold.label}: {name} reads the database (use --db)")
                continue
            result: Score | dict[str, Score]
            if ctx.parsed is None and not fact.needs_db:
                result = Score(
                    fn=_count(value), disagreements=[f"{gold.label} {name}: document not parsed"]
                )
            else:
                result = fact.evaluate(value, ctx)
            for sub, score in ({name: result} if isinstance(result, Score) else result).items():
                scores[sub] = score
        for name, score in scores.items():
            if not types or name.split(".")[0] in types or name == "parsed":
                report.score(name).add(score)
    return report


def _count(value) -> int:
    if isinstance(value, list):
        return len(value)
    if isinstance(value, dict):
        return len(value)
    return 1
