"""Screens that span the apps: home — 今日やること, the user's one work list (work.selectors) —
the old 受付・つなぎ address for it, and the health check."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yorisoi import access
from yorisoi.audit.log import record_reads
from yorisoi.work import selectors as work_selectors


def home(request):
    """今日やること for the users who have a work list (R3); the menu's tiles for the others
    (administrators, analysts, 民生委員)."""
    if not work_selectors.has_work_list(request.user):
        return render(
            request,
            "front/home.html",
            {"can_read_people": access.can_create_people(request.user)},
        )
    return _today(request, default_tab="all")


def health(request):
    return HttpResponse("ok", content_type="text/plain")


# The old work list's sections (受付・つなぎ, `/queue/?section=…`) and the tab of 今日やること
# that now lists the same things: old links keep working.
SECTION_TABS = {
    "new": "new",
    "holding": "all",
    "to_answer": "referrals",
    "declined_returned": "referrals",
    "awaiting_answer": "referrals",
    "overdue_actions": "overdue",
    "stalled": "stalled",
    "escalations": "escalations",
    "all_declines": "declines",
    "overdue_referrals": "overdue",
    "pass_around": "pass_around",
    "cases_due": "cases",
    "case_actions": "meetings",
    "follow_ups": "follow_ups",
}


def queue(request):
    """受付・つなぎ: the same list as the home page, its tab chosen by the old `?section=`."""
    section = request.GET.get("section")
    if section is not None and section not in SECTION_TABS:
        raise Http404
    return _today(request, default_tab=SECTION_TABS.get(section, "all"), title=_("受付・つなぎ"))


def _positive(value, default=1) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return default


TODAY_TITLE = _("今日やること")


def _today(request, *, default_tab, title=TODAY_TITLE):
    """R3: one list of what waits for the user, each thing once, most pressing first; the
    page's reads audited by basis (R6). A constant number of queries per page."""
    user = request.user
    tab = request.GET.get("tab") or default_tab
    scope = request.GET.get("scope") or work_selectors.DEFAULT_SCOPE
    try:
        listing = work_selectors.today_list(
            user, tab=tab, scope=scope, page=_positive(request.GET.get("page"))
        )
    except ValueError:
        raise Http404 from None
    _record_today_reads(user, request, listing)
    return render(
        request,
        "front/today.html",
        {
            "listing": listing,
            "today": timezone.localdate(),
            "scopes": SCOPE_LABELS,
            "title": title,
        },
    )


SCOPE_LABELS = [("mine", _("自分の担当と未割当")), ("agency", _("機関全体"))]


def _record_today_reads(user, request, listing):
    """The bases of the page's rows, one event per kind of record and basis (audit.log)."""
    shown = {
        "consultation": {i.consultation_id for i in listing.items if i.consultation_id},
        "case": {i.case_id for i in listing.items if i.case_id},
        "need": {i.need_id for i in listing.items if i.need_id},
    }
    bases = {kind: {pk: b for pk, b in listing.bases[kind].items() if pk in shown[kind]}
             for kind in shown}  # fmt: skip
    record_reads(
        "consultation.queue_viewed", actor=user, request=request, bases=bases["consultation"]
    )
    if bases["case"]:
        record_reads("case.queue_viewed", actor=user, request=request, bases=bases["case"])
    if bases["need"]:
        record_reads("participation.queue_viewed", actor=user, request=request, bases=bases["need"])
