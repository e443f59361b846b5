"""The case pages (ケース). Names and their access rules: access.ROUTES."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new", views.case_open, name="case_open"),
    path("<uuid:case_id>/", views.case_detail, name="case_detail"),
    path("<uuid:case_id>/edit", views.case_edit, name="case_edit"),
    path("<uuid:case_id>/status", views.case_move, name="case_move"),
    path("<uuid:case_id>/lead", views.case_lead, name="case_lead"),
    path("<uuid:case_id>/agencies/new", views.involvement_add, name="involvement_add"),
    path("agencies/<int:involvement_id>/edit", views.involvement_edit, name="involvement_edit"),
    path("agencies/<int:involvement_id>/end", views.involvement_end, name="involvement_end"),
    path("<uuid:case_id>/tracks/new", views.track_start, name="track_start"),
    path("tracks/<int:track_id>/end", views.track_end, name="track_end"),
    path("<uuid:case_id>/consents/new", views.consent_add, name="consent_add"),
    path("consents/<uuid:consent_id>/withdraw", views.consent_withdraw, name="consent_withdraw"),
    path("consents/<uuid:consent_id>/scan", views.consent_scan, name="consent_scan"),
    path("<uuid:case_id>/support-decision", views.support_decision, name="support_decision"),
    path("<uuid:case_id>/timeline", views.timeline, name="timeline"),
    path("<uuid:case_id>/records/new", views.record_add, name="record_add"),
    path("records/<uuid:record_id>/edit", views.record_edit, name="record_edit"),
]
