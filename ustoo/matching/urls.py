from django.urls import path

from ustoo.matching import views

app_name = "matching"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new_entry, name="new"),
    path("entries/", views.entries, name="entries"),
    path("entries/<str:reference>/withdraw/", views.withdraw, name="withdraw"),
    path("counselor/", views.counselor, name="counselor"),
]
