from django.urls import path

from . import views

app_name = "alerts"
urlpatterns = [
    path("", views.signup, name="signup"),
    path("sent/", views.sent, name="sent"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<uuid:key>/", views.unsubscribe, name="unsubscribe"),
]
