"""Error handlers: the API answers errors in JSON, the site in Chinese HTML."""

from django.http import JsonResponse
from django.views import defaults

from portal.edge import is_api


def bad_request(request, exception):
    # Django's own 400s (a malformed multipart body, too many fields, an oversized form) land
    # here; on the API they are JSON like every other error.
    if is_api(request):
        return JsonResponse({"detail": "请求有误。"}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if is_api(request):
        return JsonResponse({"detail": "您没有执行该操作的权限。"}, status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if is_api(request):
        return JsonResponse({"detail": "未找到。"}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if is_api(request):
        return JsonResponse({"detail": "服务器内部错误。"}, status=500)
    return defaults.server_error(request)
