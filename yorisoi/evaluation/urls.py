from django.urls import path

from . import views

app_name = "evaluation"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("indicators/<slug:code>/", views.indicator, name="indicator"),
    path("indicators/<slug:code>/export.<slug:fmt>", views.table_export, name="table_export"),
    path("chart.png", views.chart, name="chart"),
    path("targets/", views.targets, name="targets"),
    path("targets/set/", views.target_set, name="target_set"),
    path("reports/", views.report_new, name="report_new"),
    path("reports/<uuid:run_id>/", views.report_status, name="report_status"),
    path("reports/<uuid:run_id>/download/", views.report_download, name="report_download"),
]
