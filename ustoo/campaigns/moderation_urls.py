from django.urls import path

from ustoo.campaigns import moderation_views

app_name = "campaign_moderation"
urlpatterns = [
    path("", moderation_views.queue, name="queue"),
]
