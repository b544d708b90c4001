from django.urls import path

from . import staff_views

app_name = "staff"
urlpatterns = [
    path("", staff_views.workspace, name="workspace"),
    path("measures/<int:pk>/edit/", staff_views.measure_edit, name="measure_edit"),
    path("measures/<int:pk>/history/", staff_views.measure_history, name="measure_history"),
    path("measures/<int:pk>/revert/", staff_views.measure_revert_view, name="measure_revert"),
    path("bureaus/<int:pk>/contact/", staff_views.bureau_contact_edit, name="bureau_contact"),
    path("searches/", staff_views.search_report, name="search_report"),
]
