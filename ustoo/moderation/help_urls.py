from django.urls import path

from ustoo.moderation import help_views

app_name = "help"
urlpatterns = [
    path("", help_views.index, name="index"),
    path("stand-with/", help_views.stand_with, name="stand_with"),
]
