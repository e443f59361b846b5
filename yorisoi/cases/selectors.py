"""Reads of collaborative cases. Every query starts from access.visible_cases (R6); each
function keeps a constant number of queries however long the list is."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import F, Q, QuerySet
from django.http import HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yorisoi import access
from yorisoi.access.bases import (
    BASIS_CONSENT,
    BASIS_COORDINATOR,
    BASIS_OWN_AGENCY,
    BASIS_SUPPORT_MEETING,
)
from yorisoi.directory.models import LegalMeetingType
from yorisoi.intake.models import Referral

from .models import (
    ACTIVE_STATUSES,
    ActionItem,
    Case,
    CaseEvent,
    CaseEventKind,
    CaseStatus,
    Involvement,
    Meeting,
    ProgressRecord,
    RecordKind,
)

STATUS_FILTERS = {
    "active": _("進行中"),
    "closed": _("終結・中断"),
    "all": _("すべて"),
}

BASIS_LABELS = {
    BASIS_OWN_AGENCY: _("主担当機関（自機関）"),
    BASIS_COORDINATOR: _("福祉総務課（調整担当）"),
    BASIS_CONSENT: _("同意にもとづく共有"),
    BASIS_SUPPORT_MEETING: _("支援会議（守秘義務）にもとづく共有"),
}


# --- the list -------------------------------------------------------------------------------


def case_list(*, user, status: str = "active", query: str = "") -> QuerySet:
    """The cases `user` may read, by status ("active", "closed" = closed or suspended, "all")
    and by case number or title. Names of people are not searched here: a case is found by
    its own number or title."""
    cases = access.visible_cases(user).select_related("lead_agency")
    if status == "active":
        cases = cases.filter(status__in=ACTIVE_STATUSES)
    elif status == "closed":
        cases = cases.filter(status__in=[CaseStatus.CLOSED, CaseStatus.SUSPENDED])
    query = (query or "").strip()
    if query:
        cases = cases.filter(Q(number__icontains=query) | Q(title__icontains=query))
    return cases.order_by("next_action_on", "-opened_at", "pk")


# --- the progress record (支援経過記録) ----------------------------------------------------


@dataclass
class TimelineEntry:
    """One line of the 支援経過記録, whatever it came from."""

    at: datetime
    kind: str
    kind_label: str
    agency: str
    author: str
    text: str
    link: str = ""
    agency_code: str = ""
    record_id: str = ""
    extra: dict = field(default_factory=dict)


def timeline_kinds() -> list[tuple[str, str]]:
    """The kinds the timeline filters by: progress-record kinds, case events, referrals."""
    return (
        [(f"record.{value}", label) for value, label in RecordKind.choices]
        + [(f"event.{value}", label) for value, label in CaseEventKind.choices]
        + [("referral", gettext("つなぎ（きっかけの相談）"))]
    )


def _url(name, *args) -> str:
    # Some pages (meetings, plans) come with another part of the app; no link until they do.
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


EVENT_LINKS = {
    CaseEventKind.ASSESSMENT: "cases:assessment_detail",
    CaseEventKind.PLAN: "cases:plan_detail",
}


def _narrowed(rows, *, kind: str, agency: str):
    """One source of the timeline, by the filters that apply to it: its kind, the agency's code."""
    if kind:
        rows = rows.filter(kind=kind)
    if agency:
        rows = rows.filter(agency__code=agency)
    return rows


def case_timeline(*, user, case, agency: str = "", kind: str = "") -> list[TimelineEntry]:
    """支援経過記録: progress records, the case's events and the referrals of the consultation
    it came from, newest first, as one list. `agency` is an agency code, `kind` one of
    timeline_kinds(). Three queries at most, whatever the length (four with the origin)."""
    if not access.visible_cases(user).filter(pk=case.pk).exists():
        return []
    entries: list[TimelineEntry] = []
    record_kind = kind.removeprefix("record.") if kind.startswith("record.") else ""
    event_kind = kind.removeprefix("event.") if kind.startswith("event.") else ""

    if not kind or record_kind:
        records = ProgressRecord.objects.filter(case=case).select_related("agency", "author")
        for r in _narrowed(records, kind=record_kind, agency=agency):
            entries.append(
                TimelineEntry(
                    at=r.occurred_at,
                    kind=f"record.{r.kind}",
                    kind_label=r.get_kind_display(),
                    agency=str(r.agency),
                    agency_code=r.agency.code,
                    author=str(r.author),
                    text=r.text,
                    record_id=str(r.pk),
                    extra={
                        "editable": access.acts_for(user, r.agency_id) and case.is_active,
                        "corrected": r.version > 1,
                    },
                )
            )

    if not kind or event_kind:
        events = CaseEvent.objects.filter(case=case).select_related("agency", "actor")
        for e in _narrowed(events, kind=event_kind, agency=agency):
            text = e.text
            if e.kind == CaseEventKind.STATUS and e.to_status:
                before = CaseStatus(e.from_status).label if e.from_status else "－"
                note = f"（{e.text}）" if e.text else ""
                text = f"{before} → {CaseStatus(e.to_status).label}{note}"
            link = ""
            if e.meeting_id:
                link = _url("cases:meeting_detail", e.meeting_id)
            elif e.kind in EVENT_LINKS:
                link = _url(EVENT_LINKS[e.kind], case.pk)
            entries.append(
                TimelineEntry(
                    at=e.at,
                    kind=f"event.{e.kind}",
                    kind_label=e.get_kind_display(),
                    agency=str(e.agency) if e.agency_id else "",
                    agency_code=e.agency.code if e.agency_id else "",
                    author=str(e.actor),
                    text=text,
                    link=link,
                )
            )

    if case.origin_id and (not kind or kind == "referral"):
        referrals = Referral.objects.filter(consultation_id=case.origin_id).select_related(
            "from_agency", "to_agency", "sent_by"
        )
        if agency:
            referrals = referrals.filter(Q(from_agency__code=agency) | Q(to_agency__code=agency))
        referrals = list(referrals)
        link = ""
        if referrals and access.visible_consultations(user).filter(pk=case.origin_id).exists():
            link = reverse("intake:consultation_detail", args=[case.origin_id])
        for r in referrals:
            text = gettext("%(from)s → %(to)s（%(kind)s、%(status)s）: %(reason)s") % {
                "from": r.from_agency,
                "to": r.to_agency,
                "kind": r.get_kind_display(),
                "status": r.get_status_display(),
                "reason": r.reason,
            }
            if r.decline_reason:
                text += "\n" + gettext("受け入れできない理由: %(reason)s") % {
                    "reason": r.decline_reason
                }
            entries.append(
                TimelineEntry(
                    at=r.sent_at,
                    kind="referral",
                    kind_label=gettext("つなぎ"),
                    agency=str(r.from_agency),
                    agency_code=r.from_agency.code,
                    author=str(r.sent_by),
                    text=text,
                    link=link,
                )
            )

    entries.sort(key=lambda e: e.at, reverse=True)
    return entries


# --- the case page --------------------------------------------------------------------------


def meeting_seen_by(user, meeting_id):
    """(meeting, the user's rights on its case, their participant row) for a reader of the case
    or a 支援会議 participant who may not read it yet (not pledged) and so finds the meeting for
    its pledge page (R5, access.meeting_access); None for anyone else. Both doors answer None
    with 404, as for a missing id."""
    meeting = (
        Meeting.objects.select_related("kind", "case__lead_agency").filter(pk=meeting_id).first()
    )
    if meeting is None:
        return None
    seen = access.meeting_access(user, meeting)
    if not seen.found:
        return None
    return meeting, seen.case, seen.participant


def sharing_basis(case, *, consents=None, meetings=None) -> dict:
    """情報共有の根拠 at a glance: each subject's active consents, the active 支援会議 that
    cover the case (sharing not ended) and one overall word; `all_consented` is R5's "every
    subject has an active consent" (cases.services.has_active_consent). A page that has read
    the case's consents (with their agencies) or meetings (with their kind) already passes
    them, and they are not read again."""

    subjects = list(case.subjects.select_related("person").order_by("pk"))
    if consents is None:
        consents = (
            case.consents.filter(withdrawn_at__isnull=True)
            .select_related("obtained_by")
            .prefetch_related("agencies")
        )
    active = [c for c in consents if c.withdrawn_at is None]
    rows = []
    for subject in subjects:
        mine = [c for c in active if c.person_id == subject.person_id]
        rows.append({"person": subject.person, "consents": mine})
    if meetings is None:
        meetings = case.meetings.filter(
            kind__legal_type=LegalMeetingType.SUPPORT_MEETING, sharing_ended_at__isnull=True
        ).select_related("kind")
    meetings = [
        m
        for m in meetings
        if m.kind.legal_type == LegalMeetingType.SUPPORT_MEETING and m.sharing_ended_at is None
    ]
    all_consented = bool(rows) and all(r["consents"] for r in rows)
    if all_consented:
        overall = "consent"
    elif meetings:
        overall = "support_meeting"
    else:
        overall = "none"
    return {
        "subjects": rows,
        "meetings": meetings,
        "overall": overall,
        "all_consented": all_consented,
    }


def involvements(case) -> list:
    return list(
        Involvement.objects.filter(case=case)
        .select_related("agency")
        .order_by(F("ended_on").asc(nulls_first=True), "-is_lead", "started_on", "pk")
    )


def is_overdue(case) -> bool:
    return case.is_active and case.next_action_on < timezone.localdate()


SCAN_EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def consent_scan_response(consent) -> HttpResponse:
    """The scanned consent form as a download, under an opaque file name (the uploaded one
    may carry the person's name), never cached."""
    response = HttpResponse(bytes(consent.scan), content_type=consent.scan_type)
    extension = SCAN_EXTENSIONS.get(consent.scan_type, "bin")
    response["Content-Disposition"] = f'attachment; filename="consent-{consent.pk}.{extension}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- what waits for an agency (R3) -----------------------------------------------------------


def queue_sections(*, user, today: date, stalled_before: datetime) -> dict:
    """R3 for cases: active cases the agency leads whose next action is due (or that have been
    quiet past the stalled limit), and open action items from meetings that the agency owns,
    on cases the user may read. One query per section."""
    agency = user.agency_id
    due = (
        Case.objects.filter(lead_agency_id=agency, status__in=ACTIVE_STATUSES)
        .filter(Q(next_action_on__lte=today) | Q(last_activity_at__lt=stalled_before))
        .select_related("lead_agency")
        .order_by("next_action_on", "number")
    )
    actions = (
        ActionItem.objects.filter(
            owner_agency_id=agency,
            done_at__isnull=True,
            case__status__in=ACTIVE_STATUSES,
            case__in=access.visible_cases(user),
        )
        .select_related("case", "meeting", "meeting__kind")
        .order_by("due_on", "pk")
    )
    return {"cases_due": due, "case_actions": actions}
