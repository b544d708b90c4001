"""Evaluators for what the reply parser extracts: header fields, the section tree, figures.

Figures are matched on (number, unit, subject, qualifier). The subject rule: both subjects are
normalised (no spaces, quotation marks, brackets or 的), and an extracted subject matches when it
contains the gold subject (or one of its `subject_also` forms) and is at most `SUBJECT_SLACK`
characters longer: "武汉市科技创新瞪羚企业" matches the gold "科技创新瞪羚企业", while "企业" does not
match "企业上市沙龙" and a whole clause does not match the noun it contains.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from ingest.types import ParsedFigure, ParsedReply, ParsedSection

from .registry import Context, Score, accuracy, fact_type

SUBJECT_SLACK = 8
_SUBJECT_NOISE = re.compile(r"[\s、“”\"'‘’「」『』《》（）()〈〉<>的]")
_TEXT_NOISE = re.compile(r"[\s，。；：、,.;:“”\"'‘’（）()]")


def normalise_subject(subject: str) -> str:
    return _SUBJECT_NOISE.sub("", subject)


def subject_matches(gold: dict, extracted: str) -> bool:
    got = normalise_subject(extracted)
    for want in (gold.get("subject", ""), *gold.get("subject_also", ())):
        want = normalise_subject(want)
        if want == got or (want and want in got and len(got) <= len(want) + SUBJECT_SLACK):
            return True
    return False


def walk(sections: list[ParsedSection], path: str = "") -> Iterator[tuple[str, ParsedSection]]:
    for section in sections:
        label = f"{path}{section.number}"
        yield label, section
        yield from walk(section.children, f"{label}.")


def _reply(ctx: Context) -> ParsedReply | None:
    return ctx.parsed if isinstance(ctx.parsed, ParsedReply) else None


# Header fields ------------------------------------------------------------------------------

_PREFIX_FIELDS = {"intro_starts": "intro", "next_steps_starts": "next_steps"}


def _plain(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@fact_type("reply", description="a reply's header fields: kind, number, session, date, titles…")
def evaluate_reply_fields(gold: dict, ctx: Context) -> Score:
    reply = _reply(ctx)
    if reply is None:
        return Score(fn=len(gold), disagreements=[f"{ctx.gold.label} reply: not a reply"])
    pairs = []
    for key, want in gold.items():
        if key in _PREFIX_FIELDS:
            got = getattr(reply, _PREFIX_FIELDS[key])
            pairs.append((key, want, want if got.startswith(want) else got[: len(want) + 10]))
        else:
            pairs.append((key, _plain(want), _plain(getattr(reply, key, None))))
    return accuracy(f"{ctx.gold.label} reply", pairs)


# Sections -----------------------------------------------------------------------------------


@fact_type("sections", description="numbered sections as 'path heading' (\"2.1 深化改革\")")
def evaluate_sections(gold: list[str], ctx: Context) -> Score:
    reply = _reply(ctx)
    got = [f"{path} {s.heading}" for path, s in walk(reply.sections)] if reply else []
    score = Score()
    want = [" ".join(line.split(maxsplit=1)) for line in gold]
    for line in want:
        if line in got:
            score.tp += 1
        else:
            score.fn += 1
            score.disagreements.append(f"{ctx.gold.label} sections: missed {line}")
    for line in got:
        if line not in want:
            score.fp += 1
            score.disagreements.append(f"{ctx.gold.label} sections: extra {line}")
    return score


# Figures ------------------------------------------------------------------------------------


def _number(value: Any) -> Decimal:
    return Decimal(str(value))


def _overlap(gold: dict, figure: ParsedFigure) -> bool:
    want = _TEXT_NOISE.sub("", gold.get("text", ""))
    got = _TEXT_NOISE.sub("", figure.text)
    return bool(want and got and (want in got or got in want))


def _describe(gold: dict) -> str:
    qualifier = gold.get("qualifier", "")
    return f"{gold['number']}{gold['unit']}{qualifier} {gold.get('subject', '')!r}"


def _describe_figure(figure: ParsedFigure) -> str:
    return f"{figure.quantity.normalize():f}{figure.unit}{figure.qualifier} {figure.subject!r}"


def _pick(gold: dict, candidates: list[tuple[int, ParsedFigure]]) -> int | None:
    if not candidates:
        return None
    overlapping = [c for c in candidates if _overlap(gold, c[1])]
    return (overlapping or candidates)[0][0]


@fact_type(
    "figures",
    description="reported figures on (number, unit, subject, qualifier); "
    "figures.year/.year_from/.kind/.scope score the matched ones",
)
def evaluate_figures(gold: list[dict], ctx: Context) -> dict[str, Score]:
    reply = _reply(ctx)
    label = ctx.gold.label
    extracted = [f for _, s in walk(reply.sections) for f in s.figures] if reply else []
    extracted += reply.figures if reply else []  # the intro's and the next steps'

    used: set[int] = set()
    pairs: dict[int, int] = {}  # gold index -> extracted index
    for gi, want in enumerate(gold):
        candidates = [
            (i, f)
            for i, f in enumerate(extracted)
            if i not in used
            and f.quantity == _number(want["number"])
            and f.unit == want["unit"]
            and f.qualifier == want.get("qualifier", "")
            and subject_matches(want, f.subject)
        ]
        if (pick := _pick(want, candidates)) is not None:
            used.add(pick)
            pairs[gi] = pick
    main = Score(tp=len(pairs))
    explained: set[int] = set()
    for gi, want in enumerate(gold):
        if gi in pairs:
            continue
        main.fn += 1
        near = [
            (i, f)
            for i, f in enumerate(extracted)
            if i not in used
            and i not in explained
            and f.quantity == _number(want["number"])
            and f.unit == want["unit"]
        ]
        if (pick := _pick(want, near)) is not None:
            explained.add(pick)
            main.disagreements.append(
                f"{label} figures: differs: gold {_describe(want)}, "
                f"extracted {_describe_figure(extracted[pick])} in “{want.get('text', '')}”"
            )
        else:
            main.disagreements.append(
                f"{label} figures: missed {_describe(want)} in “{want.get('text', '')}”"
            )
    for i, figure in enumerate(extracted):
        if i in used:
            continue
        main.fp += 1
        if i not in explained:
            main.disagreements.append(
                f"{label} figures: extra {_describe_figure(figure)} in “{figure.text}”"
            )
    year, year_from, kind, scope = [], [], [], []
    for gi, ei in pairs.items():
        want, got = gold[gi], extracted[ei]
        what = f"{_describe(want)}"
        year.append((what, want.get("year"), got.year))
        year_from.append(
            (
                what,
                want.get("year_from", "sentence"),
                "document" if got.year_assumed else "sentence",
            )
        )
        kind.append((what, want.get("kind", "result"), got.kind))
        scope.append((what, want.get("scope", ""), got.scope))
    return {
        "figures": main,
        "figures.year": accuracy(f"{label} figures.year", year),
        "figures.year_from": accuracy(f"{label} figures.year_from", year_from),
        "figures.kind": accuracy(f"{label} figures.kind", kind),
        "figures.scope": accuracy(f"{label} figures.scope", scope),
    }
