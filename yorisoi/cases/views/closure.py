"""Closing, suspending and reopening a case: closure and suspension are decided at a held 重層的支援会議
(R5), reopening keeps the history (R7).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from yorisoi import access
from yorisoi.errors import ConcurrentEditError, RuleViolation
from yorisoi.http.forms import add_errors, seen_version

from .. import services
from ..forms_meetings import (
    CaseEndForm,
    CaseReopenForm,
)
from ..models import (
    Case,
    MeetingPurpose,
)
from .base import (
    _secretariat,
    _viewed_page,
    _visible_case,
    case_url,
)


def _end(request, case_id, *, purpose):
    case = _visible_case(request.user, case_id)
    _secretariat(access.case_access(request.user, case))
    form = CaseEndForm(request.POST or None, case=case, purpose=purpose)
    if request.GET.get("meeting") and not form.is_bound:
        form.initial["meeting"] = request.GET["meeting"]
    version, changes, status = case.version, [], 200
    closing = purpose == MeetingPurpose.CLOSURE
    if request.method == "POST":
        status = 422
        version = seen_version(request)
        if form.is_valid():
            data = form.cleaned_data
            common = {
                "actor": request.user,
                "case": case,
                "version": version,
                "meeting": data["meeting"],
                "request": request,
            }
            try:
                if closing:
                    services.case_close(evaluation=data["text"], **common)
                else:
                    services.case_suspend(reason=data["text"], **common)
            except ConcurrentEditError as exc:
                form.add_error(None, exc.message)
                changes = exc.changes
                version, status = Case.objects.get(pk=case.pk).version, 409
            except RuleViolation as exc:
                form.add_error(None, exc.message)
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for errors in exc.message_dict.values():
                        form.add_error("text", errors)
                else:
                    form.add_error(None, exc.messages)
            else:
                messages.success(
                    request,
                    gettext("ケースを終結しました。")
                    if closing
                    else gettext("ケースを中断しました。"),
                )
                return redirect(case_url(case))
    _viewed_page(request, case, page="case_close" if closing else "case_suspend")
    return render(
        request,
        "cases/case_end_form.html",
        {
            "case": case,
            "case_link": case_url(case),
            "form": form,
            "version": version,
            "changes": changes,
            "closing": closing,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def case_close(request, case_id):
    """終結 with an evaluation, decided at a 重層的支援会議 for closure (R5)."""
    return _end(request, case_id, purpose=MeetingPurpose.CLOSURE)


@require_http_methods(["GET", "POST"])
def case_suspend(request, case_id):
    """中断 with the reason, decided at a 重層的支援会議 for suspension (R5)."""
    return _end(request, case_id, purpose=MeetingPurpose.SUSPENSION)


@require_http_methods(["GET", "POST"])
def case_reopen(request, case_id):
    """A closed or suspended case reopens with its whole history."""
    case = _visible_case(request.user, case_id)
    _secretariat(access.case_access(request.user, case))
    form = CaseReopenForm(request.POST or None, initial={"next_action_on": timezone.localdate()})
    version, changes, status = case.version, [], 200
    if request.method == "POST":
        status = 422
        version = seen_version(request)
        if form.is_valid():
            try:
                services.case_reopen(
                    actor=request.user,
                    case=case,
                    version=version,
                    request=request,
                    **form.cleaned_data,
                )
            except ConcurrentEditError as exc:
                form.add_error(None, exc.message)
                changes = exc.changes
                version, status = Case.objects.get(pk=case.pk).version, 409
            except RuleViolation as exc:
                form.add_error(None, exc.message)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, gettext("ケースを再開しました。"))
                return redirect(case_url(case))
    _viewed_page(request, case, page="case_reopen")
    return render(
        request,
        "cases/case_reopen_form.html",
        {
            "case": case,
            "case_link": case_url(case),
            "form": form,
            "version": version,
            "changes": changes,
        },
        status=status,
    )
