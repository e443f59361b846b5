from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("new", views.person_create, name="person_create"),
    path("pick", views.picker, name="picker"),
    path("new/matches", views.person_matches, name="person_matches"),
    path("<uuid:person_id>/", views.person_detail, name="person_detail"),
    path("<uuid:person_id>/edit", views.person_edit, name="person_edit"),
    path("households/", views.household_list, name="household_list"),
    path("households/new", views.household_create, name="household_create"),
    path("households/<uuid:household_id>/", views.household_detail, name="household_detail"),
    path("households/<uuid:household_id>/edit", views.household_edit, name="household_edit"),
    path(
        "households/<uuid:household_id>/members",
        views.household_member_add,
        name="household_member_add",
    ),
]
