"""Members' flag forms: public pages, apart from the moderators' /moderate/."""

from django.urls import path

from ustoo.moderation import views

app_name = "flags"
urlpatterns = [
    path("story/<int:story_id>/", views.flag_story, name="story"),
    path("reply/<int:reply_id>/", views.flag_reply, name="reply"),
]
