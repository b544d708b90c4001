"""CSV that an analyst can open: one row per record, a stable column set in the JSON's order.

`?format=csv` on every API list and the open-data export's tables are written here, in one
shape: a nested object becomes named columns (`chapter.number`, `chapter.title`), a list becomes
one cell joining its items' names with "; " (the export adds a child table per list with every
field). Columns come from the view's serializer, so an empty page still has its header and a
field is never dropped because one row lacks it. Every cell that a spreadsheet would run as a
formula (starting with =, +, -, @, tab or carriage return: the OWASP rule) is prefixed with an
apostrophe. UTF-8 with a byte-order mark, so Excel reads the Chinese.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any, TypeGuard

from rest_framework import renderers, serializers
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import DefaultContentNegotiation

BOM = "\ufeff"
JOIN = "; "
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What names an item of a nested list in its one CSV cell, most readable first: a bureau by its
# short name, a chapter or measure by its title, a target or figure by its source text.
LABEL_KEYS = (
    "short_name",
    "name",
    "title",
    "heading",
    "text",
    "subject",
    "written_as",
    "reference_number",
    "slug",
    "value",
    "id",
)


def neutralise(text: str) -> str:
    """A cell a spreadsheet would evaluate as a formula, made inert (OWASP CSV injection)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _dig(item: Any, path: str) -> Any:
    for key in path.split("."):
        item = item.get(key) if isinstance(item, Mapping) else None
    return item


def item_label(item: Any, field: serializers.Field | None = None) -> str:
    """One item of a nested list as a reader would name it ("市发改委", "1. 完善梯度培育体系",
    "4000家专精特新中小企业"); a serializer may say which key with a `csv_label` attribute."""
    if not isinstance(item, Mapping):
        return "" if item is None else _scalar(item)
    child = getattr(field, "child", None)
    keys = [getattr(child, "csv_label", None), *LABEL_KEYS]
    label = next((str(v) for k in keys if k and (v := _dig(item, k)) not in (None, "")), "")
    if item.get("number") not in (None, "") and label != str(item["number"]):
        label = f"{item['number']}. {label}"
    return label


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def cell(value: Any, field: serializers.Field | None = None) -> str:
    """One value as the text of its cell."""
    if value is None:
        return ""
    if isinstance(value, Mapping):
        text = item_label(value)
    elif isinstance(value, list | tuple):
        text = JOIN.join(label for label in (item_label(v, field) for v in value) if label)
    else:
        text = _scalar(value)
    return neutralise(text)


def is_nested_object(field: serializers.Field) -> TypeGuard[serializers.Serializer]:
    return isinstance(field, serializers.Serializer)


def is_list(field: serializers.Field) -> bool:
    return isinstance(
        field, serializers.ListSerializer | serializers.ManyRelatedField | serializers.ListField
    )


def serializer_columns(
    serializer: serializers.Serializer, prefix: str = ""
) -> list[tuple[str, serializers.Field]]:
    """(column, field) in the JSON's order: nested objects flattened, lists one column each."""
    columns: list[tuple[str, serializers.Field]] = []
    for name, field in serializer.fields.items():
        if field.write_only:
            continue
        if is_nested_object(field):
            columns += serializer_columns(field, f"{prefix}{name}.")
        else:
            columns.append((prefix + name, field))
    return columns


def flatten(row: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """`{"chapter": {"number": 1}}` -> `{"chapter.number": 1}`; lists stay whole (one cell)."""
    flat: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{prefix}{key}."))
        else:
            flat[prefix + key] = value
    return flat


def table(
    rows: Iterable[Mapping[str, Any]],
    columns: Iterable[str] = (),
    fields: Mapping[str, serializers.Field] | None = None,
) -> tuple[list[str], list[list[str]]]:
    """The header and the cells: the given columns first, then any other key the rows hold
    (in the order first seen), so nothing in the JSON is left out."""
    header = list(columns)
    fields = fields or {}
    flat_rows = [flatten(row) for row in rows]
    # A nested object that is null (a reply without a bureau) leaves its columns empty.
    known = set(header) | {c.rsplit(".", 1)[0] for c in header if "." in c}
    for flat in flat_rows:
        for key in flat:
            if key not in known:
                known.add(key)
                header.append(key)
    return header, [[cell(flat.get(c), fields.get(c)) for c in header] for flat in flat_rows]


def write_csv(header: list[str], cells: Iterable[list[str]]) -> bytes:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(name) for name in header])
    writer.writerows(cells)
    return out.getvalue().encode("utf-8")


def _row_serializer(view: Any) -> serializers.Serializer | None:
    if view is None:
        return None
    serializer_class = getattr(view, "csv_row_serializer_class", None)
    if serializer_class is not None:
        return serializer_class()
    if hasattr(view, "get_serializer_class"):
        try:
            serializer = view.get_serializer()
        except (AssertionError, AttributeError, TypeError):  # a view without a serializer
            return None
        return serializer if isinstance(serializer, serializers.Serializer) else None
    return None


class PaginatedCSVRenderer(renderers.BaseRenderer):
    """`?format=csv`: the records of a list (a page's `results`), or one record as one row."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"
    results_field = "results"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        renderer_context = renderer_context or {}
        if isinstance(data, Mapping) and self.results_field in data:
            rows = data[self.results_field]
        elif isinstance(data, list):
            rows = data
        elif data is None:
            rows = []
        else:
            rows = [data]
        rows = [row if isinstance(row, Mapping) else {"value": row} for row in rows]
        serializer = _row_serializer(renderer_context.get("view"))
        columns = dict(serializer_columns(serializer)) if serializer else {}
        header, cells = table(rows, list(columns), columns)
        return write_csv(header, cells)


class ContentNegotiation(DefaultContentNegotiation):
    """`?format=` names one renderer: empty or repeated is a 404 like an unknown format (DRF
    would silently answer JSON, or the last one given)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        values = request.query_params.getlist(self.settings.URL_FORMAT_OVERRIDE or "format")
        if not format_suffix and values and (len(values) > 1 or not values[0]):
            raise NotFound("未知的格式。")
        return super().select_renderer(request, renderers, format_suffix)
