"""The edge: input no view can take is refused here, once, before any view runs.

PostgreSQL cannot store NUL, and an unpaired surrogate cannot be encoded as UTF-8 at all, so a
path, query parameter or JSON string holding one would fail deep inside a view (a 500). Deeply
nested JSON would exhaust the parser's recursion. Each gets a 400 here instead: JSON under
/api/ (CONTRACT.md: errors are `{"detail": …}`), the Chinese 400 page on the site. A body over
DATA_UPLOAD_MAX_MEMORY_SIZE gets a 413, JSON under /api/ too.

A lost database connection (a restart, a failover, pg_terminate_backend) is not the client's
fault nor a bug: the request gets a 503 with Retry-After, and the connection is replaced before
the next request (Django closes an unusable one when the request ends).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import DataError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5

# Nesting a client could mean: a measure with targets with a tier is 4 deep.
DEFAULT_JSON_MAX_DEPTH = 32
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_JSON_TYPES = re.compile(r"^application/(?:[\w.+-]+\+)?json$")


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def refuse(request: HttpRequest, status: int, detail: str) -> HttpResponse:
    """The error answer in the request's world: JSON on the API, the site's page elsewhere."""
    if is_api(request):
        return JsonResponse({"detail": detail}, status=status)
    response = defaults.bad_request(request, SuspiciousOperation(detail))
    response.status_code = status
    return response


def unavailable(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: the database is away for a moment."""
    if is_api(request):
        response: HttpResponse = JsonResponse(
            {"detail": "数据库暂时不可用，请稍后重试。"}, status=503
        )
    else:
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def unstorable(text: str) -> bool:
    """True when `text` holds NUL or an unpaired surrogate (no database or encoder takes it)."""
    return _UNSTORABLE.search(text) is not None


def _strings(value: Any, max_depth: int) -> Iterator[str]:
    """Every key and string in a parsed JSON value; ValueError past `max_depth` levels."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > max_depth:
                raise ValueError(depth)
            if isinstance(item, dict):
                yield from item.keys()
                stack.extend((v, depth + 1) for v in item.values())
            else:
                stack.extend((v, depth + 1) for v in item)
        elif isinstance(item, str):
            yield item


def json_problem(body: bytes, max_depth: int) -> str:
    """Why this JSON body cannot be taken, or "" (malformed JSON is left to the parser, which
    says where it breaks)."""
    try:
        value = json.loads(body)
    except RecursionError:
        return f"JSON 嵌套过深（最多 {max_depth} 层）。"
    except ValueError:
        return ""
    try:
        if any(unstorable(text) for text in _strings(value, max_depth)):
            return "JSON 中含有无法保存的字符（NUL 或不成对的代理码位）。"
    except ValueError:
        return f"JSON 嵌套过深（最多 {max_depth} 层）。"
    return ""


class EdgeMiddleware:
    """First after SecurityMiddleware: nothing below it sees NUL, lone surrogates or deep JSON."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            problem = self.problem(request)
        except RequestDataTooBig:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            return refuse(request, 413, f"请求体过大（最多 {limit} 字节）。")
        except SuspiciousOperation as exc:  # e.g. too many query parameters
            return refuse(request, 400, f"请求有误：{exc}")
        if problem:
            return refuse(request, 400, problem)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OperationalError | InterfaceError):
            log.warning(
                "Database unavailable during %s %s: %s", request.method, request.path, exception
            )
            return unavailable(request)
        if isinstance(exception, DataError):
            # A value the database refuses (out of range, too long) that validation let through.
            log.warning(
                "Database refused a value in %s %s: %s", request.method, request.path, exception
            )
            return refuse(request, 400, "提交的数据超出了允许的范围。")
        return None

    def problem(self, request: HttpRequest) -> str:
        if unstorable(request.path):
            return "地址中含有无法处理的字符（NUL 或不成对的代理码位）。"
        for key, values in request.GET.lists():
            if unstorable(key) or any(unstorable(v) for v in values):
                return (
                    f"查询参数 {_printable(key)} 中含有无法处理的字符（NUL 或不成对的代理码位）。"
                )
        if _JSON_TYPES.match(request.content_type or "") and request.method not in ("GET", "HEAD"):
            max_depth = getattr(settings, "JSON_MAX_DEPTH", DEFAULT_JSON_MAX_DEPTH)
            return json_problem(request.body, max_depth)  # request.body enforces the size limit
        return ""


def _printable(text: str) -> str:
    return repr(_UNSTORABLE.sub("?", text)[:40])
