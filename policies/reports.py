"""What people look for: the most frequent search queries and those that found nothing, from the
anonymous query log (search.SearchLog keeps the normalised text and the result count only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Max, Min
from django.utils import timezone


def user_can_see_search_report(user) -> bool:
    """Bureau staff, superusers, and analysts given the `search.view_searchlog` permission."""
    if not user.is_authenticated or not user.is_active:
        return False
    return (
        user.is_superuser
        or user.has_perm("search.view_searchlog")
        or user.bureau_memberships.exists()
    )


@dataclass
class QueryStat:
    query: str
    searches: int
    fewest: int  # the fewest results any of these searches got
    most: int
    last: datetime
    # Unanswered queries only: what related words do for it now.
    found_now: bool = False  # it would find something today
    fixed_by: list[str] = field(default_factory=list)  # related words that now find something
    could_add: list[str] = field(default_factory=list)  # words that would, as related words


# Unanswered queries re-checked on each view of the report: whether they find something now
# (one query each), and for the first few that still do not, which words would (a few more).
CHECKED_UNANSWERED = 20
SUGGESTED_UNANSWERED = 5


def check_unanswered(stats: list[QueryStat]) -> None:
    """Mark the queries a related word fixes today, and offer words for those it would."""
    from search import finds_something
    from search.query import parse_query
    from search.related_words import vocabulary
    from search.segmentation import segmenter
    from search.suggestions import nearest_words, vocabulary_words

    words = None
    suggested = 0
    for stat in stats[:CHECKED_UNANSWERED]:
        if finds_something(stat.query):
            stat.found_now = True
            stat.fixed_by = parse_query(stat.query, segmenter(), {}, vocabulary).also_searched
        elif suggested < SUGGESTED_UNANSWERED:
            suggested += 1
            words = words if words is not None else vocabulary_words()
            stat.could_add = nearest_words(stat.query, vocabulary=words)


@dataclass
class SearchReport:
    days: int
    total: int
    frequent: list[QueryStat]
    unanswered: list[QueryStat]

    @classmethod
    def build(cls, *, days: int = 30, limit: int = 50) -> SearchReport:
        from search.models import SearchLog

        logs = SearchLog.objects.filter(created_at__gte=timezone.now() - timedelta(days=days))
        grouped = logs.values("query").annotate(
            searches=Count("pk"),
            fewest=Min("result_count"),
            most=Max("result_count"),
            last=Max("created_at"),
        )
        frequent = grouped.order_by("-searches", "-last", "query")[:limit]
        # A query still counts as unanswered only if no search for it found anything.
        unanswered = grouped.filter(most=0).order_by("-searches", "-last", "query")[:limit]
        report = cls(
            days=days,
            total=logs.count(),
            frequent=[QueryStat(**row) for row in frequent],
            unanswered=[QueryStat(**row) for row in unanswered],
        )
        check_unanswered(report.unanswered)
        return report
