"""Screens that span the apps: home, and the agency's work list (受付・つなぎ: consultations,
referrals, cases due, action items, follow-ups — front.work), and the health check."""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yorisoi import access
from yorisoi.audit.log import record_reads
from yorisoi.intake import queues

from .work import work_list


def home(request):
    return render(
        request,
        "front/home.html",
        {"can_read_people": access.can_create_people(request.user)},
    )


def health(request):
    return HttpResponse("ok", content_type="text/plain")


SECTION_LABELS = {
    "new": _("新しい相談"),
    "holding": _("担当している相談（次の対応予定日順）"),
    "to_answer": _("回答を求められているつなぎ"),
    "declined_returned": _("受け入れられなかったつなぎ（戻り）"),
    "awaiting_answer": _("回答待ち"),
    "overdue_actions": _("対応予定日を過ぎたもの"),
    "stalled": _("動きのないもの"),
    "escalations": _("多機関協働への相談"),
    "all_declines": _("すべての「受け入れできない」"),
    "overdue_referrals": _("期限を過ぎたつなぎ（市全体）"),
    "pass_around": _("たらいまわしの恐れ"),
}


# --- the work list (受付・つなぎ) ---------------------------------------------------------------


QUEUE_SECTION_LIMIT = 10  # items per section on the overview
QUEUE_PAGE_SIZE = 50  # items per page when one section is listed in full


def queue(request):
    """R3: what waits for the user's agency. Each section shows its first items and its total;
    `?section=<key>` lists one section in full, page by page. Constant number of queries."""
    user = request.user
    work = work_list(user=user)
    agency_queue = work.consultations
    all_sections = agency_queue.sections()
    only = request.GET.get("section")
    if only is not None and only not in all_sections and only not in work.cases:
        raise Http404
    case_sections, case_ids, need_ids = _case_sections(work, only, request.GET.get("page"))
    rows, pages, totals = {}, {}, {}
    for key, queryset in all_sections.items():
        if only and key != only:
            continue
        if only:
            page = Paginator(queryset, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
            rows[key], totals[key], pages[key] = list(page.object_list), page.paginator.count, page
        else:
            rows[key], totals[key] = list(queryset[:QUEUE_SECTION_LIMIT]), agency_queue.total(key)
    today = timezone.localdate()
    items, bases = queues.queue_items(user, rows, cutoff=agency_queue.overdue_cutoff, today=today)
    sections = [
        {
            "key": key,
            "label": SECTION_LABELS[key],
            "items": items[key],
            "total": totals[key],
            "more": totals[key] > len(rows[key]),
            "page": pages.get(key),
        }
        for key in rows
    ]
    record_reads("consultation.queue_viewed", actor=user, request=request, bases=bases)
    if need_ids:
        needs = access.participation_bases(user, need_ids)
        record_reads("participation.queue_viewed", actor=user, request=request, bases=needs)
    # A follow-up names its need's person only if that record opens to the reader (R6).
    people = access.person_bases(user, _follow_up_people(case_sections))
    if case_ids:
        cases = access.case_bases(user, case_ids)
        record_reads("case.queue_viewed", actor=user, request=request, bases=cases)
    return render(
        request,
        "front/queue.html",
        {
            "sections": sections,
            "case_sections": case_sections,
            "open_people": set(people),
            "single": bool(only),
            "today": today,
        },
    )


CASE_SECTION_LABELS = {
    "cases_due": _("対応日を迎えたケース・停滞しているケース"),
    "case_actions": _("会議で決めた自機関の対応"),
    "follow_ups": _("参加支援のフォローアップ（期日を迎えたもの）"),
}


def _follow_up_people(case_sections) -> set:
    return {
        item.placement.need.person_id
        for section in case_sections
        if section["key"] == "follow_ups"
        for item in section["items"]
    }


def _case_sections(work, only, page_number):
    """The collaborative-case sections of the queue: the first items and the total of each,
    or one section page by page."""
    sections, case_ids, need_ids = [], set(), set()
    for key, queryset in work.cases.items():
        if only and key != only:
            continue
        if only:
            page = Paginator(queryset, QUEUE_PAGE_SIZE).get_page(page_number)
            objects, total = list(page.object_list), page.paginator.count
        else:
            page, objects = None, list(queryset[:QUEUE_SECTION_LIMIT])
            total = queryset.count()  # always: the page's query count stays constant
        if key == "follow_ups":  # follow-ups belong to participation needs, not cases
            need_ids |= {obj.placement.need_id for obj in objects}
        else:
            case_ids |= {getattr(obj, "case_id", obj.pk) for obj in objects}
        sections.append(
            {
                "key": key,
                "label": CASE_SECTION_LABELS[key],
                "items": objects,
                "total": total,
                "more": total > len(objects),
                "page": page,
            }
        )
    return sections, case_ids, need_ids
