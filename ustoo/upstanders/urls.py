from django.urls import path

from ustoo.upstanders import views

app_name = "upstanders"
urlpatterns = [
    path("", views.index, name="index"),
    path("notice/", views.notice, name="notice"),
    path("five-ds/", views.five_ds, name="five_ds"),
    path("five-ds/<slug:slug>/", views.five_d, name="five_d"),
    path("support/", views.support_someone, name="support"),
    path("report/", views.report, name="report"),
    path("write-it-down/", views.write_it_down, name="write_it_down"),
    path("pledge/", views.pledge, name="pledge"),
    path("i-stepped-up/", views.stepped_up, name="stepped_up"),
    path("i-own-what-i-did/", views.own_it, name="own_it"),
]
