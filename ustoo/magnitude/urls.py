from django.urls import path

from ustoo.magnitude import views

app_name = "magnitude"

urlpatterns = [
    path("", views.index, name="index"),
    path("how-we-count", views.how_we_count, name="how_we_count"),
    path("embed", views.embed, name="embed"),
    path("badge.svg", views.badge, name="badge"),
    path("charts/<slug:name>.svg", views.chart_svg, name="chart"),
]
