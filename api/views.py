"""The REST API's resources (CONTRACT.md): read-only to the public, measures editable by staff."""

from __future__ import annotations

import re

from django.db.models import Count, F, Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, viewsets
from rest_framework.response import Response

from enterprises.models import EnterpriseTier
from policies.models import Bureau, Measure, PolicyDocument, Target, Theme
from policies.services import VersionConflict, measure_update, user_can_edit_measure
from replies.models import Reply, ReplySection, ReportedFigure

from . import filters, serializers
from .caching import CachedJSONListMixin
from .exceptions import PreconditionFailed, PreconditionRequired
from .schema import ERROR


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    filter_backends = [DjangoFilterBackend, filters.StableOrderingFilter]


def measure_etag(measure: Measure) -> str:
    # Strong: every edit and every ingest that changes the measure bumps `version`, the thing
    # If-Match guards.
    return f'"measure-{measure.pk}-v{measure.version}"'


_ETAG = re.compile(r'^(?:W/)?"measure-(\d+)-v(\d+)"$')


def expected_version(header: str | None, measure: Measure) -> int:
    """The version the client last saw, from `If-Match` (RFC 9110 §13.1.1)."""
    if not header:
        raise PreconditionRequired()
    if header.strip() == "*":
        return measure.version
    for tag in header.split(","):
        found = _ETAG.match(tag.strip())
        if found and int(found[1]) == measure.pk:
            return int(found[2])
    raise PreconditionFailed(etag=measure_etag(measure))


class CanEditMeasure(permissions.BasePermission):
    message = "您所在单位不负责此措施，不能修改。"

    def has_object_permission(self, request, view, obj):
        return request.method in permissions.SAFE_METHODS or user_can_edit_measure(
            request.user, obj
        )


@extend_schema_view(
    list=extend_schema(summary="Measures, filtered and paginated"),
    retrieve=extend_schema(
        summary="One measure (sends an ETag)",
        responses={200: serializers.MeasureSerializer, 404: ERROR},
    ),
)
class MeasureViewSet(
    CachedJSONListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Measure.objects.for_list()
    serializer_class = serializers.MeasureSerializer
    filterset_class = filters.MeasureFilter
    filter_backends = ReadOnlyViewSet.filter_backends
    ordering_fields = ["number", "title", "updated_at", "id"]
    permission_classes = [permissions.IsAuthenticatedOrReadOnly, CanEditMeasure]
    http_method_names = ["get", "patch", "head", "options"]

    def retrieve(self, request, *args, **kwargs):
        measure = self.get_object()
        etag = measure_etag(measure)
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(self.get_serializer(measure).data, headers={"ETag": etag})

    @extend_schema(
        summary="Edit a measure (token of its bureau's staff, If-Match with the current ETag)",
        request=serializers.MeasureWriteSerializer,
        parameters=[
            OpenApiParameter(
                "If-Match",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=True,
                description='The ETag from the last GET, e.g. "measure-5-v2"',
            )
        ],
        responses={
            200: serializers.MeasureSerializer,
            **{code: ERROR for code in (400, 401, 403, 404, 412, 428)},
        },
    )
    def partial_update(self, request, *args, **kwargs):
        measure = self.get_object()  # 401/403 come from the permission classes
        version = expected_version(request.headers.get("If-Match"), measure)
        if version != measure.version:
            raise PreconditionFailed(etag=measure_etag(measure))
        write = serializers.MeasureWriteSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        try:
            # Who may change what (bureaus: superusers only) is the service's to decide.
            measure_update(
                measure=measure,
                user=request.user,
                data=write.service_data(),
                expected_version=version,
                reason="API",
            )
        except VersionConflict as conflict:
            raise PreconditionFailed(etag=measure_etag(conflict.current)) from conflict
        fresh = self.get_queryset().get(pk=measure.pk)
        return Response(self.get_serializer(fresh).data, headers={"ETag": measure_etag(fresh)})


class BureauViewSet(ReadOnlyViewSet):
    queryset = Bureau.objects.with_measure_counts().prefetch_related("aliases")
    serializer_class = serializers.BureauSerializer
    filterset_class = filters.BureauFilter
    ordering_fields = ["name", "short_name", "measure_count", "lead_count", "id"]
    ordering = ["name"]


class TierViewSet(ReadOnlyViewSet):
    queryset = EnterpriseTier.objects.select_related("parent")
    serializer_class = serializers.TierSerializer
    filterset_class = filters.TierFilter
    lookup_field = "slug"
    ordering_fields = ["ladder", "rank", "name", "slug"]
    ordering = ["ladder", "rank", "name"]


class ThemeViewSet(ReadOnlyViewSet):
    queryset = Theme.objects.annotate(measure_count=Count("measures", distinct=True))
    serializer_class = serializers.ThemeSerializer
    lookup_field = "slug"
    ordering_fields = ["order", "name", "measure_count"]
    ordering = ["order", "name"]


class TargetViewSet(ReadOnlyViewSet):
    queryset = Target.objects.select_related("tier", "measure")
    serializer_class = serializers.TargetSerializer
    filterset_class = filters.TargetFilter
    ordering_fields = ["year", "quantity", "measure", "id"]
    ordering = ["measure__document", "measure__number", "order", "pk"]


class ReplyViewSet(ReadOnlyViewSet):
    queryset = Reply.objects.select_related("bureau").prefetch_related(
        "co_bureaus",
        Prefetch("sections", queryset=ReplySection.objects.order_by("order")),
        Prefetch("figures", queryset=ReportedFigure.objects.select_related("tier")),
    )
    serializer_class = serializers.ReplySerializer
    filterset_class = filters.ReplyFilter
    ordering_fields = ["date", "proposal_number", "id"]
    # Undated replies last on every database (PostgreSQL would put NULLs first).
    ordering = [F("date").desc(nulls_last=True), "pk"]


class DocumentViewSet(ReadOnlyViewSet):
    queryset = PolicyDocument.objects.all()
    serializer_class = serializers.DocumentSerializer
    ordering_fields = ["published_on", "title", "id"]
    ordering = ["kind", "title", "pk"]
