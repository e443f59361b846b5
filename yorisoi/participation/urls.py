from django.urls import path

from . import views

app_name = "participation"
urlpatterns = [
    path("", views.need_list, name="need_list"),
    path("new/", views.need_create, name="need_create"),
    path("follow-ups/", views.my_follow_ups, name="my_follow_ups"),
    path("follow-ups/<uuid:follow_up_id>/done/", views.follow_up_done, name="follow_up_done"),
    path("<uuid:need_id>/", views.need_detail, name="need_detail"),
    path("<uuid:need_id>/edit/", views.need_edit, name="need_edit"),
    path("<uuid:need_id>/propose/", views.placement_propose, name="placement_propose"),
    path("<uuid:need_id>/gap/", views.gap_create, name="gap_create"),
    path("placements/<uuid:placement_id>/move/", views.placement_move, name="placement_move"),
]
