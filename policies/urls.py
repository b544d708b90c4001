from django.urls import path

from . import views

app_name = "policies"
urlpatterns = [
    path("", views.home, name="home"),
    path("measures/", views.measure_list, name="measure_list"),
    path("measures/<int:pk>/", views.measure_detail, name="measure_detail"),
    path("bureaus/<int:pk>/", views.bureau_detail, name="bureau_detail"),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
]
