from django.urls import path

from ustoo.magnitude import views

app_name = "magnitude"

urlpatterns = [
    path("", views.index, name="index"),
]
