"""Relevance measurement: MRR and recall@5 over the query set in tests/search_queries.toml, for
our search and for the naive icontains baseline (`manage.py search_eval`, and a test that guards
a floor)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

QUERIES_FILE = Path(settings.BASE_DIR) / "tests" / "search_queries.toml"
MRR_DEPTH = 10  # a first relevant result below this rank counts as not found
RECALL_DEPTH = 5

Key = tuple[str, int]  # ("measure" | "reply_section", id)


@dataclass
class QueryScore:
    query: str
    reciprocal_rank: float
    recall: float
    found: list[Key] = field(default_factory=list)  # what came back, best first
    expected: list[Key] = field(default_factory=list)


@dataclass
class Report:
    name: str
    scores: list[QueryScore]

    @property
    def mrr(self) -> float:
        return sum(s.reciprocal_rank for s in self.scores) / len(self.scores)

    @property
    def recall_at_5(self) -> float:
        return sum(s.recall for s in self.scores) / len(self.scores)


def load_queries(path: Path = QUERIES_FILE) -> list[dict]:
    with path.open("rb") as fh:
        return tomllib.load(fh)["query"]


def resolve(ref: str) -> Key:
    """m:16 -> the measure numbered 16; s:001:专板 -> the section of fixtures/001_… so headed."""
    from policies.models import Measure
    from replies.models import ReplySection

    from .related import SYNTHETIC_PREFIX

    kind, _, rest = ref.partition(":")
    if kind == "m":
        measure = Measure.objects.exclude(document__source_file__startswith=SYNTHETIC_PREFIX).get(
            document__kind="measures", number=int(rest)
        )
        return ("measure", measure.pk)
    if kind == "s":
        doc, _, heading = rest.partition(":")
        section = ReplySection.objects.get(
            reply__document__source_file__startswith=f"{doc}_", heading__contains=heading
        )
        return ("reply_section", section.pk)
    raise ValueError(f"unknown reference {ref!r}: use m:N or s:DOC:heading")


def ours(query: str, depth: int) -> list[Key]:
    """Our ranking, with a target counted as its measure and a figure as its section."""
    from search import search

    keys: list[Key] = []
    for hit in search(query, limit=depth * 3).hits:
        if hit.type in ("measure", "reply_section"):
            key = (hit.type, hit.id)
        elif hit.type == "target":
            key = ("measure", hit.extra["measure_id"])
        elif hit.type == "figure" and hit.extra.get("section_id"):
            key = ("reply_section", hit.extra["section_id"])
        else:
            continue
        if key not in keys:
            keys.append(key)
    return keys[:depth]


def naive(query: str, depth: int) -> list[Key]:
    from .naive import naive_search

    return naive_search(query, limit=depth)[1]


def evaluate(name: str, searcher: Callable[[str, int], list[Key]], queries=None) -> Report:
    scores = []
    for item in queries if queries is not None else load_queries():
        expected = [resolve(ref) for ref in item["expect"]]
        found = searcher(item["q"], MRR_DEPTH)
        ranks = [i for i, key in enumerate(found, start=1) if key in expected]
        top = set(found[:RECALL_DEPTH])
        scores.append(
            QueryScore(
                item["q"],
                1 / ranks[0] if ranks else 0.0,
                len(top & set(expected)) / len(expected),
                found,
                expected,
            )
        )
    return Report(name, scores)
