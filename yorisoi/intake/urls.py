from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "intake"
urlpatterns = [
    # The work list moved to /queue/ (front:queue); old links still arrive there.
    path("", RedirectView.as_view(pattern_name="front:queue"), name="index"),
    path("new", views.consultation_create, name="consultation_create"),
    path("new/people", views.person_picker, name="person_picker"),
    path("<uuid:consultation_id>/", views.consultation_detail, name="consultation_detail"),
    path(
        "<uuid:consultation_id>/outcome",
        views.consultation_outcome,
        name="consultation_outcome",
    ),
    path("<uuid:consultation_id>/referrals", views.referral_create, name="referral_create"),
    path(
        "<uuid:consultation_id>/holder", views.consultation_reassign, name="consultation_reassign"
    ),
    path("<uuid:consultation_id>/close", views.consultation_close, name="consultation_close"),
    path("<uuid:consultation_id>/reopen", views.consultation_reopen, name="consultation_reopen"),
    path("referrals/<uuid:referral_id>/assignee", views.referral_assign, name="referral_assign"),
    path("referrals/<uuid:referral_id>/answer", views.referral_answer, name="referral_answer"),
    path(
        "referrals/<uuid:referral_id>/withdraw", views.referral_withdraw, name="referral_withdraw"
    ),
    path(
        "referrals/<uuid:referral_id>/acknowledge",
        views.referral_acknowledge,
        name="referral_acknowledge",
    ),
    path("reports/new", views.volunteer_report, name="volunteer_report"),
    path("reports/", views.volunteer_reports, name="volunteer_reports"),
]
