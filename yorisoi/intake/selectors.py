"""Reads about consultations and referrals that the queues and the case page need."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yorisoi import access

from .business_days import add_business_days, business_days_after
from .models import Consultation, ConsultationEventKind, Referral, ReferralStatus

DEFAULT_PENDING_LIMIT = 3  # business days (settings.YORISOI_REFERRAL_PENDING_BUSINESS_DAYS)
PASS_AROUND_DECLINES = 2  # たらいまわし: this many declines flag the consultation


def visible_referrals(user):
    """The referrals of the consultations the user may see (R6): the screens and the API look
    one up here, hidden and missing alike."""
    return Referral.objects.filter(consultation__in=access.visible_consultations(user).values("pk"))


def pending_limit() -> int:
    return getattr(settings, "YORISOI_REFERRAL_PENDING_BUSINESS_DAYS", DEFAULT_PENDING_LIMIT)


@dataclass(frozen=True)
class AnswerDeadline:
    """When a referral's answer is due and how long it has waited, in office days (R2)."""

    due_on: date  # 回答期限: the day it was sent + the pending limit in office days
    office_days_waiting: int  # since it was sent: until today if pending, else until answered
    pending: bool

    @property
    def overdue(self) -> bool:
        return self.pending and self.office_days_waiting > pending_limit()

    @property
    def office_days_over(self) -> int:
        """Office days past the due date (期限をN開庁日超過); 0 when not overdue."""
        return self.office_days_waiting - pending_limit() if self.overdue else 0

    @property
    def office_days_left(self) -> int:
        """Office days still left before the due date (0 on the day itself)."""
        return max(pending_limit() - self.office_days_waiting, 0)


def referral_deadline(referral: Referral, *, today: date | None = None) -> AnswerDeadline:
    """R2: the one computation of a referral's answer deadline and its office days waiting
    (weekends, public holidays and 年末年始 are not office days: business_days.py), used by
    the screens, the queues and the API alike. A referral sent on a closed day counts from
    that day: the first office day after it is day one."""
    today = today or timezone.localdate()
    sent_on = timezone.localtime(referral.sent_at).date()
    pending = referral.status == ReferralStatus.PENDING
    until = today if pending or referral.answered_at is None else (
        timezone.localtime(referral.answered_at).date()
    )  # fmt: skip
    return AnswerDeadline(
        due_on=add_business_days(sent_on, pending_limit()),
        office_days_waiting=business_days_after(sent_on, until),
        pending=pending,
    )


def referral_is_overdue(referral: Referral, *, today: date) -> bool:
    """R2: pending for more business days than the limit (holidays and 年末年始 excluded)."""
    return referral_deadline(referral, today=today).overdue


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


def last_channel(user) -> str | None:
    """The channel of the last consultation the user took: most of a desk's calls come the
    same way, so the intake form offers it. Only the user's own intakes are read."""
    return (
        Consultation.objects.filter(created_by=user, reported_by__isnull=True)
        .order_by("-created_at")
        .values_list("channel", flat=True)
        .first()
    )


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
