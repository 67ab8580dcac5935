from django.urls import path

from ustoo.moderation import views

app_name = "moderation"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("confirm/", views.confirm_passphrase, name="confirm"),
    path("flagged/", views.flagged, name="flagged"),
    path("stories/<int:story_id>/", views.review, name="review"),
    path("stories/<int:story_id>/decide/", views.decide, name="decide"),
    path("stories/<int:story_id>/slow-mode/", views.slow_mode, name="slow_mode"),
    path("members/", views.members, name="members"),
    path("members/<int:member_id>/", views.member, name="member"),
    path("log/", views.audit_log, name="log"),
]
