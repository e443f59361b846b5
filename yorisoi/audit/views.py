"""Who saw what: the audit trail of one case, for the coordinating division answering a
disclosure request (開示請求) or an inquiry (R6). Ids, times, agencies and the legal basis of
each read; the trail itself holds no names."""

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render

from yorisoi import access

from .log import BASIS_COORDINATOR, BASIS_LABELS, record
from .models import AuditEvent

PAGE_SIZE = 50


def case_trail(case) -> "AuditEvent.objects":
    """Every audit event about the case, its meetings, consents, assessments and plans, and
    the records of its subjects and household."""
    targets = Q(target_type="case", target_id=str(case.pk))
    related = {
        "meeting": case.meetings.values_list("pk", flat=True),
        "consent": case.consents.values_list("pk", flat=True),
        "assessment": case.assessments.values_list("pk", flat=True),
        "supportplan": case.plans.values_list("pk", flat=True),
        "person": case.subjects.values_list("person_id", flat=True),
    }
    for target_type, ids in related.items():
        ids = [str(pk) for pk in ids]
        if ids:
            targets |= Q(target_type=target_type, target_id__in=ids)
    if case.household_id:
        targets |= Q(target_type="household", target_id=str(case.household_id))
    return (
        AuditEvent.objects.filter(targets)
        .select_related("actor", "actor_agency")
        .order_by("-at", "-pk")
    )


def case_log(request, case_id):
    case = access.visible_cases(request.user).filter(pk=case_id).first()
    if case is None:
        raise Http404
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
