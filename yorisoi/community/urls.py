from django.urls import path

from . import views

app_name = "community"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("sites/<int:site_id>/", views.site_detail, name="site_detail"),
    path("sites/<int:site_id>/activities/new/", views.activity_create, name="activity_create"),
    path("activities/<uuid:activity_id>/edit/", views.activity_edit, name="activity_edit"),
    path("trainings/", views.training_list, name="training_list"),
    path("trainings/new/", views.training_create, name="training_create"),
    path("trainings/<uuid:training_id>/edit/", views.training_edit, name="training_edit"),
]
