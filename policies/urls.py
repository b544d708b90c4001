from django.urls import path

from . import feeds, views

app_name = "policies"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("search/feed/", feeds.SearchFeed(), name="search_feed"),
    path("measures/", views.measure_list, name="measure_list"),
    path("measures/<int:pk>/", views.measure_detail, name="measure_detail"),
    path("bureaus/", views.bureau_list, name="bureau_list"),
    path("bureaus/<int:pk>/", views.bureau_detail, name="bureau_detail"),
    path("bureaus/<int:pk>/feed/", feeds.BureauFeed(), name="bureau_feed"),
    path("themes/<slug:slug>/", views.theme_detail, name="theme_detail"),
    path("themes/<slug:slug>/feed/", feeds.ThemeFeed(), name="theme_feed"),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
]
