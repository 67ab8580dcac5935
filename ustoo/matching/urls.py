from django.urls import path

from ustoo.matching import views

app_name = "matching"

urlpatterns = [
    path("counselor/", views.counselor, name="counselor"),
]
