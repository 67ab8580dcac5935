from django.urls import path

from ustoo.campaigns import moderation_views

app_name = "campaign_moderation"
urlpatterns = [
    path("", moderation_views.queue, name="queue"),
    path("log/", moderation_views.log, name="log"),
    path("<int:campaign_id>/", moderation_views.review, name="review"),
    path("<int:campaign_id>/decide/", moderation_views.decide, name="decide"),
    path("<int:campaign_id>/integrity/", moderation_views.integrity, name="integrity"),
    path("<int:campaign_id>/invalidate/", moderation_views.invalidate, name="invalidate"),
    path("<int:campaign_id>/response/", moderation_views.response, name="response"),
    path("<int:campaign_id>/delivery/", moderation_views.delivery, name="delivery"),
]
