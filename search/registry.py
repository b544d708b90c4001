"""What is searchable: each app registers its kinds of entry in its `search_indexes.py` (as
Councilmatic's haystack_indexes.py), found at start-up by `SearchConfig.ready()`. The index
(what an entry is made from), the engine (the order of kinds), the facets and the labels, the
search page's type filter and the `reindex` command all read this registry, never a list of
their own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

# Targets and reported figures are one clause of a measure or section, and a heading without
# text of its own only announces its subsections: all are short, so they would outrank the
# passages that say more. They count for half.
PART_BOOST = 0.5


@dataclass
class Source:
    """What an entry is made from, before segmentation."""

    kind: str
    object_id: int
    document: tuple[int, str] | None
    title: str  # shown
    title_text: str  # segmented with the title weight
    body: str
    url: str
    extra: dict = field(default_factory=dict)
    bureaus: list[tuple[int, str]] = field(default_factory=list)  # (id, short name)
    tiers: list[tuple[int, str, str]] = field(default_factory=list)  # (id, slug, name)
    themes: list[tuple[int, str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class SearchKind:
    name: str  # the entry's `kind`, the API's `type`
    label: str  # what people read (facets, the type filter)
    model: str  # "app_label.Model" whose objects the entries describe
    sources: Callable[[list[int]], Iterator[Source]]  # ids -> the Sources of those that exist
    order: int  # where the kind is listed when nothing ranks (substring-only queries)
    # Multiplies the rank: a number, or a function of the Source (a bare heading counts less).
    boost: float | Callable[[Source], float] = 1.0
    # The first bureau is the lead: its entity token weighs like the title (measures).
    lead_bureau: bool = False

    def boost_for(self, source: Source) -> float:
        return self.boost(source) if callable(self.boost) else float(self.boost)

    def model_class(self):
        from django.apps import apps

        return apps.get_model(self.model)


_kinds: dict[str, SearchKind] = {}


def register(*kinds: SearchKind) -> None:
    for kind in kinds:
        existing = _kinds.get(kind.name)
        if existing is not None and existing != kind:
            raise ValueError(f"search kind {kind.name!r} registered twice")
        _kinds[kind.name] = kind


def unregister(name: str) -> None:
    _kinds.pop(name, None)


def kinds() -> list[SearchKind]:
    return sorted(_kinds.values(), key=lambda k: (k.order, k.name))


def names() -> list[str]:
    return [k.name for k in kinds()]


def get(name: str) -> SearchKind:
    return _kinds[name]


def labels() -> dict[str, str]:
    """Kind -> label, in listing order."""
    return {k.name: k.label for k in kinds()}


def choices() -> list[tuple[str, str]]:
    """For SearchEntry.kind (a callable, so the model never lists the kinds itself)."""
    return [(k.name, k.label) for k in kinds()]


def order_case(column: str = "e.kind") -> str:
    """SQL ranking the kinds in listing order (names are identifiers, never user input)."""
    whens = " ".join(f"WHEN '{k.name}' THEN {n}" for n, k in enumerate(kinds()))
    return f"CASE {column} {whens} ELSE {len(_kinds)} END"


# Helpers for the apps' sources.


def refs(objects: Iterable) -> list[tuple[int, str, str]]:
    """(id, slug, name) of tiers or themes."""
    return [(o.pk, o.slug, o.name) for o in objects]


def document_ref(document) -> tuple[int, str] | None:
    return (document.pk, document.title) if document is not None else None
