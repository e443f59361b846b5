"""Reads about consultations and referrals that the queues and the case page need."""

from datetime import date

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yorisoi import access

from .business_days import business_days_after
from .models import Consultation, ConsultationEventKind, Referral, ReferralStatus

DEFAULT_PENDING_LIMIT = 3  # business days (settings.YORISOI_REFERRAL_PENDING_BUSINESS_DAYS)
PASS_AROUND_DECLINES = 2  # たらいまわし: this many declines flag the consultation


def visible_referrals(user):
    """The referrals of the consultations the user may see (R6): the screens and the API look
    one up here, hidden and missing alike."""
    return Referral.objects.filter(consultation__in=access.visible_consultations(user).values("pk"))


def pending_limit() -> int:
    return getattr(settings, "YORISOI_REFERRAL_PENDING_BUSINESS_DAYS", DEFAULT_PENDING_LIMIT)


def referral_is_overdue(referral: Referral, *, today: date) -> bool:
    """R2: pending for more business days than the limit (holidays and 年末年始 excluded)."""
    sent_on = timezone.localtime(referral.sent_at).date()
    return (
        referral.status == ReferralStatus.PENDING
        and business_days_after(sent_on, today) > pending_limit()
    )


def handoff_chain(consultation: Consultation) -> list[Referral]:
    return list(
        consultation.referrals.select_related("from_agency", "to_agency").order_by("sent_at")
    )


def at_risk_of_pass_around(consultation: Consultation) -> bool:
    declined = consultation.referrals.filter(status=ReferralStatus.DECLINED).count()
    return declined >= PASS_AROUND_DECLINES


VOLUNTEER_STATUS = {
    "received": _("受け付けました"),
    "being_handled": _("対応中です"),
    "connected": _("支援につながりました"),
}


def volunteer_status(consultation: Consultation) -> str:
    """What a 民生委員 may know of their report: one of three words, never the record (R6)."""
    if consultation.outcome in ("resolved", "continued", "referred"):
        return "connected"
    if consultation.outcome == "escalated" or consultation.referrals.exists():
        return "being_handled"
    return "received"


# --- the consultation's life: its records and its timeline --------------------------------


def consultation_records(user, consultation):
    """The progress records (支援経過記録) of a consultation `user` may read, newest first."""
    return (
        access.visible_consultation_records(user)
        .filter(consultation_id=consultation.pk)
        .select_related("agency", "author")
        .order_by("-occurred_at", "-created_at")
    )


def consultation_timeline(consultation, records) -> list[dict]:
    """One list, newest first, of what happened to the consultation: its intake, its outcome
    (R1), each contact (支援経過記録) and each lifecycle event (reassigned, closed, reopened).
    `records` come from consultation_records (the reader's view of them)."""
    entries = [
        {
            "at": consultation.received_at,
            "kind": "received",
            "label": _("受付"),
            "agency": consultation.receiving_agency,
            "author": consultation.created_by,
            "text": "",
        }
    ]
    if consultation.outcome:
        entries.append(
            {
                "at": consultation.outcome_at,
                "kind": "outcome",
                "label": consultation.get_outcome_display(),
                "agency": None,
                "author": consultation.outcome_by,
                "text": consultation.outcome_note,
            }
        )
    for entry in records:
        entries.append(
            {
                "at": entry.occurred_at,
                "kind": "record",
                "label": entry.get_kind_display(),
                "agency": entry.agency,
                "author": entry.author,
                "text": entry.text,
                "next_action": entry.next_action,
                "next_action_on": entry.next_action_on,
                "record": entry,
            }
        )
    events = consultation.events.exclude(kind=ConsultationEventKind.RECORD).select_related(
        "actor", "agency", "from_holder", "to_holder"
    )
    for event in events:
        entries.append(
            {
                "at": event.at,
                "kind": event.kind,
                "label": event.get_kind_display(),
                "agency": event.agency,
                "author": event.actor,
                "text": event.text,
                "event": event,
                "next_action_on": event.next_action_on,
            }
        )
    entries.sort(key=lambda e: e["at"] or consultation.received_at, reverse=True)
    return entries
