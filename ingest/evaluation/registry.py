"""Fact types and their evaluators: one registry the command, the tests and every plugin share.

An evaluator receives the gold value of its fact type (whatever its TOML table or array holds)
and a `Context` (the source, the parsed document, and the stored one on demand), and returns one
`Score` or several named ones ({"figures": …, "figures.year": …}).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.types import ParsedPolicy, ParsedReply


@dataclass
class Score:
    tp: int = 0  # extracted and in the gold
    fp: int = 0  # extracted, not in the gold
    fn: int = 0  # in the gold, not extracted
    disagreements: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.disagreements.extend(other.disagreements)


@dataclass
class GoldDocument:
    path: Path  # the gold file
    label: str  # "000", "variants/npc_short": the gold file's path without .toml
    file: str  # the source document, relative to the project root
    kind: str  # "reply" or "policy"
    data: dict[str, Any]  # every fact-type table of the gold file


@dataclass
class Context:
    gold: GoldDocument
    source: str  # the decoded source text ("" when it could not be read)
    parsed: ParsedPolicy | ParsedReply | None  # None when the parser refused the document
    error: str = ""  # the parser's refusal

    def stored_document(self):
        """The ingested PolicyDocument for this source (needs Django and a database), or None."""
        from policies.models import PolicyDocument

        return PolicyDocument.objects.filter(source_file=Path(self.gold.file).name).first()


Evaluator = Callable[[Any, Context], "Score | dict[str, Score]"]


@dataclass(frozen=True)
class FactType:
    name: str
    evaluate: Evaluator
    description: str
    needs_db: bool  # reads what ingest stored rather than the parser's output


FACT_TYPES: dict[str, FactType] = {}


def fact_type(name: str, *, description: str, needs_db: bool = False):
    """Register an evaluator for the gold files' `name` key."""

    def register(func: Evaluator) -> Evaluator:
        if name in FACT_TYPES and FACT_TYPES[name].evaluate is not func:
            raise ValueError(f"fact type {name!r} registered twice")
        FACT_TYPES[name] = FactType(name, func, description, needs_db)
        return func

    return register


def load_plugins() -> dict[str, FactType]:
    """Import every module of this package, so each registers its fact types."""
    package = importlib.import_module(__package__)
    for info in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{__package__}.{info.name}")
    return FACT_TYPES


def pair_in_order(
    gold: list, extracted: list, matches: Callable[[Any, Any], bool]
) -> dict[int, int]:
    """Gold index -> extracted index: each gold fact, in order, takes the first extracted one not
    taken yet that `matches(gold fact, extracted fact)` says is it."""
    taken: set[int] = set()
    pairs: dict[int, int] = {}
    for gi, want in enumerate(gold):
        for i, got in enumerate(extracted):
            if i not in taken and matches(want, got):
                taken.add(i)
                pairs[gi] = i
                break
    return pairs


def accuracy(label: str, pairs: list[tuple[str, Any, Any]]) -> Score:
    """A score for single-valued facts: each (what, gold, extracted) pair is right or wrong."""
    score = Score()
    for what, gold, got in pairs:
        if gold == got:
            score.tp += 1
        else:
            score.fp += got not in (None, "", [])
            score.fn += gold not in (None, "", [])
            score.disagreements.append(f"{label} {what}: gold {gold!r}, extracted {got!r}")
    return score
