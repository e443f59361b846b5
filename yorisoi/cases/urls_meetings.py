"""Meetings (R5), assessments, support plans, goal review, closure, suspension, reopening.
Names and their access rules: access.ROUTES ("cases:…")."""

from django.urls import path

from . import views

urlpatterns = [
    path("meetings/", views.my_meetings, name="my_meetings"),
    path("<uuid:case_id>/meetings/new", views.meeting_create, name="meeting_create"),
    path("meetings/<uuid:meeting_id>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<uuid:meeting_id>/print", views.meeting_print, name="meeting_print"),
    path("meetings/<uuid:meeting_id>/minutes", views.meeting_minutes, name="meeting_minutes"),
    path(
        "meetings/<uuid:meeting_id>/participants",
        views.meeting_participant_add,
        name="meeting_participant_add",
    ),
    path("meetings/<uuid:meeting_id>/pledge", views.meeting_pledge, name="meeting_pledge"),
    path(
        "meetings/<uuid:meeting_id>/end-sharing",
        views.meeting_end_sharing,
        name="meeting_end_sharing",
    ),
    path("meetings/<uuid:meeting_id>/actions", views.action_item_add, name="action_item_add"),
    path("actions/<uuid:item_id>/done", views.action_item_done, name="action_item_done"),
    path("<uuid:case_id>/assessment", views.assessment_detail, name="assessment_detail"),
    path("<uuid:case_id>/assessment/edit", views.assessment_edit, name="assessment_edit"),
    path("<uuid:case_id>/assessment/compare", views.assessment_compare, name="assessment_compare"),
    path("<uuid:case_id>/plan", views.plan_detail, name="plan_detail"),
    path("<uuid:case_id>/plan/new", views.plan_create, name="plan_create"),
    path("<uuid:case_id>/plan/compare", views.plan_compare, name="plan_compare"),
    path("meetings/<uuid:meeting_id>/review", views.goals_review, name="goals_review"),
    path("<uuid:case_id>/close", views.case_close, name="case_close"),
    path("<uuid:case_id>/suspend", views.case_suspend, name="case_suspend"),
    path("<uuid:case_id>/reopen", views.case_reopen, name="case_reopen"),
]
