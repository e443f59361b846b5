from django.urls import path

from . import views

app_name = "resources"
urlpatterns = [
    path("", views.service_list, name="service_list"),
    path("new/", views.service_create, name="service_create"),
    path("import/", views.hsds_import, name="hsds_import"),
    path("export/", views.hsds_export, name="hsds_export"),
    path("export/datapackage/", views.hsds_datapackage, name="hsds_datapackage"),
    path("outside-terms/", views.outside_term_list, name="outside_term_list"),
    path("outside-terms/<str:term_id>/", views.outside_term_map, name="outside_term_map"),
    path("<uuid:service_id>/", views.service_detail, name="service_detail"),
    path("<uuid:service_id>/edit/", views.service_edit, name="service_edit"),
    path("<uuid:service_id>/capacity/", views.capacity_update, name="capacity_update"),
    path("<uuid:service_id>/deactivate/", views.service_deactivate, name="service_deactivate"),
]
