from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from . import stats, views
from .docs import RedocView, SwaggerView
from .export import ExportView
from .finder import FinderView
from .search import SearchView

router = DefaultRouter()
router.register("measures", views.MeasureViewSet, basename="measure")
router.register("bureaus", views.BureauViewSet, basename="bureau")
router.register("tiers", views.TierViewSet, basename="tier")
router.register("themes", views.ThemeViewSet, basename="theme")
router.register("targets", views.TargetViewSet, basename="target")
router.register("replies", views.ReplyViewSet, basename="reply")
router.register("documents", views.DocumentViewSet, basename="document")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file: no inline script for a CSP to block.
    path("docs/", SwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", RedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("search/", SearchView.as_view(), name="api-search"),
    path("finder/", FinderView.as_view(), name="api-finder"),
    path("stats/bureaus/", stats.BureauStatsView.as_view(), name="api-stats-bureaus"),
    path(
        "stats/co-responsibility/",
        stats.CoResponsibilityView.as_view(),
        name="api-stats-co-responsibility",
    ),
    path("stats/targets/", stats.TargetStatsView.as_view(), name="api-stats-targets"),
    path("stats/themes/", stats.ThemeStatsView.as_view(), name="api-stats-themes"),
    path("export/", ExportView.as_view(), name="api-export"),
    path("", include(router.urls)),
]
