"""The progress record (支援経過記録) screens: the timeline with its filters, writing a record,
correcting one's own agency's record (R7).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from yorisoi import access
from yorisoi.directory.models import Agency
from yorisoi.errors import RuleViolation, refuse_on_screen
from yorisoi.http.errors import one_or_404
from yorisoi.http.forms import add_errors, seen_version
from yorisoi.intake import views as intake_views
from yorisoi.intake.forms_life import ContactRecordForm

from .. import selectors, services
from ..forms import (
    RecordForm,
    TimelineFilterForm,
)
from .base import _rights, _save, _status, _viewed, _visible_case

TIMELINE_PAGE_SIZE = 30


def timeline(request, case_id):
    user = request.user
    case = _visible_case(user, case_id)
    rights = _rights(user, case)
    flat = selectors.timeline_kinds()
    kinds = [
        (gettext("支援経過記録"), [k for k in flat if k[0].startswith("record.")]),
        (gettext("ケースの出来事"), [k for k in flat if k[0].startswith("event.")]),
        (gettext("きっかけの相談"), [k for k in flat if k[0] == "referral"]),
    ]
    agencies = list(
        Agency.objects.filter(pk__in=case.involvements.values("agency_id")).values_list(
            "code", "name"
        )
    )
    form = TimelineFilterForm(request.GET or None, kinds=kinds, agencies=agencies)
    agency, kind = "", ""
    if form.is_bound and form.is_valid():
        agency, kind = form.cleaned_data["agency"], form.cleaned_data["kind"]
    entries = selectors.case_timeline(user=user, case=case, agency=agency, kind=kind)
    page = Paginator(entries, TIMELINE_PAGE_SIZE).get_page(request.GET.get("page"))
    _viewed(request, case, rights, "case.timeline_viewed")
    query = "&".join(f"{k}={v}" for k, v in (("agency", agency), ("kind", kind)) if v)
    return render(
        request,
        "cases/timeline.html",
        {
            "case": case,
            "rights": rights,
            "form": form,
            "page": page,
            "entries": page.object_list,
            "filter_query": query,
        },
    )


@require_http_methods(["GET", "POST"])
def record_add(request, case_id):
    user = request.user
    case = _visible_case(user, case_id)
    _rights(user, case, "record")
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = RecordForm(request.POST or None, initial={"occurred_at": now, "kind": "visit"})
    if request.method == "POST" and form.is_valid():
        saved = _save(
            form, services.record_add, actor=user, case=case, request=request,
            **form.cleaned_data,
        )  # fmt: skip
        if saved is not None:
            messages.success(request, gettext("支援経過記録を書きました。"))
            return redirect("cases:timeline", case_id=case.pk)
    return render(
        request,
        "cases/record_form.html",
        {"case": case, "form": form, "editing": False},
        status=_status(request),
    )


@require_http_methods(["GET", "POST"])
def record_edit(request, record_id):
    """A correction by the writing agency; the earlier wording stays in the history (R7). The
    same screen corrects a record on a case and one on a consultation (access.correctable_record)."""
    user = request.user
    try:
        entry = access.correctable_record(user, record_id)
    except RuleViolation as exc:
        refuse_on_screen(exc)
        raise
    if entry is None:
        raise Http404
    case, consultation = entry.case, entry.consultation
    initial = {
        "kind": entry.kind,
        "occurred_at": timezone.localtime(entry.occurred_at).replace(second=0, microsecond=0),
        "text": entry.text,
    }
    form = RecordForm(request.POST or None, initial=initial)
    version, extra = entry.version, {}
    if request.method == "POST" and form.is_valid():
        saved = _save(
            form, services.record_correct, conflict=extra, actor=user, entry=entry,
            version=seen_version(request), request=request, **form.cleaned_data,
        )  # fmt: skip
        if saved is not None:
            messages.success(request, gettext("記録を訂正しました。以前の内容は履歴に残ります。"))
            if consultation is not None:
                return redirect("intake:consultation_detail", consultation_id=consultation.pk)
            return redirect("cases:timeline", case_id=case.pk)
    if request.method == "GET":
        if consultation is not None:
            services.consultation_records_read(
                actor=user, consultation=consultation, ids=[entry.pk], request=request
            )
        else:
            _viewed(request, case, access.case_access(user, case))
    context = {"case": case, "consultation": consultation, "form": form, "editing": True}
    return render(
        request,
        "cases/record_form.html",
        {**context, "entry": entry, "version": version, **extra},
        status=_status(request),
    )


@require_POST
def consultation_record_add(request, consultation_id):
    """経過を記録 on a consultation's page: the same ProgressRecord and service as a case's, with
    the next action (R3). Done or refused by a rule: back to the page; a field error: the page
    again with the form (422)."""
    user = request.user
    consultation = one_or_404(
        access.visible_consultations(user).select_related(
            "person", "household", "receiving_agency", "responsible_agency", "holder"
        ),
        pk=consultation_id,
    )
    form = ContactRecordForm(request.POST)
    if form.is_valid():
        refused = False
        try:
            services.record_add(
                actor=user,
                consultation=consultation,
                version=seen_version(request),
                request=request,
                **form.cleaned_data,
            )
        except RuleViolation as exc:
            refuse_on_screen(exc)
            messages.error(request, exc.message)
            refused = True
        except ValidationError as exc:
            add_errors(form, exc)
        if not form.errors:
            if not refused:
                messages.success(request, gettext("経過を記録しました。"))
            return redirect("intake:consultation_detail", consultation_id=consultation.pk)
    return intake_views.consultation_page(request, consultation, status=422, record_form=form)
