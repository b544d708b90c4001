"""No dead ends: for a query that found nothing, what would find something.

Two sources: the nearest words of the search vocabulary (related words and the words they lead to,
the domain dictionary, theme and tier names), closest in characters first; and the popular
searches that found something. Every word offered is checked to find something now. Runs only
for searches without a result, at most CHECKED small searches each.
"""

from __future__ import annotations

from datetime import timedelta
from difflib import SequenceMatcher
from functools import cache

from search.segmentation import squash

NEAREST = 4  # vocabulary words offered
POPULAR = 3  # popular searches offered
CHECKED = 8  # vocabulary candidates tried
TERMS_TRIED = 3  # words of a query tried one by one
MIN_SIMILARITY = 0.3
POPULAR_DAYS = 90


@cache
def _dictionary_words() -> tuple[str, ...]:
    """The domain dictionary's words and the themes' keywords (deploy-time files)."""
    from ingest.vocab import USERDICT_FILE, theme_specs

    words = [keyword for spec in theme_specs() for keyword in spec.keywords]
    for line in USERDICT_FILE.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if parts and not parts[0].startswith("#") and len(squash(parts[0])) >= 2:
            words.append(parts[0])
    return tuple(words)


def vocabulary_words() -> list[str]:
    from enterprises.models import EnterpriseTier
    from policies.models import Theme

    from .related_words import vocabulary

    words = vocabulary().words()
    words += list(Theme.objects.values_list("name", flat=True))
    words += list(EnterpriseTier.objects.values_list("name", flat=True))
    words += _dictionary_words()
    return list(dict.fromkeys(words))


def _similarity(query: str, word: str) -> float:
    """Characters in common, in order (difflib's ratio), plus a bonus for a shared word start."""
    key = squash(word)
    if not key or key == query:
        return 0.0
    ratio = SequenceMatcher(None, query, key).ratio()
    if not set(query) & set(key):
        return 0.0
    return ratio + (0.1 if key[0] == query[0] else 0.0)


def nearest_words(
    query: str, *, limit: int = NEAREST, vocabulary: list[str] | None = None
) -> list[str]:
    """Vocabulary words near `query` that find something, nearest first (at most CHECKED
    one-row queries; pass `vocabulary_words()` when asking for several queries)."""
    from . import finds_something

    text = squash(query)
    if not text:
        return []
    words = vocabulary if vocabulary is not None else vocabulary_words()
    scored = [(s, w) for w in words if (s := _similarity(text, w)) >= MIN_SIMILARITY]
    scored.sort(key=lambda sw: (-sw[0], len(sw[1]), sw[1]))
    found: list[str] = []
    for _, word in scored[:CHECKED]:
        if finds_something(word):
            found.append(word)
            if len(found) >= limit:
                break
    return found


def popular_searches(query: str, *, limit: int = POPULAR) -> list[str]:
    """Frequent searches that found something, those sharing a character with `query` first."""
    from django.db.models import Count, Max
    from django.utils import timezone

    from search.models import SearchLog

    since = timezone.now() - timedelta(days=POPULAR_DAYS)
    rows = (
        SearchLog.objects.filter(created_at__gte=since)
        .values("query")
        .annotate(searches=Count("pk"), most=Max("result_count"))
        .filter(most__gt=0)
        .order_by("-searches", "query")[:50]
    )
    text = set(squash(query))
    popular = [r["query"] for r in rows if squash(r["query"]) != squash(query)]
    popular.sort(key=lambda q: not (set(squash(q)) & text))  # stable: by frequency within
    return popular[:limit]


def suggest(parsed) -> list[str]:
    """What to offer instead of a query that found nothing (a ParsedQuery)."""
    # The whole query first (融姿 is near 融资), then its words one by one.
    vocabulary = vocabulary_words()
    words = nearest_words(parsed.text, vocabulary=vocabulary)
    # At most TERMS_TRIED words are tried: each costs up to CHECKED one-row queries.
    terms = parsed.positive[:TERMS_TRIED] if len(parsed.positive) > 1 else []
    for term in terms if len(words) < NEAREST else []:
        for word in nearest_words(term.text, vocabulary=vocabulary):
            if word not in words:
                words.append(word)
    words = words[:NEAREST]
    for q in popular_searches(parsed.text):
        if q not in words:
            words.append(q)
    return words
