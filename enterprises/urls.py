from django.urls import path

from policies.feeds import TierFeed

from . import views

app_name = "enterprises"
urlpatterns = [
    path("finder/", views.finder, name="finder"),
    path("targets/", views.targets, name="targets"),
    path("tiers/<slug:slug>/", views.tier_detail, name="tier_detail"),
    path("tiers/<slug:slug>/feed/", TierFeed(), name="tier_feed"),
]
