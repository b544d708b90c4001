"""Reply passages related to a measure and measures related to a reply, for the pages.

The pairs are the search issue's RelatedPassage rows (tf-idf over the segmented text plus shared
themes, computed at ingest); these helpers only read them.
"""

from __future__ import annotations

from collections import defaultdict

from search.models import RelatedPassage

from .models import Measure


def related_passages(measure: Measure, limit: int = 5) -> list[RelatedPassage]:
    """The reply sections nearest to the measure, best first (one query)."""
    rows = RelatedPassage.objects.filter(measure=measure).select_related("section__reply")
    return list(rows.order_by("rank", "-score")[:limit])


def related_measures_by_section(section_ids: list[int], limit: int = 3) -> dict[int, list]:
    """For each reply section, the measures it speaks of most, best first (one query)."""
    rows = (
        RelatedPassage.objects.filter(section_id__in=section_ids)
        .select_related("measure")
        .order_by("-score", "measure__number")
    )
    found: dict[int, list] = defaultdict(list)
    for row in rows:
        if len(found[row.section_id]) < limit:
            found[row.section_id].append(row.measure)
    return found
