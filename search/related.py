"""Related passages: for each measure, the reply sections that speak of the same thing.

Cosine similarity of tf-idf vectors over the segmented text the search index already holds
(title words count twice), blended with the overlap of the themes both are tagged with.
Computed at ingest; rows are only rewritten when they change, so a second ingest writes nothing.
"""

from __future__ import annotations

import math
from collections import Counter

from django.db import transaction

from search.models import RelatedPassage, SearchEntry

TOP = 5  # passages kept per measure
MIN_SCORE = 0.12  # below this a "related" section is mostly shared boilerplate
THEME_WEIGHT = 0.2  # the rest is text similarity
SHARED_TERMS = 6
SYNTHETIC_PREFIX = "synth-"  # documents made by `manage.py synth` are left out


def _vector(entry: SearchEntry) -> Counter:
    counts: Counter = Counter()
    for token in entry.title_tokens.split():
        counts[token] += 2
    for token in entry.body_tokens.split():
        counts[token] += 1
    # Bare numbers (years, amounts) say nothing about the subject.
    return Counter({t: n for t, n in counts.items() if not t.isdigit()})


def _themes(entry: SearchEntry) -> set[str]:
    return {key for key in entry.facet_keys.split() if key.startswith("m:")}


def compute_related() -> dict[tuple[int, int], tuple[float, int, list[str]]]:
    """(measure id, section id) -> (score, rank, shared terms) for the pairs worth showing."""
    entries = (
        SearchEntry.objects.filter(kind__in=["measure", "reply_section"])
        .exclude(document__source_file__startswith=SYNTHETIC_PREFIX)
        .exclude(kind="reply_section", body="")
        .only("kind", "object_id", "title_tokens", "body_tokens", "facet_keys")
    )
    entries = list(entries)
    vectors = {(e.kind, e.object_id): _vector(e) for e in entries}
    df: Counter = Counter()
    for vector in vectors.values():
        df.update(vector.keys())
    n = len(vectors)
    weighted = {}
    for key, vector in vectors.items():
        w = {t: (1 + math.log(c)) * math.log(n / df[t]) for t, c in vector.items() if df[t] < n}
        norm = math.sqrt(sum(x * x for x in w.values())) or 1.0
        weighted[key] = {t: x / norm for t, x in w.items()}
    themes = {(e.kind, e.object_id): _themes(e) for e in entries}
    measures = sorted(k for k in weighted if k[0] == "measure")
    sections = sorted(k for k in weighted if k[0] == "reply_section")
    result = {}
    for m in measures:
        scored = []
        for s in sections:
            shared = weighted[m].keys() & weighted[s].keys()
            if not shared:
                continue
            contributions = {t: weighted[m][t] * weighted[s][t] for t in shared}
            cosine = sum(contributions.values())
            union = themes[m] | themes[s]
            overlap = len(themes[m] & themes[s]) / len(union) if union else 0.0
            score = (1 - THEME_WEIGHT) * cosine + THEME_WEIGHT * overlap
            if score >= MIN_SCORE:
                scored.append((score, s[1], _top_terms(contributions)))
        scored.sort(key=lambda item: (-item[0], item[1]))
        for rank, (score, section_id, terms) in enumerate(scored[:TOP], start=1):
            result[(m[1], section_id)] = (round(min(score, 1.0), 4), rank, terms)
    return result


def _top_terms(contributions: dict[str, float]) -> list[str]:
    """The shared words that weigh most, a whole word (知识产权) rather than its parts."""
    words = [t for t in contributions if not any(t != u and t in u for u in contributions)]
    words.sort(key=lambda t: (-contributions[t], t))
    return words[:SHARED_TERMS]


def rebuild_related_passages() -> int:
    """Bring RelatedPassage in line with `compute_related()`; returns rows written or deleted."""
    wanted = compute_related()
    existing = {(r.measure_id, r.section_id): r for r in RelatedPassage.objects.all()}
    stale = [r.pk for key, r in existing.items() if key not in wanted]
    new, changed = [], []
    for (measure_id, section_id), (score, rank, terms) in wanted.items():
        row = existing.get((measure_id, section_id))
        if row is None:
            new.append(
                RelatedPassage(
                    measure_id=measure_id,
                    section_id=section_id,
                    score=score,
                    rank=rank,
                    shared_terms=terms,
                )
            )
        elif (row.score, row.rank, row.shared_terms) != (score, rank, terms):
            row.score, row.rank, row.shared_terms = score, rank, terms
            changed.append(row)
    with transaction.atomic():
        if stale:
            RelatedPassage.objects.filter(pk__in=stale).delete()
        if changed:
            RelatedPassage.objects.bulk_update(changed, ["score", "rank", "shared_terms"])
        if new:
            RelatedPassage.objects.bulk_create(new)
    return len(stale) + len(changed) + len(new)
