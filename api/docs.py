"""The interactive API docs (Swagger UI and Redoc from local static files)."""

from django.http import HttpResponse
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView


class _DocsPage:
    """OPTIONS on a docs page: the allowed methods, not DRF's metadata rendered through the
    page's HTML template (which has none for it: a 500)."""

    def options(self, request, *args, **kwargs):
        return HttpResponse(headers={"Allow": "GET, HEAD, OPTIONS"})


class SwaggerView(_DocsPage, SpectacularSwaggerSplitView):
    pass


class RedocView(_DocsPage, SpectacularRedocView):
    pass
