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
from rest_framework import renderers as drf_renderers
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from enterprises.models import EnterpriseTier
from policies.models import Bureau, Measure, PolicyDocument, Target, Theme
from replies.models import Reply, ReplyCoHandler, ReplySection, ReportedFigure

from . import renderers
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
        name: list(serializer(queryset(), many=True, context=context).data)
        for name, serializer, queryset in RESOURCES
    }


@dataclass
class Table:
    name: str
    columns: list[tuple[str, str]] = field(default_factory=list)  # (column, meaning)
    rows: list[dict] = field(default_factory=list)
    fields: dict[str, serializers.Field] = field(default_factory=dict)  # how lists are labelled


def _meaning(f: serializers.Field) -> str:
    label, note = str(f.label or ""), str(f.help_text or "")
    return f"{label} ({note})" if label and note else label or note


def _key_field(serializer: serializers.Serializer) -> str:
    return next((k for k in ("id", "slug") if k in serializer.fields), "")


def _list_child(f: serializers.Field) -> serializers.Serializer | None:
    child = f.child if isinstance(f, serializers.ListSerializer) else None
    return child if isinstance(child, serializers.Serializer) else None


def _add(serializer, name: str, rows: list[dict], out: dict[str, Table], owner=None) -> None:
    """`name`'s table in the API's CSV shape (renderers.serializer_columns: nested objects as
    named columns, each list one joined cell), plus a child table per list holding every item
    with the parent's key (`<name>_<field>`), recursively."""
    table = out.setdefault(name, Table(name))
    columns = renderers.serializer_columns(serializer)
    table.fields.update(columns)
    if not table.columns:
        if owner is not None:
            table.columns.append((owner[0], owner[1]))
        for column, f in columns:
            meaning = _meaning(f)
            if renderers.is_list(f):
                meaning = f"{meaning}（各项以“{renderers.JOIN}”连接；明细见 {name}_{column}.csv）"
            table.columns.append((column, meaning))
    parent = _key_field(serializer)
    lists = [(column, f) for column, f in columns if renderers.is_list(f) and "." not in column]
    for column, f in lists:
        child_name = f"{name}_{column}"
        key = (f"{name}_{parent}", f"{name}.{parent}")
        child = _list_child(f)
        if child is not None:
            out.setdefault(child_name, Table(child_name))
            _add(child, child_name, [], out, owner=key)
        else:
            out.setdefault(child_name, Table(child_name, [key, ("value", _meaning(f))]))
    for row in rows:
        flat = {owner[0]: row.get("__owner")} if owner is not None else {}
        flat.update({k: v for k, v in row.items() if k != "__owner"})
        table.rows.append(flat)
        for column, f in lists:
            child_name = f"{name}_{column}"
            items = row.get(column) or []
            if _list_child(f) is not None:
                _add(
                    _list_child(f),
                    child_name,
                    [{**item, "__owner": row[parent]} for item in items],
                    out,
                    owner=(f"{name}_{parent}", f"{name}.{parent}"),
                )
            else:
                out[child_name].rows.extend(
                    {f"{name}_{parent}": row[parent], "value": v} for v in items
                )


def tables(data: dict[str, list[dict]]) -> list[Table]:
    out: dict[str, Table] = {}
    for name, serializer, _ in RESOURCES:
        _add(serializer(), name, data[name], out)
    return list(out.values())


def readme(all_tables: list[Table]) -> str:
    lines = [
        "# 专精特新政策知识库 · open data",
        "",
        f"Exported {timezone.localtime():%Y-%m-%d %H:%M %Z}. The same data as `/api/v1/export/?format=json`",
        "and the API's lists; each `<table>.csv` has the columns of the API's `?format=csv`.",
        "CSV files are UTF-8 with a byte-order mark. Nested objects are flattened into",
        f"`field.sub` columns; a list is one cell joining its items with “{renderers.JOIN}”, and in",
        "full in `<table>_<field>.csv`, whose first column is the parent row's key. A text cell",
        "starting with =, +, -, @, a tab or a carriage return is prefixed with an apostrophe (')",
        "so that no spreadsheet runs it as a formula.",
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
            header, cells = renderers.table(table.rows, [c for c, _ in table.columns], table.fields)
            archive.writestr(f"{table.name}.csv", renderers.write_csv(header, cells))
    return buffer.getvalue()


class ZipRenderer(drf_renderers.BaseRenderer):
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
    renderer_classes = [ZipRenderer, drf_renderers.JSONRenderer]

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
            return Response(body, headers={"Content-Disposition": f'attachment; filename="{name}"'})
        name = f"zjtx-knowledge-base-{stamp}.json"
        return Response(data, headers={"Content-Disposition": f'attachment; filename="{name}"'})
