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
from yorisoi.http.forms import seen_version

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
    _save,
    _secretariat,
    _viewed_page,
    _visible_case,
    case_url,
)


def _decision(request, case, form, decide, *, page, template, done, **context):
    """The pages that end or reopen a case, the coordinating division's (_secretariat). R7: the
    version the user saw goes with the decision; if someone saved first, what they typed stays,
    what the other person changed is shown and the version now saved goes with the next try
    (409)."""
    version, changes, status = case.version, [], 200
    if request.method == "POST":
        status = 422
        version = seen_version(request)
        if form.is_valid():
            conflict = {}
            saved = _save(
                form, decide, conflict=conflict, actor=request.user, case=case, version=version,
                request=request, **form.cleaned_data,
            )  # fmt: skip
            if saved is not None:
                messages.success(request, done)
                return redirect(case_url(case))
            if conflict:
                form.add_error(None, conflict["conflict"])
                changes = conflict["changes"]
                version, status = Case.objects.get(pk=case.pk).version, 409
    _viewed_page(request, case, page=page)
    return render(
        request,
        template,
        {
            "case": case,
            "case_link": case_url(case),
            "form": form,
            "version": version,
            "changes": changes,
            **context,
        },
        status=status,
    )


def _end(request, case_id, *, purpose):
    case = _visible_case(request.user, case_id)
    _secretariat(access.case_access(request.user, case))
    form = CaseEndForm(request.POST or None, case=case, purpose=purpose)
    if request.GET.get("meeting") and not form.is_bound:
        form.initial["meeting"] = request.GET["meeting"]
    closing = purpose == MeetingPurpose.CLOSURE

    def decide(*, text, **common):
        try:
            if closing:
                return services.case_close(evaluation=text, **common)
            return services.case_suspend(reason=text, **common)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                raise
            # The service names the text for what it is (evaluation, reason); the form, "text".
            raise ValidationError({"text": exc.messages}) from exc

    return _decision(
        request,
        case,
        form,
        decide,
        page="case_close" if closing else "case_suspend",
        template="cases/case_end_form.html",
        done=gettext("ケースを終結しました。") if closing else gettext("ケースを中断しました。"),
        closing=closing,
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
    return _decision(
        request,
        case,
        form,
        services.case_reopen,
        page="case_reopen",
        template="cases/case_reopen_form.html",
        done=gettext("ケースを再開しました。"),
    )
