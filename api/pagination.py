from rest_framework import pagination
from rest_framework.exceptions import ValidationError


def check_page_parameters(request) -> None:
    """`page` and `page_size`, when given, are one whole number from 1 each (`page` may also be
    "last"): an empty, repeated or non-numeric one is a 400 rather than silently the first page."""
    for name in ("page", "page_size"):
        values = request.query_params.getlist(name)
        if not values:
            continue
        value = values[0]
        number = value.isascii() and value.isdigit() and int(value) >= 1
        if len(values) > 1 or not (number or (name == "page" and value == "last")):
            raise ValidationError({name: "应为一个正整数。"})


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        check_page_parameters(request)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"1 to {self.max_page_size} (a larger size counts as {self.max_page_size})"
                )
        return parameters
