"""Aggregates for analysts (`/api/v1/stats/…`): counted by the database, paginated, CSV too."""

from __future__ import annotations

from django.db.models import Count, F, Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics

from policies.models import Bureau, Responsibility, Target, Theme

from . import serializers
from .filters import StableOrderingFilter, bureaus_named
from .pagination import PageNumberPagination, check_page_parameters


class StatsView(generics.ListAPIView):
    """JSON pages hold up to 200 rows by default; `?format=csv` is the whole table at once."""

    filter_backends = [StableOrderingFilter]

    def paginate_queryset(self, queryset):
        # Aggregates are read whole: a spreadsheet wants every pair, not the first 200.
        if self.request.accepted_renderer.format == "csv":
            check_page_parameters(self.request)
            return None
        paginator = self.paginator
        assert isinstance(paginator, PageNumberPagination)
        paginator.page_size = paginator.max_page_size
        return super().paginate_queryset(queryset)


@extend_schema_view(get=extend_schema(summary="Measures led and co-led per bureau"))
class BureauStatsView(StatsView):
    serializer_class = serializers.BureauStatsSerializer
    queryset = Bureau.objects.annotate(
        led=Count("responsibilities", filter=Q(responsibilities__role="lead"), distinct=True),
        co_led=Count("responsibilities", filter=Q(responsibilities__role="co"), distinct=True),
        total=Count("responsibilities", distinct=True),
        replies_answered=Count("replies", distinct=True),
    ).values("id", "name", "short_name", "kind", "led", "co_led", "total", "replies_answered")
    ordering_fields = ["led", "co_led", "total", "replies_answered", "name", "id"]
    ordering = ["-total", "-led", "name"]
    ordering_tiebreak = ["id"]


@extend_schema_view(
    get=extend_schema(
        summary="Bureau × bureau: how many measures each pair shares",
        parameters=[
            OpenApiParameter(
                "bureau",
                OpenApiTypes.STR,
                description="only pairs with this bureau (id, name or alias)",
            )
        ],
    )
)
class CoResponsibilityView(StatsView):
    serializer_class = serializers.CoResponsibilitySerializer
    ordering_fields = ["shared", "bureau_a", "bureau_b"]
    ordering = ["-shared", "bureau_a", "bureau_b"]
    ordering_tiebreak = ["bureau_a", "bureau_b"]

    def get_queryset(self):
        # One self-join of the responsibility table; each unordered pair once (a's id < b's).
        pair = Q(measure__responsibilities__bureau_id__gt=F("bureau_id"))
        bureau = self.request.query_params.get("bureau")
        if bureau:
            ids = bureaus_named(bureau).values("pk")
            # In the same filter() call, so both conditions use the same join.
            pair &= Q(bureau_id__in=ids) | Q(measure__responsibilities__bureau_id__in=ids)
        return (
            Responsibility.objects.filter(pair)
            .values(
                bureau_a=F("bureau_id"),
                bureau_a_name=F("bureau__name"),
                bureau_b=F("measure__responsibilities__bureau_id"),
                bureau_b_name=F("measure__responsibilities__bureau__name"),
            )
            .annotate(shared=Count("measure", distinct=True))
            .order_by()
        )


@extend_schema_view(
    get=extend_schema(
        summary="Targets per tier and year",
        parameters=[serializers.TargetStatsQuerySerializer],
    )
)
class TargetStatsView(StatsView):
    serializer_class = serializers.TargetStatsSerializer
    ordering_fields = ["targets", "measures", "year", "tier_slug"]
    ordering_tiebreak = ["tier_slug", "year"]

    def get_queryset(self):
        filters = serializers.TargetStatsQuerySerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        targets = Target.objects.all()
        if "year" in filters.validated_data:
            targets = targets.filter(year=filters.validated_data["year"])
        if filters.validated_data.get("tier"):
            targets = targets.filter(tier__slug=filters.validated_data["tier"])
        return (
            targets.values("year", tier_slug=F("tier__slug"), tier_name=F("tier__name"))
            .annotate(
                targets=Count("id"),
                measures=Count("measure", distinct=True),
                tier_ladder=F("tier__ladder"),
                tier_rank=F("tier__rank"),
            )
            .order_by(
                F("tier_ladder").asc(nulls_last=True),
                F("tier_rank").asc(nulls_last=True),
                F("year").asc(nulls_last=True),
            )
        )


@extend_schema_view(get=extend_schema(summary="Measures, reply sections and bureaus per theme"))
class ThemeStatsView(StatsView):
    serializer_class = serializers.ThemeStatsSerializer
    queryset = Theme.objects.annotate(
        measure_count=Count("measures", distinct=True),
        reply_section_count=Count("reply_sections", distinct=True),
        bureau_count=Count("measures__responsibilities__bureau", distinct=True),
    ).values("slug", "name", "order", "measure_count", "reply_section_count", "bureau_count")
    ordering_fields = ["measure_count", "reply_section_count", "bureau_count", "name", "slug"]
    ordering = ["order", "name"]
    ordering_tiebreak = ["slug"]
