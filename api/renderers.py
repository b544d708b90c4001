from rest_framework import serializers
from rest_framework_csv.renderers import PaginatedCSVRenderer as _PaginatedCSVRenderer

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
JOIN = "; "
_LISTS = (serializers.ListSerializer, serializers.ManyRelatedField, serializers.ListField)


def _dig(item: dict, path: str):
    for key in path.split("."):
        item = item.get(key) if isinstance(item, dict) else None
    return item


def item_label(item, field: serializers.Field | None = None) -> str:
    """One item of a nested list as a reader would name it ("市发改委", "1. 完善梯度培育体系",
    "4000家专精特新中小企业"); a serializer may say which key with a `csv_label` attribute."""
    if not isinstance(item, dict):
        return "" if item is None else str(item)
    child = getattr(field, "child", None)
    keys = [getattr(child, "csv_label", None), *LABEL_KEYS]
    label = next((str(v) for k in keys if k and (v := _dig(item, k)) not in (None, "")), "")
    if item.get("number") not in (None, "") and label != str(item["number"]):
        label = f"{item['number']}. {label}"
    return label


def serializer_columns(serializer: serializers.Serializer, prefix: str = "") -> list[str]:
    """The columns a serializer's rows flatten to, in the JSON's order: a nested object gives
    named columns ("chapter.number"), a nested list one column of its items joined by "; "."""
    columns = []
    for name, field in serializer.fields.items():
        if isinstance(field, serializers.Serializer) and not isinstance(field, _LISTS):
            columns += serializer_columns(field, f"{prefix}{name}.")
        else:
            columns.append(prefix + name)
    return columns


def flatten_row(row: dict, serializer: serializers.Serializer, prefix: str = "") -> dict:
    """One record as one CSV row with the columns of `serializer_columns`."""
    out: dict = {}
    for name, field in serializer.fields.items():
        value = row.get(name) if isinstance(row, dict) else None
        if isinstance(field, _LISTS):
            out[prefix + name] = JOIN.join(item_label(v, field) for v in value or [])
        elif isinstance(field, serializers.Serializer):
            out.update(flatten_row(value or {}, field, f"{prefix}{name}."))
        else:
            out[prefix + name] = value
    return out


class PaginatedCSVRenderer(_PaginatedCSVRenderer):
    """CSV of a paginated list's `results`, with a BOM so spreadsheet programs read the Chinese.

    A list of records (a viewset) gets a stable, readable column set from its serializer: one row
    per record, nested objects as named columns, nested lists joined into one column, in the
    JSON's order (the export's tables have the same shape, with nested lists as tables of their
    own). Other answers (search, an error) keep the package's flattening, in their own order."""

    format = "csv"
    writer_opts = {}

    def render(self, data, media_type=None, renderer_context=None, writer_opts=None):
        if isinstance(data, dict) and self.results_field not in data:
            data = [data]
        renderer_context = dict(renderer_context or {})
        rows = data.get(self.results_field) if isinstance(data, dict) else data
        serializer = self._serializer(renderer_context, rows)
        if serializer is not None:
            flat = [flatten_row(row, serializer) for row in rows or []]
            renderer_context["header"] = serializer_columns(serializer)
            data = {self.results_field: flat} if isinstance(data, dict) else flat
        elif "header" not in renderer_context:
            header: dict[str, None] = {}
            for item in self.flatten_data(rows or []):
                header.update(dict.fromkeys(item))
            renderer_context["header"] = list(header)
        return b"\xef\xbb\xbf" + (
            super().render(data, media_type, renderer_context, writer_opts) or b""
        )

    @staticmethod
    def _serializer(renderer_context: dict, rows) -> serializers.Serializer | None:
        """The view's serializer, when the rows are its records (not an error or a detail)."""
        view = renderer_context.get("view")
        response = renderer_context.get("response")
        if response is not None and response.status_code >= 400:
            return None
        if not hasattr(view, "get_serializer") or not isinstance(rows, list):
            return None
        serializer = view.get_serializer()
        names = set(serializer.fields)
        if any(not isinstance(r, dict) or not set(r) <= names for r in rows):
            return None
        return serializer
