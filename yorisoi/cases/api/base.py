"""What every cases endpoint does first: find the record among those the caller may read (404
otherwise, the same body as a missing id — R6), and audit the read with its basis. The two
routers live here: cases, and meetings with their assessments and plans.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Router

from yorisoi import access
from yorisoi.audit.log import (
    record,
)
from yorisoi.http.errors import ErrorOut
from yorisoi.http.paging import page_of
from yorisoi.http.validation import agency_by_code

from .. import selectors
from ..models import (
    Case,
    Meeting,
)

router = Router(tags=["多機関協働"])


CASE = "/cases/{uuid:case_id}"


MEETING = "/cases/meetings/{uuid:meeting_id}"


_ERRORS = {404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _visible(user):
    return access.visible_cases(user).select_related("lead_agency")


def _visible_case(user, case_id) -> Case:
    case = _visible(user).filter(pk=case_id).first()
    if case is None:
        raise Http404
    return case


def _on_visible_case(queryset, user, pk):
    """A row hung on a case: found only if the caller may read that case (else 404)."""
    row = queryset.filter(pk=pk, case__in=access.visible_cases(user).values("pk")).first()
    if row is None:
        raise Http404
    return row


def _case_meeting(case, meeting_id, *, errors, field="meeting_id"):
    meeting = Meeting.objects.select_related("kind").filter(pk=meeting_id, case=case).first()
    if meeting is None:
        errors[field] = [ValidationError("このケースの会議が見つかりません。", code="not_found")]
    return meeting


def _raise(errors: dict):
    if errors:
        raise ValidationError(errors)


def _agency(code, *, field):
    """The agency a body names by code, when it is the body's only lookup: 422 on `field`
    otherwise (a body with several lookups collects their errors first, then _raise)."""
    errors = {}
    agency = agency_by_code(code, field=field, errors=errors)
    _raise(errors)
    return agency


def _text(value) -> str:
    return value or ""


def _record_viewed(user, case, basis, request, part, ids=None):
    record(
        "case.viewed",
        actor=user,
        target=case,
        basis=basis,
        request=request,
        ids=ids,
        data={"part": part},
    )


def _case_page(request, case, rows, paging, *, part, out) -> dict:
    """One page of the rows hung on a case, as bodies; the ids read are audited with the caller's
    basis (case.viewed with `part`, R6)."""
    user = request.auth
    result = page_of(rows, paging)
    basis = access.case_basis(user, case)
    _record_viewed(user, case, basis, request, part, ids=[row.pk for row in result["items"]])
    result["items"] = [out(row) for row in result["items"]]
    return result


meetings_router = Router(tags=["多機関協働（会議・アセスメント・プラン）"])


def _readable_meeting(user, meeting_id) -> Meeting:
    return _on_visible_case(Meeting.objects.select_related("kind", "case"), user, meeting_id)


def _meeting_or_pledge_page(user, meeting_id):
    """The meeting and the caller's rights on its case, as the screens find it (R5)."""
    found = selectors.meeting_seen_by(user, meeting_id)
    if found is None:
        raise Http404
    return found
