from django.urls import path

from . import views

app_name = "enterprises"
urlpatterns = [
    path("tiers/<slug:slug>/", views.tier_detail, name="tier_detail"),
]
