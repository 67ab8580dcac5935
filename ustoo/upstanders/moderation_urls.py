from django.urls import path

from ustoo.upstanders import moderation_views

app_name = "upstanders_moderation"
urlpatterns = [
    path("", moderation_views.queue, name="queue"),
    path("<int:words_id>/decide/", moderation_views.decide, name="decide"),
]
