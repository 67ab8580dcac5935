from django.urls import path

from ustoo.journal import views

app_name = "journal"

urlpatterns = [
    path("", views.journal, name="index"),
    path("paper/", views.paper_log, name="paper_log"),
]
