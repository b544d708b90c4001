"""The REST API's resources (CONTRACT.md): read-only to the public, measures editable by staff."""

from __future__ import annotations

import re

from django.db import transaction
from django.db.models import Count, F, Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, viewsets
from rest_framework.response import Response

from enterprises.models import EnterpriseTier
from policies.contacts import BureauVersionConflict, bureau_contact_update, user_can_edit_bureau
from policies.filters import MeasureFilterSet
from policies.models import Bureau, Measure, PolicyDocument, Target, Theme
from policies.services import VersionConflict, measure_update, user_can_edit_measure
from replies.models import Reply, ReplyCoHandler, ReplySection, ReportedFigure

from . import filters, serializers
from .caching import CachedJSONListMixin
from .exceptions import PreconditionFailed, PreconditionRequired
from .ingest import DocumentIngestMixin
from .schema import ERROR


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    filter_backends = [DjangoFilterBackend, filters.StableOrderingFilter]


def etag_of(obj) -> str:
    # Strong: every edit (and every ingest that changes a measure) bumps `version`, the thing
    # If-Match guards. The model's name keeps a measure's tag from passing for a bureau's.
    return f'"{obj._meta.model_name}-{obj.pk}-v{obj.version}"'


def measure_etag(measure: Measure) -> str:
    return etag_of(measure)


# If-Match compares strongly (RFC 9110 §13.1.1): a weak tag (W/"…") never matches.
_ETAG = re.compile(r'^"([a-z]+)-(\d+)-v(\d+)"$')


def expected_version(header: str | None, obj) -> int:
    """The version the client last saw, from `If-Match` (RFC 9110 §13.1.1)."""
    if not header:
        raise PreconditionRequired()
    if header.strip() == "*":
        return obj.version
    for tag in header.split(","):
        found = _ETAG.match(tag.strip())
        if found and found[1] == obj._meta.model_name and int(found[2]) == obj.pk:
            return int(found[3])
    raise PreconditionFailed(etag=etag_of(obj))


def if_match_parameter(example: str) -> OpenApiParameter:
    return OpenApiParameter(
        "If-Match",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        required=True,
        description=f"The ETag from the last GET, e.g. {example}",
    )


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
    filterset_class = MeasureFilterSet
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
        parameters=[if_match_parameter('"measure-5-v2"')],
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
        # partial: a field the body does not name is left as it is.
        write = serializers.MeasureWriteSerializer(data=request.data, partial=True)
        write.is_valid(raise_exception=True)
        # The answer is read inside the edit's transaction: it shows exactly what was committed,
        # and if reading it fails nothing is committed (the client gets a 503 and may retry).
        with transaction.atomic():
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
            data = self.get_serializer(fresh).data
        return Response(data, headers={"ETag": measure_etag(fresh)})


class CanEditBureau(permissions.BasePermission):
    message = "您不是该单位的工作人员，不能修改其联系方式。"

    def has_object_permission(self, request, view, obj):
        return request.method in permissions.SAFE_METHODS or user_can_edit_bureau(request.user, obj)


@extend_schema_view(
    list=extend_schema(summary="Bureaus with their contact cards"),
    retrieve=extend_schema(
        summary="One bureau (sends an ETag)",
        responses={200: serializers.BureauSerializer, 404: ERROR},
    ),
)
class BureauViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = Bureau.objects.with_measure_counts().prefetch_related("aliases")
    serializer_class = serializers.BureauSerializer
    filterset_class = filters.BureauFilter
    filter_backends = ReadOnlyViewSet.filter_backends
    ordering_fields = ["name", "short_name", "measure_count", "lead_count", "id"]
    ordering = ["name"]
    permission_classes = [permissions.IsAuthenticatedOrReadOnly, CanEditBureau]
    http_method_names = ["get", "patch", "head", "options"]

    def retrieve(self, request, *args, **kwargs):
        bureau = self.get_object()
        etag = etag_of(bureau)
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(self.get_serializer(bureau).data, headers={"ETag": etag})

    @extend_schema(
        summary="Edit a bureau's contact card (token of its staff, If-Match with the current ETag)",
        request=serializers.BureauWriteSerializer,
        parameters=[if_match_parameter('"bureau-3-v2"')],
        responses={
            200: serializers.BureauSerializer,
            **{code: ERROR for code in (400, 401, 403, 404, 412, 428)},
        },
    )
    def partial_update(self, request, *args, **kwargs):
        bureau = self.get_object()  # 401/403 come from the permission classes
        version = expected_version(request.headers.get("If-Match"), bureau)
        if version != bureau.version:
            raise PreconditionFailed(
                "联系方式已被他人修改：请重新获取后再提交。", etag=etag_of(bureau)
            )
        write = serializers.BureauWriteSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        with transaction.atomic():  # the answer is what was committed (see MeasureViewSet)
            try:
                bureau_contact_update(
                    bureau=bureau,
                    user=request.user,
                    data=write.service_data(),
                    expected_version=version,
                    reason="API",
                )
            except BureauVersionConflict as conflict:
                raise PreconditionFailed(
                    "联系方式已被他人修改：请重新获取后再提交。", etag=etag_of(conflict.current)
                ) from conflict
            fresh = self.get_queryset().get(pk=bureau.pk)
            data = self.get_serializer(fresh).data
        return Response(data, headers={"ETag": etag_of(fresh)})


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
        Prefetch("co_handlings", queryset=ReplyCoHandler.objects.select_related("bureau")),
        Prefetch("sections", queryset=ReplySection.objects.order_by("order")),
        Prefetch("figures", queryset=ReportedFigure.objects.select_related("tier")),
    )
    serializer_class = serializers.ReplySerializer
    filterset_class = filters.ReplyFilter
    ordering_fields = ["date", "proposal_number", "id"]
    # Undated replies last on every database (PostgreSQL would put NULLs first).
    ordering = [F("date").desc(nulls_last=True), "pk"]


class DocumentViewSet(DocumentIngestMixin, ReadOnlyViewSet):
    queryset = PolicyDocument.objects.whole()
    serializer_class = serializers.DocumentSerializer
    ordering_fields = ["published_on", "title", "id"]
    ordering = ["kind", "title", "pk"]
