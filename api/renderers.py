from rest_framework import serializers
from rest_framework_csv.renderers import PaginatedCSVRenderer as _PaginatedCSVRenderer


def serializer_columns(serializer: serializers.Serializer, prefix: str = "") -> list[str]:
    """The columns a serializer's rows flatten to; nested lists have no fixed columns."""
    columns = []
    for name, field in serializer.fields.items():
        if isinstance(field, serializers.ListSerializer | serializers.ManyRelatedField):
            continue
        if isinstance(field, serializers.Serializer):
            columns += serializer_columns(field, f"{prefix}{name}.")
        else:
            columns.append(prefix + name)
    return columns


class PaginatedCSVRenderer(_PaginatedCSVRenderer):
    """CSV of a paginated list's `results`, with a BOM so spreadsheet programs read the Chinese.

    Columns keep the serializer's field order (the package would sort them alphabetically), and
    an empty list still gets its header row."""

    format = "csv"
    writer_opts = {}

    def render(self, data, media_type=None, renderer_context=None, writer_opts=None):
        if isinstance(data, dict) and self.results_field not in data:
            data = [data]
        renderer_context = dict(renderer_context or {})
        rows = data.get(self.results_field) if isinstance(data, dict) else data
        if "header" not in renderer_context:
            header: dict[str, None] = {}
            if rows:
                for item in self.flatten_data(rows):
                    header.update(dict.fromkeys(item))
            elif hasattr(view := renderer_context.get("view"), "get_serializer"):
                header.update(dict.fromkeys(serializer_columns(view.get_serializer())))
            renderer_context["header"] = list(header)
        return b"\xef\xbb\xbf" + (
            super().render(data, media_type, renderer_context, writer_opts) or b""
        )
