"""`/api/v1/finder/`: the policy finder's answer (CONTRACT.md), from the same `find_measures`
and the same FilterSet as the /finder/ page; strict where the page is lenient: an unknown tier,
industry or need is a 400 naming the accepted values."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.views import APIView

from enterprises.finder import FinderFilterSet, FinderMatch, FinderQuery, find_measures
from ingest.vocab import industry_specs, theme_specs, tier_specs
from policies.contacts import responsibility_contact
from policies.filters import TIER_HELP
from policies.models import Measure, Responsibility

from .pagination import PageNumberPagination
from .schema import ERROR


class FinderMeasureSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField(help_text="条目序号, as in the document")
    title = serializers.CharField()
    url = serializers.URLField(help_text="its HTML page")


class FinderBureauSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class FinderContactSerializer(serializers.Serializer):
    bureau = FinderBureauSerializer()
    role = serializers.ChoiceField(choices=Responsibility.Role.choices)
    office = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(help_text="the bureau's, or 12345 where `hotline` is true")
    address = serializers.CharField(allow_blank=True)
    website = serializers.CharField(allow_blank=True)
    hotline = serializers.BooleanField(
        help_text="true: the bureau has no phone yet; 12345 (武汉市12345政务服务便民热线) stands in"
    )


class FinderResultSerializer(serializers.Serializer):
    measure = FinderMeasureSerializer()
    score = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField(), help_text="why, in words")
    benefits = serializers.ListField(
        child=serializers.CharField(),
        help_text="what it offers: the staff's 申报指南 lines first, then the terms its text states",
    )
    contacts = FinderContactSerializer(many=True, help_text="the responsible bureaus, lead first")


class FinderResponseSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = FinderResultSerializer(many=True)


def _parameter(name: str, slugs: list[str], description: str, many: bool = False):
    return OpenApiParameter(
        name,
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        description=description,
        enum=slugs,
        many=many,
        explode=True if many else None,
    )


class FinderView(APIView):
    """Ranked measures for an owner's tier, industry and needs, with why, what each offers and
    whom to call."""

    pagination_class = PageNumberPagination
    csv_row_serializer_class = FinderResultSerializer  # `?format=csv`: one row per measure

    @extend_schema(
        summary="适用政策查询: what applies to an enterprise, best first, and whom to call",
        parameters=[
            _parameter("tier", [t.slug for t in tier_specs()], TIER_HELP),
            _parameter(
                "industry",
                [i.slug for i in industry_specs()],
                "industry slug: measures naming it or its chain first, then those for every "
                '"965" chain; never narrows',
            ),
            _parameter(
                "need",
                [t.slug for t in theme_specs()],
                "theme slug, repeatable: measures meeting at least one",
                many=True,
            ),
        ],
        responses={200: FinderResponseSerializer, 400: ERROR, 404: ERROR},
    )
    def get(self, request):
        filterset = FinderFilterSet(request.query_params, queryset=Measure.objects.all())
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        result = find_measures(FinderQuery.of(filterset))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(result.matches, request, view=self)
        return paginator.get_paginated_response([self.row(m, request) for m in page or []])

    @staticmethod
    def row(match: FinderMatch, request) -> dict:
        measure = match.measure
        return {
            "measure": {
                "id": measure.pk,
                "number": measure.number,
                "title": measure.title,
                "url": request.build_absolute_uri(measure.get_absolute_url()),
            },
            "score": match.score,
            "reasons": match.reasons,
            "benefits": match.benefits,
            "contacts": [responsibility_contact(r) for r in measure.responsibilities.all()],
        }
