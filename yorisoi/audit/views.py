"""Who saw what: the audit trail of one case, for the coordinating division answering a
disclosure request (開示請求) or an inquiry (R6). Ids, times, agencies and the legal basis of
each read; the trail itself holds no names."""

from django.core.paginator import Paginator
from django.shortcuts import render

from yorisoi import access
from yorisoi.access.bases import BASIS_COORDINATOR, BASIS_LABELS
from yorisoi.http.errors import one_or_404

from .log import record
from .selectors import case_trail

PAGE_SIZE = 50


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
        {"event": e, "basis_label": BASIS_LABELS.get(e.basis, e.basis or "－")}
        for e in page.object_list
    ]
    return render(request, "audit/case_log.html", {"case": case, "page": page, "rows": rows})
