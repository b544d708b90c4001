"""Query parameters of the API lists (CONTRACT.md names them). The measures' filter is the one
every interface shares: policies.filters.MeasureFilterSet."""

from __future__ import annotations

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from rest_framework.filters import OrderingFilter

from enterprises.models import EnterpriseTier
from policies.filters import ChoiceFilter, IntegerFilter, YearFilter
from policies.models import Bureau, Target
from replies.models import Reply


class StableOrderingFilter(OrderingFilter):
    """`?ordering=` that always ends on the primary key, so pages never overlap or skip rows."""

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if ordering:
            # Aggregates (values() + annotate) break ties on their group keys: a pk would split
            # the groups.
            tiebreak = getattr(view, "ordering_tiebreak", ["pk"])
            return queryset.order_by(*ordering, *[f for f in tiebreak if f not in ordering])
        return queryset


def bureaus_named(value: str) -> QuerySet[Bureau]:
    """A bureau given as its id, full name, short name or any alias."""
    return Bureau.objects.identified_by(value)


class BureauFilter(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", help_text="part of the name, short name or an alias")
    kind = ChoiceFilter(choices=Bureau.Kind.choices)

    class Meta:
        model = Bureau
        fields = ["q", "kind"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(pk__in=Bureau.objects.matching(value.strip()).values("pk"))


class TierFilter(filters.FilterSet):
    ladder = filters.CharFilter()

    class Meta:
        model = EnterpriseTier
        fields = ["ladder"]


class TargetFilter(filters.FilterSet):
    tier = filters.CharFilter(field_name="tier__slug", help_text="tier slug")
    year = YearFilter()
    measure = IntegerFilter(field_name="measure_id", help_text="measure id")
    kind = ChoiceFilter(choices=Target.Kind.choices)

    class Meta:
        model = Target
        fields = ["tier", "year", "measure", "kind"]


class ReplyFilter(filters.FilterSet):
    bureau = filters.CharFilter(
        method="filter_bureau", help_text="the answering bureau: id, name or alias"
    )
    session = filters.CharFilter(lookup_expr="icontains")
    proposal_number = filters.CharFilter()
    year = YearFilter(field_name="date__year")
    kind = filters.ChoiceFilter(choices=Reply.Kind.choices)

    class Meta:
        model = Reply
        fields = ["bureau", "session", "proposal_number", "year", "kind"]

    def filter_bureau(self, queryset, name, value):
        return queryset.filter(bureau__in=bureaus_named(value))
