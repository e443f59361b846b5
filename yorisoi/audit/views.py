"""Who saw what: the audit trail for the coordinating division answering a disclosure request
(開示請求) or an inquiry, and for an audit (監査) (R6). Ids, times, agencies and the legal basis of
each read; the trail itself holds no names. Who may open these pages is access.ROUTES'."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from yorisoi import access, reports
from yorisoi.access.bases import BASIS_COORDINATOR
from yorisoi.http.errors import one_or_404
from yorisoi.http.paging import page_number, window_of

from . import disclosure
from .forms import TrailFilterForm
from .labels import action_label, basis_label
from .log import record
from .selectors import case_trail, readable, trail_lines

PAGE_SIZE = 50
TRAIL_PAGE_SIZE = 50
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def case_log(request, case_id):
    case = one_or_404(access.visible_cases(request.user), pk=case_id)
    page = Paginator(case_trail(case), PAGE_SIZE).get_page(request.GET.get("page"))
    record(
        "case.access_log_viewed",
        actor=request.user,
        target=case,
        basis=BASIS_COORDINATOR,
        request=request,
    )
    rows = [
        {"event": e, "action_label": action_label(e.action), "basis_label": basis_label(e.basis)}
        for e in page.object_list
    ]
    return render(request, "audit/case_log.html", {"case": case, "page": page, "rows": rows})


def _filters(request) -> tuple[TrailFilterForm, dict]:
    """The form and the selector's filters. The person is one the user may see (else 404,
    hidden looks like missing); a filter that does not validate is left out."""
    form = TrailFilterForm(request.GET or None)
    filters = {"person": None, "actor_id": None, "since": None, "until": None}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["person"]:
            filters["person"] = one_or_404(access.visible_people(request.user), pk=data["person"])
        filters["actor_id"] = data["actor"].pk if data["actor"] else None
        filters["since"], filters["until"] = data["since"], data["until"]
    return form, filters


def _audited_filters(filters) -> dict:
    """What the trail's own event keeps of the filters: ids and dates only."""
    return {
        "actor": filters["actor_id"],
        "since": filters["since"].isoformat() if filters["since"] else None,
        "until": filters["until"].isoformat() if filters["until"] else None,
    }


def trail(request):
    """The trail grouped by day and user, repeated views of one record on one day as one line."""
    form, filters = _filters(request)
    # Not counted (issue 16): the trail grows every day; its total is known on the last page.
    page = window_of(trail_lines(**filters), number=page_number(request), size=TRAIL_PAGE_SIZE)
    lines = readable(page.object_list, person=filters["person"])
    record(
        "audit.trail_viewed",
        actor=request.user,
        target=filters["person"],
        basis=BASIS_COORDINATOR,
        request=request,
        data=_audited_filters(filters),
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/trail.html",
        {
            "form": form,
            "person": filters["person"],
            "page": page,
            "lines": lines,
            "query": query.urlencode(),
        },
    )


def disclosure_report(request, person_id, fmt):
    """The person's disclosure report (開示請求) as PDF or xlsx; producing it is audited."""
    person = one_or_404(access.visible_people(request.user), pk=person_id)
    form = TrailFilterForm(request.GET or None)
    valid = form.is_bound and form.is_valid()
    since = form.cleaned_data["since"] if valid else None
    until = form.cleaned_data["until"] if valid else None
    lines = readable(trail_lines(person=person, since=since, until=until), person=person)
    report = disclosure.build(person, lines, since=since, until=until)
    content = reports.report_pdf(report) if fmt == "pdf" else reports.report_xlsx(report)
    record(
        "audit.disclosure_report",
        actor=request.user,
        target=person,
        basis=BASIS_COORDINATOR,
        request=request,
        data={"format": fmt, "lines": len(lines), **_audited_filters(
            {"actor_id": None, "since": since, "until": until})},
    )  # fmt: skip
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    # No name in the file name: it travels in mail headers and download folders.
    response["Content-Disposition"] = f'attachment; filename="disclosure-{person.pk}.{fmt}"'
    return response
