"""`POST /api/v1/documents/`: take in a document through the same plan and rules as the
command and the upload page; `?dry_run=1` answers the plan and writes nothing."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotAuthenticated, PermissionDenied, ValidationError
from rest_framework.parsers import BaseParser, FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from ingest import rules
from ingest.errors import IngestError, IngestForbidden
from ingest.formats import ACCEPTED
from ingest.models import IngestRun
from ingest.parse import KINDS
from ingest.service import FileReport, Source, ingest_sources

from .schema import ERROR


class _Corrections(serializers.Serializer):
    kind = serializers.ChoiceField(choices=KINDS, required=False, help_text="parse as this kind")
    bureau = serializers.CharField(
        required=False, max_length=100, help_text="answering bureau of a reply (any name or alias)"
    )
    date = serializers.DateField(required=False, help_text="date of a reply")
    number = serializers.RegexField(
        r"^\d{4,12}$", required=False, help_text="proposal number of a reply"
    )
    allow_removals = serializers.BooleanField(
        required=False, default=False, help_text="accept removals (superusers only)"
    )


class DocumentUploadSerializer(_Corrections):
    file = serializers.FileField(help_text=f"the document: {ACCEPTED}")


class DocumentTextSerializer(_Corrections):
    text = serializers.CharField(trim_whitespace=False, help_text="the document's full text")
    name = serializers.CharField(
        max_length=200,
        required=False,
        help_text="file name it is held under (the same name again updates it)",
    )


class PlanItemSerializer(serializers.Serializer):
    what = serializers.CharField()
    key = serializers.CharField()
    # DRF's metaclass takes declared fields off the class, so these names do not shadow
    # Field.label and Serializer.fields at run time; the stubs cannot see that.
    label = serializers.CharField()  # type: ignore[assignment]
    fields = serializers.ListField(child=serializers.CharField(), required=False)  # type: ignore[assignment]
    reason = serializers.CharField(required=False)


class PlanSerializer(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.CharField(help_text="measures or cppcc_reply")
    action = serializers.CharField(help_text="create, update, unchanged or duplicate")
    status = serializers.CharField(
        help_text="created, updated, unchanged, duplicate, or planned for a dry run"
    )
    dry_run = serializers.BooleanField()
    summary = serializers.CharField()
    message = serializers.CharField()
    document = serializers.IntegerField(allow_null=True)
    url = serializers.CharField(allow_null=True, help_text="the document's page, once written")
    run = serializers.IntegerField(help_text="the ingest log entry")
    created = PlanItemSerializer(many=True)
    changed = PlanItemSerializer(many=True)
    removed = PlanItemSerializer(many=True)
    kept = PlanItemSerializer(many=True, help_text="staff edits kept against the new text")
    warnings = serializers.ListField(child=serializers.CharField())
    new_bureaus = serializers.ListField(child=serializers.CharField())
    preview = serializers.DictField(help_text="what the document says, as parsed")


class DocumentIngestMixin:
    """`create` for the documents viewset."""

    parser_classes: Sequence[type[BaseParser]] = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        summary="Take in a document (plan, then apply)",
        description=(
            "Plans an ingest of the document and, unless `dry_run=1`, applies it: the same "
            "rules as `manage.py ingest` and the upload page. Removals need "
            "`allow_removals=true` and a superuser; policy documents need a superuser; bureau "
            "staff take in replies in their own bureau's name. A refusal is 400 with `detail` "
            "(403 when it is a permission), and nothing is written."
        ),
        parameters=[
            OpenApiParameter(
                "dry_run",
                OpenApiTypes.BOOL,
                description="answer the plan, write nothing",
            )
        ],
        request={
            "multipart/form-data": DocumentUploadSerializer,
            "application/json": DocumentTextSerializer,
        },
        responses={
            200: PlanSerializer,
            201: PlanSerializer,
            400: ERROR,
            401: ERROR,
            403: ERROR,
            413: ERROR,
        },
    )
    def create(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            raise NotAuthenticated()
        dry_run = request.query_params.get("dry_run", "").lower() in ("1", "true", "yes")
        upload = request.FILES.get("file")
        if upload is not None:
            if upload.size > settings.INGEST_MAX_BYTES:
                return _refusal(
                    _size_message(upload.size), status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
                )
            form: _Corrections = DocumentUploadSerializer(data=request.data)
        else:
            form = DocumentTextSerializer(data=request.data)
        if not form.is_valid():
            raise ValidationError(form.errors)
        data = form.validated_data
        if upload is not None:
            source = Source(upload.name[:200], upload.read(settings.INGEST_MAX_BYTES + 1))
        else:
            text = data["text"].encode("utf-8")
            if len(text) > settings.INGEST_MAX_BYTES:
                return _refusal(_size_message(len(text)), status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
            name = data.get("name") or f"pasted-{rules.text_fingerprint(data['text'])[:12]}.txt"
            source = Source(name, text)
        corrections = {
            key: (value.isoformat() if key == "date" else value)
            for key, value in data.items()
            if key in ("kind", "bureau", "date", "number")
        }
        try:
            report = ingest_sources(
                [source],
                user=request.user,
                via=IngestRun.Via.API,
                dry_run=dry_run,
                allow_removals=data.get("allow_removals", False),
                corrections=corrections,
            )
        except IngestForbidden as exc:
            raise PermissionDenied(str(exc)) from None
        except IngestError as exc:
            return _refusal(str(exc), status.HTTP_400_BAD_REQUEST)
        result = report.files[0]
        body = {**result.run.plan, **_outcome(result, dry_run)}
        code = status.HTTP_201_CREATED if result.status == "created" else status.HTTP_200_OK
        return Response(PlanSerializer(body).data, status=code)


def _size_message(size: int) -> str:
    try:
        rules.check_size(size)
    except IngestError as exc:
        return str(exc)
    return ""


def _refusal(detail: str, code: int) -> Response:
    return Response({"detail": detail}, status=code)


def _outcome(result: FileReport, dry_run: bool) -> dict:
    run = result.run
    document = run.document
    url = None
    if document is not None and not dry_run:
        reply = getattr(document, "reply", None)
        url = (reply or document).get_absolute_url()
    return {
        "status": result.status,
        "dry_run": dry_run,
        "message": result.message,
        "document": run.document_id,
        "url": url,
        "run": run.pk,
    }
