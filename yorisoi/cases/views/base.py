"""What every case screen does first: find the record among those the user may read (404 otherwise,
R6), ask the policy what they may do with it (access.case_access, 403 when the answer is no),
and audit the read with its basis.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from yorisoi import access
from yorisoi.audit.log import (
    record,
)
from yorisoi.errors import ConcurrentEditError, RuleViolation
from yorisoi.http.forms import add_errors

from .. import selectors
from ..models import (
    Case,
    Meeting,
)


def _visible_case(user, case_id) -> Case:
    case = (
        access.visible_cases(user)
        .select_related("lead_agency", "household", "origin")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise Http404
    return case


def _visible(model, user, pk, *related):
    obj = (
        model.objects.filter(pk=pk, case__in=access.visible_cases(user))
        .select_related("case", *related)
        .first()
    )
    if obj is None:
        raise Http404
    return obj


def _rights(user, case, what=None) -> access.CaseAccess:
    rights = access.case_access(user, case)
    if not rights.read:
        raise Http404
    if what and not getattr(rights, what):
        raise PermissionDenied
    return rights


def _viewed(request, case, rights, action="case.viewed", **kwargs):
    record(action, actor=request.user, target=case, basis=rights.basis, request=request, **kwargs)


def _to_case(case_id):
    return redirect("cases:case_detail", case_id=case_id)


def _status(request):
    return 422 if request.method == "POST" else 200


def _conflict_context(exc):
    return {"conflict": exc.message, "changes": exc.changes}


def _save(form, service, /, *, conflict=None, **kwargs):
    """Call a service for a valid form: what it saved, or None when it said no, with the reason on
    the form (a rule's RuleViolation; a ValidationError by field where the form has it). Given a
    `conflict` dict, R7's ConcurrentEditError fills it instead with what the other person saved
    (_conflict_context), for the page to show next to what the user typed."""
    try:
        return service(**kwargs)
    except RuleViolation as exc:
        if conflict is not None and isinstance(exc, ConcurrentEditError):
            conflict.update(_conflict_context(exc))
        else:
            form.add_error(None, exc.message)
    except ValidationError as exc:
        add_errors(form, exc)
    return None


def _act(request, done, service, /, **kwargs) -> None:
    """A one-button action: the service's refusal, or `done`, becomes the page's message."""
    try:
        service(request=request, **kwargs)
    except RuleViolation as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)


def _meeting(user, meeting_id):
    """(meeting, rights, participant) for a reader of the case or a participant awaiting the
    pledge; 404 for anyone else."""
    found = selectors.meeting_seen_by(user, meeting_id)
    if found is None:
        raise Http404
    return found


def _readable_meeting(user, meeting_id):
    meeting, rights, participant = _meeting(user, meeting_id)
    if not rights.read:
        raise Http404
    return meeting, rights, participant


def _secretariat(rights):
    """Meetings, minutes, plans and closures are the coordinating division's (福祉総務課)."""
    if not rights.meetings:
        raise PermissionDenied


def _viewed_page(request, case, *, page, target=None, **data):
    """R6: every read of case content, with the basis it was read on."""
    record(
        "meeting.viewed" if isinstance(target, Meeting) else "case.viewed",
        actor=request.user,
        target=target or case,
        basis=access.case_basis(request.user, case),
        request=request,
        data={"page": page, **data},
    )


def case_url(case) -> str:
    return reverse("cases:case_detail", kwargs={"case_id": case.pk})


def _with_yours(changes, data):
    """R7: what the other person saved, next to what this user typed (nothing is lost)."""
    return [{**c, "yours": data.get(c["field"], "")} for c in changes]


def _with_errors(*formsets):
    """The formsets whose rows the error summary must list."""
    return [fs for fs in formsets if fs.is_bound and fs.total_error_count()]


def _int(value):
    return int(value) if value and value.isascii() and value.isdigit() else None
