"""The `benefits` fact type: what each measure gives and to whom (ingest/policy/benefits.py).
Conventions: tests/gold/README.md ("Fact types of policies")."""

from __future__ import annotations

import re
from decimal import Decimal

from ingest.types import ParsedBenefit, ParsedPolicy

from .registry import Context, Score, accuracy, fact_type, pair_in_order

_SPACE = re.compile(r"\s+")


def _plain(text: str) -> str:
    return _SPACE.sub("", text)


def _figure(b: ParsedBenefit) -> str:
    if b.quantity is None:
        return ""
    return f" {b.qualifier}{b.quantity.normalize():f}{b.unit}"


def _matches(want: dict, number: int, got: ParsedBenefit) -> bool:
    quantity = Decimal(str(want["number"])) if "number" in want else None
    return (
        number == want["measure"]
        and got.kind == want["kind"]
        and got.quantity == quantity
        and got.unit == want.get("unit", "")
        and got.qualifier == want.get("qualifier", "")
        and _plain(want["text"]) in _plain(got.text)
    )


@fact_type(
    "benefits",
    description="benefits on (measure, kind, number, unit, qualifier, a phrase of their text); "
    "benefits.recipient scores who qualifies on the matched ones",
)
def evaluate_benefits(gold: list[dict], ctx: Context) -> dict[str, Score]:
    policy = ctx.parsed if isinstance(ctx.parsed, ParsedPolicy) else None
    label = f"{ctx.gold.label} benefits"
    extracted = [(m.number, b) for m in policy.measures for b in m.benefits] if policy else []
    pairs = pair_in_order(gold, extracted, lambda want, item: _matches(want, *item))
    taken = set(pairs.values())
    main = Score(tp=len(pairs))
    for gi, want in enumerate(gold):
        if gi not in pairs:
            main.fn += 1
            figure = (
                f" {want.get('qualifier', '')}{want['number']}{want['unit']}"
                if ("number" in want)
                else ""
            )
            main.disagreements.append(
                f"{label}: missed measure {want['measure']} {want['kind']}{figure} “{want['text']}”"
            )
    for i, (number, got) in enumerate(extracted):
        if i not in taken:
            main.fp += 1
            main.disagreements.append(
                f"{label}: extra measure {number} {got.kind}{_figure(got)} “{got.text}”"
            )
    recipients = [
        (
            f"measure {gold[gi]['measure']} “{gold[gi]['text']}”",
            gold[gi]["recipient"],
            extracted[i][1].recipient,
        )
        for gi, i in pairs.items()
        if "recipient" in gold[gi]
    ]
    return {
        "benefits": main,
        "benefits.recipient": accuracy(f"{label}.recipient", recipients),
    }
