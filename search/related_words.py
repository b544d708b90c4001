"""Related words and query filler: search/data/related_words.toml plus the rows superusers add in
the admin (search.models.RelatedWord), applied when a query is parsed, so nothing is re-indexed.

The file is read once per process (it changes with a deploy). The rows are kept in the shared
cache (Redis in production) and dropped there whenever one is saved or deleted, so an edit applies
at once on every app server; CACHE_SECONDS only bounds how stale a cache without Redis can be.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.cache import cache as shared_cache
from django.db import transaction

from search.segmentation import squash

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

RELATED_FILE = Path(__file__).resolve().parent / "data" / "related_words.toml"
CACHE_KEY = "search:related-words:rows:v1"
CACHE_SECONDS = 300
MIN_CHARS = 2


@dataclass(frozen=True)
class Vocabulary:
    related: dict[str, tuple[str, ...]]  # squashed key -> related words (as written)
    filler: frozenset[str]
    version: tuple = ()  # the admin's rows it was made with: equal versions, equal vocabularies

    def words(self) -> list[str]:
        """Every key and related word, for suggestions (keys first, in file order)."""
        seen: dict[str, None] = {}
        for key, values in self.related.items():
            seen[key] = None
            for value in values:
                seen[value] = None
        return list(seen)


def parse_related_file(text: str) -> tuple[dict[str, tuple[str, ...]], frozenset[str]]:
    """The file's `[related]` table and `[filler]` words; raises ValueError on a malformed file."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"related_words.toml: {exc}") from exc
    related: dict[str, tuple[str, ...]] = {}
    for word, values in data.get("related", {}).items():
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ValueError(f"related_words.toml: {word!r} must list words in quotes")
        _merge(related, word, values)
    filler = frozenset(squash(w) for w in data.get("filler", {}).get("words", []) if squash(w))
    return related, filler


def _merge(related: dict[str, tuple[str, ...]], word: str, values) -> None:
    key = squash(word)
    if len(key) < MIN_CHARS:
        return
    merged = list(related.get(key, ()))
    for value in values:
        value = value.strip()
        if len(squash(value)) >= MIN_CHARS and squash(value) != key and value not in merged:
            merged.append(value)
    if merged:
        related[key] = tuple(merged)


@cache
def _file_vocabulary() -> tuple[dict[str, tuple[str, ...]], frozenset[str]]:
    return parse_related_file(RELATED_FILE.read_text(encoding="utf-8"))


def _rows() -> list[tuple[str, list[str]]]:
    rows = shared_cache.get(CACHE_KEY)
    if rows is None:
        from search.models import RelatedWord

        rows = [(r.word, r.related_list()) for r in RelatedWord.objects.all()]
        shared_cache.set(CACHE_KEY, rows, CACHE_SECONDS)
    return rows


def vocabulary() -> Vocabulary:
    """The file's related words with the admin's rows added, and the filler words."""
    file_related, filler = _file_vocabulary()
    rows = tuple((word, tuple(values)) for word, values in _rows())
    if (made := _made.get(rows)) is not None:
        return made
    related = dict(file_related)
    for word, values in rows:
        _merge(related, word, values)
    made = Vocabulary(related, filler, rows)
    _made.clear()  # only the latest rows are worth keeping
    _made[rows] = made
    return made


# The vocabulary last made, by the rows it was made from: a pure function of them, so keeping it
# is no state (the rows themselves always come from the shared cache or the database).
_made: dict[tuple, Vocabulary] = {}


def forget_rows() -> None:
    """Drop the cached rows now and again at commit (a reader in between may re-cache the old
    rows from its own snapshot)."""
    shared_cache.delete(CACHE_KEY)
    transaction.on_commit(lambda: shared_cache.delete(CACHE_KEY))
