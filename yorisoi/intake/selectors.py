"""Reads about consultations and referrals that the queues and the case page need."""

from datetime import date

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yorisoi import access

from .business_days import business_days_after
from .models import Consultation, Referral, ReferralStatus

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


def last_channel(user) -> str | None:
    """The channel of the last consultation the user took: most of a desk's calls come the
    same way, so the intake form offers it. Only the user's own intakes are read."""
    return (
        Consultation.objects.filter(created_by=user, reported_by__isnull=True)
        .order_by("-created_at")
        .values_list("channel", flat=True)
        .first()
    )
