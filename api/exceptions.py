"""Errors: every API error is JSON with a `detail` (CONTRACT.md), whatever raised it."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.views import exception_handler as drf_exception_handler


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = "修改需要 If-Match 请求头（取自该对象最近一次 GET 的 ETag）。"
    default_code = "precondition_required"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "措施已被他人修改：请重新获取后再提交。"
    default_code = "precondition_failed"

    def __init__(self, detail=None, *, etag: str = ""):
        super().__init__(detail)
        self.etag = etag


def _summary(errors, prefix: str = "") -> list[str]:
    """`{"year": ["Enter a number."]}` -> `["year: Enter a number."]`, for a one-line detail."""
    if isinstance(errors, dict):
        return [
            line
            for key, value in errors.items()
            for line in _summary(value, f"{prefix}{key}: " if key != "non_field_errors" else prefix)
        ]
    if isinstance(errors, list):
        return [line for value in errors for line in _summary(value, prefix)]
    return [f"{prefix}{errors}"]


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        # get_object_or_404's message names the model in English; say it as DRF does, in Chinese.
        exc = exceptions.NotFound()
    if isinstance(exc, DjangoValidationError):
        # A service's full_clean() speaks Django; the client should still get a 400, not a 500.
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    request = context.get("request")
    renderer = getattr(request, "accepted_renderer", None)
    if renderer is not None and renderer.format not in ("json", "api"):
        # An error asked for as CSV or a zip is still JSON (CONTRACT.md).
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type
    if isinstance(exc, PreconditionFailed) and exc.etag:
        response["ETag"] = exc.etag
    data = response.data
    if not (isinstance(data, dict) and set(data) == {"detail"}):
        # Field errors keep their structure under `errors`; `detail` is always a string.
        response.data = {"detail": "；".join(_summary(data)) or "请求有误。", "errors": data}
    return response
