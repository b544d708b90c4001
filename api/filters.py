"""Query parameters of the API lists (CONTRACT.md names them)."""

from __future__ import annotations

from django import forms
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework.filters import OrderingFilter

import search
from enterprises.models import EnterpriseTier
from policies.models import Bureau, Measure, Target
from replies.models import Reply

MAX_INT = 2**31 - 1


class GivenIntegerField(forms.IntegerField):
    """An integer parameter given empty (`?year=`) is a 400 like any other non-integer."""

    def clean(self, value):
        if value == "":
            raise forms.ValidationError("请输入一个整数。", code="invalid")
        return super().clean(value)


class ChoiceFilter(filters.ChoiceFilter):
    """One of the choices; given empty (`?kind=`) it is a 400 like any value not among them."""

    class field_class(filters.ChoiceFilter.field_class):  # noqa: N801 (django-filter's name)
        def clean(self, value):
            if value == "":
                raise forms.ValidationError("请选择一个有效的值。", code="invalid_choice")
            return super().clean(value)


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": MAX_INT})
class IntegerFilter(filters.NumberFilter):
    """A whole number in the range every database accepts (a bigger one is a 400, not a 500)."""

    field_class = GivenIntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_INT)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 9999})
class YearFilter(IntegerFilter):
    """A year a date can have: Python's dates stop at 9999 (a later one would be a 500)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 9999)
        super().__init__(*args, **kwargs)


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


def in_rank_order(queryset: QuerySet, ids: list[int]) -> QuerySet:
    """Rows whose pk is in `ids`, in that order (best first), then by pk for stability."""
    if not ids:
        return queryset.none()
    rank = Case(
        *[When(pk=pk, then=Value(pos)) for pos, pk in enumerate(ids)],
        output_field=IntegerField(),
    )
    return queryset.filter(pk__in=ids).annotate(search_rank=rank).order_by("search_rank", "pk")


class MeasureFilter(filters.FilterSet):
    number = IntegerFilter(help_text="条目序号, as in the document")
    chapter = IntegerFilter(field_name="chapter__number", help_text="章序号")
    document = IntegerFilter(field_name="document_id", help_text="文件编号")
    bureau = filters.CharFilter(
        method="filter_bureau", help_text="a responsible bureau: id, full name, short name or alias"
    )
    role = ChoiceFilter(
        choices=[("lead", "牵头"), ("co", "配合")],
        method="filter_role",
        help_text="with `bureau`: only where it leads (lead) or co-leads (co)",
    )
    tier = filters.CharFilter(
        field_name="tiers__slug", distinct=True, help_text="tier slug named by the measure"
    )
    applicable_to = filters.CharFilter(
        method="filter_applicable_to",
        help_text="tier slug: measures naming it or any tier below it on its ladder",
    )
    theme = filters.CharFilter(method="filter_theme", help_text="theme slug or name")
    q = filters.CharFilter(method="filter_q", help_text="full-text search; results best first")

    class Meta:
        model = Measure
        fields = ["number", "chapter", "document", "bureau", "role", "tier", "theme", "q"]

    def filter_bureau(self, queryset, name, value):
        role = self.form.cleaned_data.get("role")
        condition = Q(responsibilities__bureau__in=bureaus_named(value))
        if role:
            condition &= Q(responsibilities__role=role)
        return queryset.filter(condition).distinct()

    def filter_role(self, queryset, name, value):
        # Applied together with `bureau` (filter_bureau reads it); alone it means "has such a role".
        if self.form.cleaned_data.get("bureau"):
            return queryset
        return queryset.filter(responsibilities__role=value).distinct()

    def filter_applicable_to(self, queryset, name, value):
        tier = EnterpriseTier.objects.filter(slug=value).first()
        if tier is None:
            return queryset.none()
        return queryset.filter(pk__in=Measure.objects.applicable_to(tier).values("pk"))

    def filter_theme(self, queryset, name, value):
        return queryset.filter(Q(themes__slug=value) | Q(themes__name=value)).distinct()

    def filter_q(self, queryset, name, value):
        return in_rank_order(queryset, search.measure_ids_matching(value))


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
