from django.urls import path

from ustoo.movement import views

app_name = "movement"
urlpatterns = [
    path("", views.index, name="index"),
]
