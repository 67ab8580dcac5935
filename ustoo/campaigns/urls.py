from django.urls import path

from ustoo.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("", views.index, name="index"),
    path("start/", views.start, name="start"),
    path("privacy/", views.privacy, name="privacy"),
    path("story-links/", views.story_links, name="story_links"),
    path("my-email/", views.member_email, name="member_email"),
    path("my-email/confirm/<str:token>/", views.confirm_email, name="confirm_email"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("signature/<str:token>/", views.signature, name="signature"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/sign/", views.sign, name="sign"),
    path("<slug:slug>/sign/member/", views.sign_as_member, name="sign_as_member"),
    path("<slug:slug>/check-your-inbox/", views.check_inbox, name="check_inbox"),
    path("<slug:slug>/support/<str:key>/", views.support, name="support"),
    path("<slug:slug>/manage/", views.manage, name="manage"),
    path("<slug:slug>/manage/edit/", views.edit, name="edit"),
    path("<slug:slug>/manage/update/", views.post_update, name="post_update"),
    path("<slug:slug>/manage/victory/", views.declare_victory, name="declare_victory"),
    path("<slug:slug>/delivery.csv", views.delivery, name="delivery"),
    path("<slug:slug>/counts.json", views.counts_json, name="counts_json"),
    path("<slug:slug>/counts.csv", views.counts_csv, name="counts_csv"),
    path("<slug:slug>/map.svg", views.map_svg, name="map"),
]
