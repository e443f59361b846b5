"""/cases/: the case pages, then the meeting, assessment and plan pages. Every name is declared
with its access rule in access.ROUTES."""

from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    # ケース
    path("", views.case_list, name="case_list"),
    path("new", views.case_open, name="case_open"),
    path("pick", views.case_picker, name="case_picker"),
    path("<uuid:case_id>/", views.case_detail, name="case_detail"),
    path("<uuid:case_id>/edit", views.case_edit, name="case_edit"),
    path("<uuid:case_id>/status", views.case_move, name="case_move"),
    path("<uuid:case_id>/lead", views.case_lead, name="case_lead"),
    path("<uuid:case_id>/agencies/new", views.involvement_add, name="involvement_add"),
    path("agencies/<int:involvement_id>/edit", views.involvement_edit, name="involvement_edit"),
    path("agencies/<int:involvement_id>/end", views.involvement_end, name="involvement_end"),
    path("agencies/<int:involvement_id>/staff", views.involvement_staff, name="involvement_staff"),
    path("<uuid:case_id>/tracks/new", views.track_start, name="track_start"),
    path("tracks/<int:track_id>/end", views.track_end, name="track_end"),
    path("<uuid:case_id>/consents/new", views.consent_add, name="consent_add"),
    path("consents/<uuid:consent_id>/withdraw", views.consent_withdraw, name="consent_withdraw"),
    path("consents/<uuid:consent_id>/scan", views.consent_scan, name="consent_scan"),
    path("<uuid:case_id>/support-decision", views.support_decision, name="support_decision"),
    path("<uuid:case_id>/timeline", views.timeline, name="timeline"),
    path("<uuid:case_id>/records/new", views.record_add, name="record_add"),
    path("records/<uuid:record_id>/edit", views.record_edit, name="record_edit"),
    # 経過を記録 on a consultation: the progress record lives here, with the case's.
    path(
        "consultation-records/<uuid:consultation_id>",
        views.consultation_record_add,
        name="consultation_record_add",
    ),
    # 会議・アセスメント・プラン・終結
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
