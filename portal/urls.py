from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("portal.api.urls")),
    path("", include("policies.urls")),
    path("", include("enterprises.urls")),
    path("", include("replies.urls")),
]
