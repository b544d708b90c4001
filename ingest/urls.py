from django.urls import path

from . import views

app_name = "ingest"
urlpatterns = [
    path("documents/new/", views.document_new, name="document_new"),
    path("documents/new/<int:pk>/", views.document_plan, name="document_plan"),
    path("ingests/", views.run_list, name="run_list"),
    path("ingests/<int:pk>/", views.run_detail, name="run_detail"),
    path("ingests/<int:pk>/original/", views.run_original, name="run_original"),
]
