from rest_framework_csv.renderers import PaginatedCSVRenderer as _PaginatedCSVRenderer


class PaginatedCSVRenderer(_PaginatedCSVRenderer):
    """CSV of a paginated list's `results`, with a BOM so spreadsheet programs read the Chinese."""

    format = "csv"
    writer_opts = {}

    def render(self, data, media_type=None, renderer_context=None, writer_opts=None):
        if isinstance(data, dict) and "results" not in data:
            data = [data]
        body = super().render(data, media_type, renderer_context, writer_opts)
        return b"\xef\xbb\xbf" + body if body else body
