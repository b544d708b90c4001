"""The naive baseline search_eval and the benchmark compare against: `icontains` on the whole
query string over measures and reply sections, in document order (what the portal did first)."""

from __future__ import annotations

from django.db.models import Q


def naive_search(
    query: str, *, limit: int = 20, offset: int = 0
) -> tuple[int, list[tuple[str, int]]]:
    """(count, [(type, id), …]) for the page asked for."""
    from policies.models import Measure
    from replies.models import ReplySection

    text = (query or "").strip()
    if not text:
        return 0, []
    measures = Measure.objects.filter(Q(title__icontains=text) | Q(body__icontains=text))
    sections = ReplySection.objects.filter(Q(heading__icontains=text) | Q(text__icontains=text))
    n_measures = measures.count()
    total = n_measures + sections.count()
    page: list[tuple[str, int]] = []
    if offset < n_measures:
        ids = measures.order_by("document_id", "number").values_list("pk", flat=True)
        page += [("measure", pk) for pk in ids[offset : offset + limit]]
    if len(page) < limit:
        start = max(0, offset - n_measures)
        ids = sections.order_by("reply_id", "order").values_list("pk", flat=True)
        page += [("reply_section", pk) for pk in ids[start : start + limit - len(page)]]
    return total, page
