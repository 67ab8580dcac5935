from django.urls import path

from ustoo.movement import views

app_name = "movement"
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:dataset>/metadata.json", views.metadata_json, name="metadata"),
    path("<str:dataset>/report.json", views.report_json, name="report_json"),
    path("<str:dataset>/<slug:table>.csv", views.table_csv, name="table_csv"),
]
