"""Open data: the whole knowledge base as one download, built from the API's own serializers.

`/api/v1/export/` is a zip of CSV files (one table per resource; a nested list such as a
measure's bureaus becomes its own table keyed by the parent's id) with a README of every
column; `?format=json` is the same data as one JSON document."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import renderers, serializers
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_csv.renderers import CSVRenderer

from enterprises.models import EnterpriseTier
from policies.models import Bureau, Measure, PolicyDocument, Target, Theme
from replies.models import Reply, ReplyCoHandler, ReplySection, ReportedFigure

from . import serializers as s

# (name, serializer, queryset): the order of the README and of the JSON document.
RESOURCES = [
    ("documents", s.DocumentSerializer, lambda: PolicyDocument.objects.whole().order_by("pk")),
    ("measures", s.MeasureSerializer, lambda: Measure.objects.for_list()),
    (
        "bureaus",
        s.BureauSerializer,
        lambda: Bureau.objects.with_measure_counts().prefetch_related("aliases").order_by("pk"),
    ),
    (
        "tiers",
        s.TierSerializer,
        lambda: EnterpriseTier.objects.select_related("parent").ladder_order(),
    ),
    (
        "themes",
        s.ThemeSerializer,
        lambda: Theme.objects.annotate(measure_count=Count("measures", distinct=True)),
    ),
    ("targets", s.TargetSerializer, lambda: Target.objects.select_related("tier", "measure")),
    (
        "replies",
        s.ReplySerializer,
        lambda: (
            Reply.objects.select_related("bureau")
            .prefetch_related(
                Prefetch("co_handlings", queryset=ReplyCoHandler.objects.select_related("bureau")),
                Prefetch("sections", queryset=ReplySection.objects.order_by("order")),
                Prefetch("figures", queryset=ReportedFigure.objects.select_related("tier")),
            )
            .order_by("pk")
        ),
    ),
]


def knowledge_base(request=None) -> dict[str, list[dict]]:
    context = {"request": request}
    return {
        name: serializer(queryset(), many=True, context=context).data
        for name, serializer, queryset in RESOURCES
    }


@dataclass
class Table:
    name: str
    columns: list[tuple[str, str]] = field(default_factory=list)  # (column, meaning)
    rows: list[dict] = field(default_factory=list)


def _meaning(f: serializers.Field) -> str:
    label, note = str(f.label or ""), str(f.help_text or "")
    return f"{label} ({note})" if label and note else label or note


def _key_field(serializer: serializers.Serializer) -> str:
    return next((k for k in ("id", "slug") if k in serializer.fields), "")


def _layout(serializer, name: str, tables: dict[str, Table], prefix: str = "", owner=None):
    """Columns of `name` for `serializer`'s fields; nested lists become child tables."""
    table = tables.setdefault(name, Table(name))
    if owner is not None and not prefix:
        table.columns.append((owner[0], owner[1]))
    for key, f in serializer.fields.items():
        column = prefix + key
        if isinstance(f, serializers.ListSerializer):
            parent = _key_field(serializer)
            _layout(
                f.child, f"{name}_{key}", tables, owner=(f"{name}_{parent}", f"{name}.{parent}")
            )
        elif isinstance(f, serializers.ManyRelatedField | serializers.ListField):
            parent = _key_field(serializer)
            child = tables.setdefault(f"{name}_{key}", Table(f"{name}_{key}"))
            child.columns = [(f"{name}_{parent}", f"{name}.{parent}"), ("value", _meaning(f))]
        elif isinstance(f, serializers.Serializer):
            _layout(f, name, tables, prefix=f"{column}.")
        else:
            table.columns.append((column, _meaning(f)))


def _fill(serializer, name: str, rows: list[dict], tables: dict[str, Table], owner=None):
    for row in rows:
        flat: dict = {}
        if owner is not None:
            flat[owner[0]] = owner[1]
        _flatten(serializer, name, row, flat, tables, "")
        tables[name].rows.append(flat)


def _flatten(serializer, name, row, flat, tables, prefix):
    parent = _key_field(serializer)
    for key, f in serializer.fields.items():
        value = row.get(key)
        if isinstance(f, serializers.ListSerializer):
            _fill(f.child, f"{name}_{key}", value or [], tables, (f"{name}_{parent}", row[parent]))
        elif isinstance(f, serializers.ManyRelatedField | serializers.ListField):
            tables[f"{name}_{key}"].rows.extend(
                {f"{name}_{parent}": row[parent], "value": v} for v in value or []
            )
        elif isinstance(f, serializers.Serializer):
            if value is None:
                continue
            _flatten(f, name, value, flat, tables, f"{prefix}{key}.")
        else:
            flat[prefix + key] = value


def tables(data: dict[str, list[dict]]) -> list[Table]:
    out: dict[str, Table] = {}
    for name, serializer, _ in RESOURCES:
        _layout(serializer(), name, out)
        _fill(serializer(), name, data[name], out)
    return list(out.values())


def readme(all_tables: list[Table]) -> str:
    lines = [
        "# 专精特新政策知识库 · open data",
        "",
        f"Exported {timezone.localtime():%Y-%m-%d %H:%M %Z}. The same data as `/api/v1/export/?format=json`",
        "and the API's lists. CSV files are UTF-8 with a byte-order mark. A file named",
        "`<table>_<field>.csv` holds a list nested in `<table>.csv`; its first column is the",
        "parent row's key. Nested objects are flattened into `field.sub` columns.",
        "",
    ]
    for table in all_tables:
        lines += [f"## {table.name}.csv ({len(table.rows)} rows)", "", "| column | meaning |"]
        lines += ["| --- | --- |", *[f"| `{c}` | {m} |" for c, m in table.columns], ""]
    return "\n".join(lines)


def export_zip(data: dict[str, list[dict]]) -> bytes:
    all_tables = tables(data)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.md", readme(all_tables))
        for table in all_tables:
            header = [c for c, _ in table.columns]
            body = CSVRenderer().render(table.rows, renderer_context={"header": header})
            archive.writestr(f"{table.name}.csv", b"\xef\xbb\xbf" + (body or b""))
    return buffer.getvalue()


class ZipRenderer(renderers.BaseRenderer):
    media_type = "application/zip"
    format = "zip"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        # An error (e.g. throttled) while the zip was chosen: say it in plain text.
        return str((data or {}).get("detail", "")).encode()


class ExportView(APIView):
    renderer_classes = [ZipRenderer, renderers.JSONRenderer]

    @extend_schema(
        summary="The whole knowledge base: a zip of CSV files with a README, or one JSON",
        parameters=[OpenApiParameter("format", OpenApiTypes.STR, enum=["zip", "json"])],
        responses={
            (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT),
        },
    )
    def get(self, request, format=None):
        data = knowledge_base(request)
        stamp = timezone.localdate().isoformat()
        if request.accepted_renderer.format == "zip":
            name, body = f"zjtx-knowledge-base-{stamp}.zip", export_zip(data)
        else:
            name, body = f"zjtx-knowledge-base-{stamp}.json", data
        return Response(body, headers={"Content-Disposition": f'attachment; filename="{name}"'})
