"""Related passages: for each measure, the reply sections that speak of the same thing.

Cosine similarity of tf-idf vectors over the segmented text the search index already holds
(title words count three times), blended with the overlap of the themes both are tagged with.
A pair is kept when its score reaches MIN_SCORE, it is among the measure's TOP passages, and the
measure is among the section's PER_SECTION nearest measures (a section reporting on 揭榜挂帅 is
shown beside the measure about 揭榜 rather than beside every measure that says 攻关 once).
Computed at ingest; rows are only rewritten when they change, so a second ingest writes nothing.

The weights and cuts are justified by the hand-read gold (tests/gold/003.toml, `[related]`):
`python bench/related_threshold.py` prints precision and recall around them, and
`manage.py extraction_eval --db --type related` scores what ingest stored.
"""

from __future__ import annotations

import math
from collections import Counter

from django.db import transaction

from search.models import RelatedPassage, SearchEntry

TOP = 5  # passages kept per measure
PER_SECTION = 2  # a section is shown beside the measures with its 2 best scores (ties kept)
MIN_SCORE = 0.14  # below this a "related" section is mostly shared boilerplate
THEME_WEIGHT = 0.15  # the rest is text similarity
TITLE_WEIGHT = 3  # a word of a measure's title or a section's heading counts this many times
SHARED_TERMS = 6
SYNTHETIC_PREFIX = "synth-"  # documents made by `manage.py synth` are left out


def _vector(entry: SearchEntry) -> Counter:
    counts: Counter = Counter()
    for token in entry.title_tokens.split():
        counts[token] += TITLE_WEIGHT
    for token in entry.body_tokens.split():
        counts[token] += 1
    # Bare numbers (years, amounts) say nothing about the subject.
    return Counter({t: n for t, n in counts.items() if not t.isdigit()})


def _themes(entry: SearchEntry) -> set[str]:
    return {key for key in entry.facet_keys.split() if key.startswith("m:")}


def compute_related() -> dict[tuple[int, int], tuple[float, int, list[str]]]:
    """(measure id, section id) -> (score, rank, shared terms) for the pairs worth showing."""
    entries = list(
        SearchEntry.objects.filter(kind__in=["measure", "reply_section"])
        .exclude(document__source_file__startswith=SYNTHETIC_PREFIX)
        .exclude(kind="reply_section", body="")
        .only("kind", "object_id", "title_tokens", "body_tokens", "facet_keys")
    )
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
    scored: dict[tuple, list] = {}
    for m in measures:
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
                scored.setdefault(m, []).append((score, s, contributions))
    # Each section's PER_SECTION best scores: a measure below them is not what it speaks of.
    by_section: dict[tuple, list[float]] = {}
    for pairs in scored.values():
        for score, s, _ in pairs:
            by_section.setdefault(s, []).append(score)
    floor = {s: sorted(v, reverse=True)[:PER_SECTION][-1] for s, v in by_section.items()}
    result = {}
    for m, pairs in scored.items():
        kept = [(score, s[1], c) for score, s, c in pairs if score >= floor[s]]
        kept.sort(key=lambda item: (-item[0], item[1]))
        for rank, (score, section_id, contributions) in enumerate(kept[:TOP], start=1):
            result[(m[1], section_id)] = (
                round(min(score, 1.0), 4),
                rank,
                _top_terms(contributions),
            )
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
