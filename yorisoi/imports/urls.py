from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("export/", views.export, name="export"),
    path("template.<str:fmt>", views.template_download, name="template"),
    path("<uuid:job_id>/", views.job_detail, name="job_detail"),
    path("<uuid:job_id>/commit/", views.job_commit, name="job_commit"),
]
