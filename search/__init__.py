"""One search over measures, replies, reply sections, targets, reported figures and bureaus.

The API, the pages and the finder all call `search()` (or `measure_ids_matching()` for a `q=`
filter on measure lists). Behind it: jieba segmentation with the domain dictionary
(portal/segmentation.py), a query parser (query.py), and an engine per database (engine.py):
PostgreSQL's stored tsvector with a GIN index and ts_rank_cd, or SQLite's FTS5 with bm25, over
the same tokens, so both find the same entries.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from itertools import chain
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from enterprises.models import EnterpriseTier

MAX_LIMIT = 200
MAX_OFFSET = 10_000
MAX_IDS = 5_000  # measure_ids_matching: a filter, not a page


@dataclass
class Hit:
    type: str  # a registered kind (search.registry): "measure", "reply_section", …
    id: int
    title: str
    snippet: str  # HTML: source text escaped, matched terms in <mark>
    url: str
    score: float
    # measure: number; reply and reply_section: reply_id, proposal_number (and reply_title); target:
    # measure_id, number, year; figure: reply_id, proposal_number, section_id, year; bureau:
    # short_name.
    extra: dict = field(default_factory=dict)


@dataclass
class SearchResult:
    query: str
    count: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)  # facet -> value -> count
    message: str = ""  # a note for the person searching (e.g. the query was empty or cut)
    # Added by the search issue:
    facet_labels: dict[str, dict[str, str]] = field(default_factory=dict)  # facet -> value -> label
    facets_partial: bool = False  # facets count the best matches ranked, not all of them
    mode: str = "all"  # "any" when no entry had every word and entries with some are shown
    count_exact: bool = True  # False: a large count is PostgreSQL's estimate (above 500 matches)
    strategy: str = ""  # diagnostics: how the engine ranked (exact, champions@N, all)
    also_searched: list[str] = field(default_factory=list)  # related words added ("租金")
    # With no result: words and popular searches that do find something.
    suggestions: list[str] = field(default_factory=list)


PARSED_KEPT = 2048  # parsed queries kept per process


def parse(query: str):
    """`parse_query` with the process's segmenter, entities and related words, cached: the
    result is a pure function of the query, the entity names and the related words, and the
    cache is dropped whenever either of those changes."""
    from search.segmentation import segmenter

    from .entities import entity_map
    from .query import parse_query
    from .related_words import vocabulary

    if not (query or "").strip():
        return parse_query(query, segmenter(), entity_map, vocabulary)  # no vocabulary needed
    entities, vocab = entity_map(), vocabulary()
    owner = _parsed.get("owner")
    if owner is None or owner[0] is not entities or owner[1] != vocab.version:
        _parsed.clear()
    elif (parsed := _parsed.get(("q", query))) is not None:
        return parsed
    parsed = parse_query(query, segmenter(), entities, vocab)
    if len(_parsed) > PARSED_KEPT:
        _parsed.clear()
    _parsed["owner"] = (entities, vocab.version)
    _parsed[("q", query)] = parsed
    return parsed


# Parsed queries (never changed by their users) and what they were parsed with.
_parsed: dict = {}


def search(
    query: str,
    *,
    types: list[str] | None = None,
    bureau: str | int | None = None,
    tier: str | EnterpriseTier | None = None,
    theme: str | None = None,
    document: int | str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchResult:
    """Ranked hits for what a person typed, with facet counts; never raises on odd input.

    Facet filters: `types` (see Hit.type), `bureau` (id, name or any alias), `tier` (a tier, or
    its slug, name or alias: entries naming what applies to it, as policies.filters means it),
    `theme` (slug or name), `document` (id). Several words must all match; when none
    matches all of them, entries matching some are shown and `mode` is "any".
    """
    from . import engine
    from .index import flush_pending
    from .suggestions import suggest

    flush_pending()  # entries changed earlier in this transaction
    parsed = parse(query)
    result = SearchResult(parsed.text, 0, [], message=parsed.message)
    if not parsed.positive:
        return result
    result.also_searched = parsed.also_searched
    filters, problem = _filters(types, bureau, tier, theme, document)
    if problem:
        result.message = (result.message + problem).strip()
        return result
    limit = min(max(_int(limit, 20), 1), MAX_LIMIT)
    offset = min(max(_int(offset, 0), 0), MAX_OFFSET)
    ranked = engine.run(parsed.positive, parsed.negative, "all", filters, offset + limit, offset)
    if ranked.count == 0 and len(parsed.positive) > 1:
        ranked = engine.run(
            parsed.positive, parsed.negative, "any", filters, offset + limit, offset
        )
        if ranked.count:
            result.mode = "any"
            result.message += "没有同时包含全部词语的结果，以下结果包含其中部分词语。"
    result.count = ranked.count
    result.count_exact = ranked.count_exact
    result.strategy = ranked.strategy
    result.facets, result.facet_labels = _facets(ranked.rows)
    result.facets_partial = len(ranked.rows) < ranked.count
    result.hits = _hits(ranked.rows[offset : offset + limit], parsed.highlights)
    if not ranked.count:
        if not result.message:
            result.message = "没有找到匹配的结果。"
        unfiltered = not (filters.tokens or filters.any_tokens or filters.kinds)
        if unfiltered and filters.document_id is None:
            result.suggestions = suggest(parsed)
    return result


def finds_something(query: str) -> bool:
    """Whether a search for `query` (related words applied) has at least one result."""

    from . import engine

    parsed = parse(query)
    if not parsed.positive:
        return False
    # A search falls back to entries with some of the words: any of them is enough.
    return engine.exists(parsed.positive, parsed.negative, "any")


def measure_ids_matching(query: str) -> list[int]:
    """Ids of measures matching the query, best first (the API's and list pages' `q=`).

    Every word must match (no fallback to some of them: this is a filter); at most MAX_IDS.
    """
    from . import engine
    from .index import flush_pending

    flush_pending()
    parsed = parse(query)
    if not parsed.positive:
        return []
    filters = engine.Filters(kinds=["measure"])
    ranked = engine.run(parsed.positive, parsed.negative, "all", filters, MAX_IDS)
    return [row.object_id for row in ranked.rows[:MAX_IDS]]


def log_search(query: str, count: int) -> None:
    """Record a search for the staff report: the normalised query and the result count only."""
    from search.models import SearchLog
    from search.segmentation import normalize

    text = " ".join(normalize(query or "").split())[:200]
    if text:
        SearchLog.objects.create(query=text, result_count=max(int(count), 0))


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _filters(types, bureau, tier, theme, document):
    """Resolve facet filters; returns (Filters, "") or (None, a message for the person)."""
    from django.db.models import Q

    from enterprises.models import EnterpriseTier
    from policies.filters import TierField
    from policies.models import Bureau, Theme

    from . import registry
    from .engine import Filters
    from .entities import bureau_token, theme_token, tier_token

    filters = Filters()
    if types:
        wanted = [types] if isinstance(types, str) else list(types)
        filters.kinds = [k for k in registry.names() if k in wanted]
        if not filters.kinds:
            return None, f"未知的结果类型：{'、'.join(map(str, wanted))}。"
    if bureau not in (None, ""):
        key = str(bureau).strip()
        pk = Bureau.objects.identified_by(key).values_list("pk", flat=True).first()
        if pk is None:
            return None, f"未找到单位：{key}。"
        filters.tokens.append(bureau_token(pk))
    if tier not in (None, ""):
        found = tier if isinstance(tier, EnterpriseTier) else TierField().known().get(str(tier))
        if found is None:
            return None, f"未找到企业梯度：{tier}。"
        # What applies to the tier (policies.filters): entries naming it or a tier it stands on.
        standing = EnterpriseTier.objects.standing(found)
        filters.any_tokens.append([tier_token(s.tier.pk) for s in standing])
    if theme not in (None, ""):
        pk = (
            Theme.objects.filter(Q(slug=theme) | Q(name=theme)).values_list("pk", flat=True).first()
        )
        if pk is None:
            return None, f"未找到主题：{theme}。"
        filters.tokens.append(theme_token(pk))
    if document not in (None, ""):
        doc = _int(document, -1)
        if doc < 0:
            return None, f"文件编号无效：{document}。"
        filters.document_id = doc
    return filters, ""


_FACET_PREFIXES = {"b": "bureau", "t": "tier", "m": "theme", "d": "document"}


@functools.lru_cache(maxsize=4096)
def _keys(facet_keys: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """An entry's facet keys, and the slugs of the tiers among them. Entries share few distinct
    keys strings (one document's provisions, one template's), so each is split once a process:
    the keys it gives are the same strings every time, their hashes already made."""
    keys = tuple(facet_keys.split())
    return keys, frozenset(key[2:] for key in keys if key.startswith("t:"))


def _facets(rows) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, str]]]:
    from collections import Counter

    from . import registry
    from .entities import facet_labels

    counts: dict[str, dict[str, int]] = {f: {} for f in ("type", "bureau", "tier", "theme")}
    labels: dict[str, dict[str, str]] = {f: {} for f in ("type", "bureau", "tier", "theme")}
    counts["document"], labels["document"] = {}, {}
    kind_labels = registry.labels()
    for kind, n in Counter(row.kind for row in rows).most_common():
        counts["type"][kind] = n
        labels["type"][kind] = str(kind_labels.get(kind, kind))
    # Each row's keys as split once (_keys), all counted in C.
    keys = Counter(chain.from_iterable(_keys(row.facet_keys)[0] for row in rows))
    known = facet_labels() if keys else {}
    for key, n in sorted(keys.items(), key=lambda kv: (-kv[1], kv[0])):
        prefix, _, value = key.partition(":")
        facet = _FACET_PREFIXES.get(prefix)
        if facet and facet != "tier":
            counts[facet][value] = n
            labels[facet][value] = known.get(key, value)
    if any(key.startswith("t:") for key in keys):
        counts["tier"], labels["tier"] = _tier_facet(rows, known)
    return counts, labels


def _tier_facet(rows, known: dict[str, str]) -> tuple[dict[str, int], dict[str, str]]:
    """Per tier, how many rows the `tier` filter would keep: those naming the tier or a tier it
    stands on (EnterpriseTierQuerySet.standing), so a facet's count is what clicking it shows."""
    from collections import Counter

    from .entities import tier_reach

    # Rows name few distinct sets of tiers: count the rows per set, then add up per tier the
    # sets it reaches, instead of meeting every row's set with every tier's reach.
    named = Counter(_keys(row.facet_keys)[1] for row in rows)
    named.pop(frozenset(), None)
    counts: dict[str, int] = {}
    for slug, reach in tier_reach().items():
        if n := sum(count for slugs, count in named.items() if not slugs.isdisjoint(reach)):
            counts[slug] = n
    order = sorted(counts, key=lambda slug: (-counts[slug], slug))
    return {slug: counts[slug] for slug in order}, {s: known.get(f"t:{s}", s) for s in order}


def _hits(rows, highlights: list[str]) -> list[Hit]:
    from search.models import SearchEntry

    from .snippets import snippet

    # The engine reads the page's entries with the ranking; any it did not are read here, as
    # plain values, not model instances: this runs on every search.
    missing = [row.id for row in rows if row.entry is None]
    entries = {}
    if missing:
        values = SearchEntry.objects.filter(pk__in=missing).values_list(
            "id", "title", "body", "url", "extra"
        )
        entries = {pk: rest for pk, *rest in values}
    hits = []
    for row in rows:
        entry = row.entry or entries.get(row.id)
        if entry is None:  # deleted between the ranking and this query
            continue
        title, body, url, extra = entry
        hits.append(
            Hit(
                row.kind,
                row.object_id,
                title,
                snippet(body or title, highlights),
                url,
                round(row.score, 6),
                dict(extra),
            )
        )
    return hits
