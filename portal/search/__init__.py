"""One search over measures, reply sections, targets, figures and bureaus.

PROVISIONAL: a naive implementation that fixes the interface; the search issue replaces the
engine (PostgreSQL tsvector / SQLite FTS5 over jieba tokens) behind the same signature.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.html import escape


@dataclass
class Hit:
    type: str  # "measure", "reply_section", …
    id: int
    title: str
    snippet: str  # HTML: source text escaped, matched terms in <mark>
    url: str
    score: float
    extra: dict = field(default_factory=dict)  # measure: number; reply_section: reply_id, proposal_number


@dataclass
class SearchResult:
    query: str
    count: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)  # facet -> value -> count
    message: str = ""  # a note for the person searching (e.g. the query was empty or cut)


def search(
    query: str,
    *,
    types: list[str] | None = None,
    bureau: str | None = None,
    tier: str | None = None,
    theme: str | None = None,
    document: int | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchResult:
    from policies.models import Measure

    query = (query or "").strip()
    if not query:
        return SearchResult(query, 0, [], message="请输入要搜索的内容")
    qs = Measure.objects.filter(body__icontains=query) | Measure.objects.filter(title__icontains=query)
    qs = qs.distinct().order_by("number")
    total = qs.count()
    hits = [
        Hit(
            "measure",
            m.pk,
            f"{m.number}. {m.title}",
            escape(m.body[:120]).replace(escape(query), f"<mark>{escape(query)}</mark>"),
            m.get_absolute_url(),
            1.0,
            {"number": m.number},
        )
        for m in qs[offset : offset + limit]
    ]
    return SearchResult(query, total, hits)


def measure_ids_matching(query: str) -> list[int]:
    """Ids of measures matching the query, best first (the API's and list pages' `q=`)."""
    return [h.id for h in search(query, types=["measure"], limit=1000).hits]
