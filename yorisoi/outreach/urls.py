from django.urls import path

from . import views

app_name = "outreach"
urlpatterns = [
    path("", views.target_list, name="target_list"),
    path("new/", views.target_create, name="target_create"),
    path("<uuid:target_id>/", views.target_detail, name="target_detail"),
    path("<uuid:target_id>/edit/", views.target_edit, name="target_edit"),
    path("<uuid:target_id>/contacts/new/", views.contact_add, name="contact_add"),
    path("<uuid:target_id>/stage/", views.stage_move, name="stage_move"),
    path("<uuid:target_id>/person/", views.person_link, name="person_link"),
    path("<uuid:target_id>/hand-over/", views.hand_over, name="hand_over"),
    path("<uuid:target_id>/close/", views.target_close, name="target_close"),
    path("<uuid:target_id>/reopen/", views.target_reopen, name="target_reopen"),
]
