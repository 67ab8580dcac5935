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
    path(
        "<int:campaign_id>/decision-maker-email/",
        moderation_views.decision_maker_email,
        name="decision_maker_email",
    ),
    path("<int:campaign_id>/asked/", moderation_views.asked_by_other_means, name="asked_by_other_means"),
    path(
        "<int:campaign_id>/signers/<int:signature_id>/hide/", moderation_views.hide_signer, name="hide_signer"
    ),
    path("<int:campaign_id>/followed-up/", moderation_views.escalation_followed_up, name="followed_up"),
]
