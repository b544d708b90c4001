from django.urls import path

from . import views

app_name = "replies"
urlpatterns = [
    path("replies/<int:pk>/", views.reply_detail, name="reply_detail"),
]
