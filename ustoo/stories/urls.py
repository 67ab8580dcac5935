from django.urls import path

from ustoo.stories import views

app_name = "stories"
urlpatterns = [
    path("", views.wall, name="wall"),
    path("speak/", views.speak, name="speak"),
    path("speak/story/", views.share_story, name="share"),
    path("stories/<int:story_id>/", views.detail, name="detail"),
    path("stories/<int:story_id>/stand-with/", views.stand_with, name="stand_with"),
    path("stories/<int:story_id>/reply/", views.reply, name="reply"),
    path("receipt/", views.enter_receipt, name="enter_receipt"),
    path("receipt/forget/", views.forget_receipt, name="forget_receipt"),
    path("mine/", views.my_statements, name="my_statements"),
    path("mine/<int:statement_id>/", views.mine, name="mine"),
    path("mine/<int:statement_id>/edit/", views.edit, name="edit"),
    path("mine/<int:statement_id>/delete/", views.delete, name="delete"),
    path("mine/<int:statement_id>/replies/<int:reply_id>/hide/", views.hide_reply, name="hide_reply"),
    path("mine/<int:statement_id>/replies/<int:reply_id>/block/", views.block_replier, name="block_replier"),
    path("reading/", views.reading_preferences, name="preferences"),
]
