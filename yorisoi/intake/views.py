"""Screens for comprehensive consultation (包括的相談支援): queue, intake, the consultation page
and its referrals, and the 民生委員's short report. Thin: parse, call a service or selector,
render. Rules live in services.py (R1, R2), queues.py (R3) and access.py (R6).
"""

from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from yorisoi import access
from yorisoi.access.bases import BASIS_VOLUNTEER_REPORT
from yorisoi.audit.log import record, record_reads
from yorisoi.errors import RuleViolation, refuse_on_screen
from yorisoi.http.errors import one_or_404
from yorisoi.http.forms import add_errors, form_status, run_service, seen_version
from yorisoi.people import selectors as people_selectors

from . import selectors, services
from .forms import (
    ConsultationForm,
    OutcomeForm,
    ReferralAnswerForm,
    ReferralForm,
    VolunteerReportForm,
)
from .forms_life import AssigneeForm, CloseForm, ContactRecordForm, ReassignForm, ReopenForm
from .models import ConsultationIssue, Referral, ReferralStatus


def _visible_consultation(user, consultation_id):
    consultations = access.visible_consultations(user).select_related(
        "person", "household", "receiving_agency", "responsible_agency", "holder"
    )
    return one_or_404(consultations, pk=consultation_id)


def _visible_referral(user, referral_id):
    referrals = selectors.visible_referrals(user).select_related("consultation")
    return one_or_404(referrals, pk=referral_id)


# --- intake --------------------------------------------------------------------------------


PICKER_LIMIT = 10


@require_POST
def person_picker(request):
    """htmx: people matching what was typed, as radio buttons for the intake form's 本人.

    POSTed so names never enter a URL; showing the matches is a read (audited)."""
    people = (
        list(
            people_selectors.person_search(user=request.user, query=request.POST.get("q", ""))[
                :PICKER_LIMIT
            ]
        )
        if request.POST.get("q", "").strip()
        else []
    )
    if people:
        bases = access.person_bases(request.user, [p.pk for p in people])
        record_reads("person.searched", actor=request.user, request=request, bases=bases)
    searched = bool(request.POST.get("q", "").strip())
    return render(request, "intake/_person_picker.html", {"people": people, "searched": searched})


@require_http_methods(["GET", "POST"])
def consultation_create(request):
    form = ConsultationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        issues, main_issue = data.pop("issues"), data.pop("main_issue") or None
        next_action_on, outcome = data.pop("next_action_on"), data.pop("outcome")
        consultation = run_service(
            form,
            lambda: services.consultation_create(
                actor=request.user,
                issues=issues,
                main_issue=main_issue,
                next_action_on=next_action_on,
                outcome=outcome,
                at_the_door=True,
                request=request,
                **data,
            ),
        )
        if consultation is not None:
            messages.success(request, gettext("相談を受け付けました。"))
            return redirect("intake:consultation_detail", consultation_id=consultation.pk)
    chosen_person = None
    # From the person's page (「相談を受け付ける」): ?person=<uuid> chooses them, if the user
    # may open their record (the field's queryset is access.visible_people); else nothing.
    chosen = form["person"].value() if request.method == "POST" else request.GET.get("person")
    if chosen:
        try:
            chosen_person = form.fields["person"].queryset.filter(pk=chosen).first()
        except ValidationError:  # not a UUID: the field error says so
            chosen_person = None
        if chosen_person is not None and request.method == "GET":
            bases = access.person_bases(request.user, [chosen_person.pk])
            record_reads("person.chosen", actor=request.user, request=request, bases=bases)
            # The person is chosen already: the keyboard starts at what they say.
            form.fields["summary"].widget.attrs["autofocus"] = True
    return render(
        request,
        "intake/consultation_form.html",
        {"form": form, "chosen_person": chosen_person},
        status=form_status(request),
    )


# --- the consultation page -----------------------------------------------------------------


def _detail(request, consultation, *, status=200, **forms):
    user = request.user
    chain = selectors.handoff_chain(consultation)
    pending = next((r for r in chain if r.status == ReferralStatus.PENDING), None)
    holds_it = access.acts_for(user, consultation.responsible_agency_id)
    today = timezone.localdate()
    for referral in chain:
        # Withdrawn referrals wait for nothing; the others show their 回答期限 (R2).
        if referral.status != ReferralStatus.WITHDRAWN:
            referral.deadline = selectors.referral_deadline(referral, today=today)
        side = access.referral_acknowledger(user, referral)
        referral.can_acknowledge = (side == "sender" and not referral.sender_acknowledged_at) or (
            side == "coordinator" and not referral.coordinator_acknowledged_at
        )
    issues = (
        ConsultationIssue.objects.filter(consultation=consultation)
        .select_related("issue")
        .order_by("-is_main", "issue__order")
    )
    records = list(selectors.consultation_records(user, consultation))
    record(
        "consultation.viewed",
        actor=user,
        target=consultation,
        basis=access.consultation_basis(user, consultation),
        request=request,
        ids=[r.pk for r in chain] + [r.pk for r in records],
    )
    can_decide = holds_it and consultation.outcome == "" and pending is None
    can_refer = holds_it and consultation.is_open and pending is None
    # The consultation's life (DOMAIN.md "Consultation lifecycle"): the agency holding it
    # records contacts, passes it to a colleague, closes it once it has its outcome (R1) and
    # no referral awaits an answer (R2), and reopens it. The services say no the same way.
    is_open = consultation.is_open
    can_close = holds_it and is_open and consultation.outcome != "" and pending is None
    for referral in chain:
        referral.can_assign = referral.status == ReferralStatus.ACCEPTED and access.acts_for(
            user, referral.to_agency_id
        )
        if referral.can_assign:
            referral.assignee_form = (
                forms.get("assignee_form")
                if getattr(forms.get("assignee_form"), "referral", None) == referral
                else AssigneeForm(user=user, referral=referral)
            )
    life = {
        "records": records,
        "timeline": selectors.consultation_timeline(consultation, records),
        # The agency that wrote a record corrects it (R7; cases.services.record_correct).
        "correctable": {r.pk for r in records if access.acts_for(user, r.agency_id)},
        "cases": list(access.cases_from_consultation(user, consultation)),
        "record_form": forms.get("record_form")
        or (ContactRecordForm() if holds_it and is_open else None),
        "reassign_form": forms.get("reassign_form")
        or (ReassignForm(user=user, consultation=consultation) if holds_it and is_open else None),
        "close_form": forms.get("close_form") or (CloseForm() if can_close else None),
        "close_blocked": holds_it and is_open and not can_close,
        "reopen_form": forms.get("reopen_form")
        or (ReopenForm(user=user, consultation=consultation) if holds_it and not is_open else None),
    }
    context = {
        "consultation": consultation,
        "issues": issues,
        "chain": chain,
        "pending": pending,
        "pass_around": selectors.at_risk_of_pass_around(consultation),
        "can_decide": can_decide,
        "can_refer": can_refer,
        "can_answer": pending is not None and access.acts_for(user, pending.to_agency_id),
        "can_withdraw": pending is not None and access.acts_for(user, pending.from_agency_id),
        "outcome_form": forms.get("outcome_form")
        or (OutcomeForm(consultation=consultation) if can_decide else None),
        "referral_form": forms.get("referral_form")
        or (ReferralForm(user=user) if can_refer else None),
        "answer_form": forms.get("answer_form") or ReferralAnswerForm(),
        **life,
    }
    return render(request, "intake/consultation_detail.html", context, status=status)


def consultation_page(request, consultation, *, status=200, **forms):
    """The consultation's page with `forms` shown as posted: for a form on this page that
    another app's view handles (cases: 経過を記録)."""
    return _detail(request, consultation, status=status, **forms)


def consultation_detail(request, consultation_id):
    consultation = _visible_consultation(request.user, consultation_id)
    return _detail(request, consultation)


def _step_on_page(request, consultation, form, step, success_message):
    """A step taken with a form on the consultation page. Done, or refused by a rule (shown as
    a message): back to the page. Refused by a field: None, to show the page with the form."""
    try:
        step()
    except RuleViolation as exc:
        refuse_on_screen(exc)
        messages.error(request, exc.message)
    except ValidationError as exc:
        add_errors(form, exc)
        return None
    else:
        messages.success(request, success_message)
    return redirect("intake:consultation_detail", consultation_id=consultation.pk)


@require_POST
def consultation_outcome(request, consultation_id):
    """R1: resolve, continue or escalate. There is no way to refuse."""
    consultation = _visible_consultation(request.user, consultation_id)
    form = OutcomeForm(request.POST, consultation=consultation)
    if form.is_valid():
        action, note = form.cleaned_data["action"], form.cleaned_data["note"]
        common = {
            "actor": request.user,
            "consultation": consultation,
            "version": seen_version(request),
            "note": note,
            "request": request,
        }
        if action == "resolve":
            step = partial(services.consultation_resolve, **common)
        elif action == "continue":
            step = partial(
                services.consultation_continue,
                next_action_on=form.cleaned_data["next_action_on"],
                **common,
            )
        else:
            step = partial(services.consultation_escalate, **common)
        done = _step_on_page(
            request, consultation, form, step, gettext("相談の結果を記録しました。")
        )
        if done is not None:
            return done
    return _detail(request, consultation, status=422, outcome_form=form)


@require_POST
def referral_create(request, consultation_id):
    """R2: send a referral or a transfer; the answer comes back to this page."""
    consultation = _visible_consultation(request.user, consultation_id)
    form = ReferralForm(request.POST, user=request.user)
    if form.is_valid():
        step = partial(
            services.referral_send,
            actor=request.user,
            consultation=consultation,
            request=request,
            **form.cleaned_data,
        )
        done = _step_on_page(request, consultation, form, step, gettext("つなぎを送りました。"))
        if done is not None:
            return done
    return _detail(request, consultation, status=422, referral_form=form)


@require_POST
def referral_answer(request, referral_id):
    """R2: the receiving agency accepts, or declines with a reason (never silently)."""
    referral = _visible_referral(request.user, referral_id)
    consultation_id = referral.consultation_id
    form = ReferralAnswerForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["action"] == "accept":
                services.referral_accept(actor=request.user, referral=referral, request=request)
                message = gettext("つなぎを受け入れました。")
            else:
                services.referral_decline(
                    actor=request.user,
                    referral=referral,
                    reason=form.cleaned_data["decline_reason"],
                    request=request,
                )
                message = gettext("受け入れできないと回答しました。送り元と福祉総務課に届きます。")
        except RuleViolation as exc:
            refuse_on_screen(exc)
            messages.error(request, exc.message)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, message)
            # After a decline the agency may no longer see the consultation (R6).
            if access.visible_consultations(request.user).filter(pk=consultation_id).exists():
                return redirect("intake:consultation_detail", consultation_id=consultation_id)
            return redirect("front:queue")
        if not form.errors:
            return redirect("intake:consultation_detail", consultation_id=consultation_id)
    consultation = _visible_consultation(request.user, consultation_id)
    return _detail(request, consultation, status=422, answer_form=form)


def _referral_step(request, referral_id, service, success_message):
    referral = _visible_referral(request.user, referral_id)
    try:
        service(actor=request.user, referral=referral, request=request)
    except RuleViolation as exc:
        refuse_on_screen(exc)
        messages.error(request, exc.message)
    else:
        messages.success(request, success_message)
    return redirect("intake:consultation_detail", consultation_id=referral.consultation_id)


@require_POST
def referral_withdraw(request, referral_id):
    return _referral_step(
        request, referral_id, services.referral_withdraw, gettext("つなぎを取り下げました。")
    )


@require_POST
def referral_acknowledge(request, referral_id):
    """R2: a declined referral leaves the sender's (or the coordinator's) queue only when seen."""
    return _referral_step(
        request, referral_id, services.referral_acknowledge, gettext("確認済みにしました。")
    )


# --- the consultation's life: holder, closure, reopening -----------------------------------
# (A contact, 経過を記録, is written by cases.views.records.consultation_record_add: the
# progress record is one model for cases and consultations, and lives in cases.)


def _life_step(request, consultation_id, form_class, form_name, step, success_message, **kw):
    consultation = _visible_consultation(request.user, consultation_id)
    # The forms offer the holding agency's staff only to that agency (access.assignable_staff):
    # anyone else is refused before the form, as the service and the API refuse them (403).
    if not access.acts_for(request.user, consultation.responsible_agency_id):
        raise PermissionDenied
    form = (
        form_class(request.POST, **kw, consultation=consultation)
        if kw
        else form_class(request.POST)
    )
    if form.is_valid():
        done = _step_on_page(
            request,
            consultation,
            form,
            partial(step, consultation=consultation, form=form),
            success_message,
        )
        if done is not None:
            return done
    return _detail(request, consultation, status=422, **{form_name: form})


@require_POST
def consultation_reassign(request, consultation_id):
    """担当者を変更: to a colleague at the agency holding it (R3)."""

    def step(*, consultation, form):
        services.consultation_reassign(
            actor=request.user,
            consultation=consultation,
            version=seen_version(request),
            holder=form.cleaned_data["holder"],
            note=form.cleaned_data["note"],
            request=request,
        )

    return _life_step(
        request,
        consultation_id,
        ReassignForm,
        "reassign_form",
        step,
        gettext("担当者を変更しました。"),
        user=request.user,
    )


@require_POST
def consultation_close(request, consultation_id):
    """終結: with a reason from the list; the consultation leaves the queues."""

    def step(*, consultation, form):
        services.consultation_close(
            actor=request.user,
            consultation=consultation,
            version=seen_version(request),
            reason=form.cleaned_data["closure_reason"],
            note=form.cleaned_data["closure_note"],
            request=request,
        )

    return _life_step(
        request,
        consultation_id,
        CloseForm,
        "close_form",
        step,
        gettext("相談を終結しました。"),
    )


@require_POST
def consultation_reopen(request, consultation_id):
    """再開: why, the next action (R3) and who holds it; the closure stays in the timeline."""

    def step(*, consultation, form):
        services.consultation_reopen(
            actor=request.user,
            consultation=consultation,
            version=seen_version(request),
            reason=form.cleaned_data["reopen_reason"],
            next_action_on=form.cleaned_data["next_action_on"],
            holder=form.cleaned_data["holder"],
            request=request,
        )

    return _life_step(
        request,
        consultation_id,
        ReopenForm,
        "reopen_form",
        step,
        gettext("相談を再開しました。"),
        user=request.user,
    )


@require_POST
def referral_assign(request, referral_id):
    """受け入れ側の担当者: the receiving agency names who handles the referral it accepted."""
    referral = _visible_referral(request.user, referral_id)
    consultation = _visible_consultation(request.user, referral.consultation_id)
    if not access.acts_for(request.user, referral.to_agency_id):
        raise PermissionDenied
    form = AssigneeForm(request.POST, user=request.user, referral=referral)
    form.referral = referral
    if form.is_valid():
        done = _step_on_page(
            request,
            consultation,
            form,
            partial(
                services.referral_assign,
                actor=request.user,
                referral=referral,
                assignee=form.cleaned_data["assignee"],
                request=request,
            ),
            gettext("受け入れ側の担当者を決めました。"),
        )
        if done is not None:
            return done
    return _detail(request, consultation, status=422, assignee_form=form)


# --- 民生委員 ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def volunteer_report(request):
    form = VolunteerReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        report = run_service(
            form,
            lambda: services.volunteer_report_create(
                actor=request.user, request=request, **form.cleaned_data
            ),
        )
        if report is not None:
            messages.success(request, gettext("報告を受け付けました。ありがとうございました。"))
            return redirect("intake:volunteer_reports")
    return render(
        request,
        "intake/volunteer_report_form.html",
        {"form": form},
        status=form_status(request),
    )


def volunteer_reports(request):
    """R6: a 民生委員 sees the date and one of three status words, never the record."""
    reports = (
        access.volunteer_reports(request.user)
        .only("pk", "received_at", "outcome")
        .prefetch_related(
            Prefetch("referrals", queryset=Referral.objects.only("pk", "consultation"))
        )
        .order_by("-received_at")
    )
    reports = list(reports)
    rows = [
        {
            "received_at": r.received_at,
            "status": selectors.VOLUNTEER_STATUS[selectors.volunteer_status(r)],
        }
        for r in reports
    ]
    record(
        "consultation.reports_listed",
        actor=request.user,
        request=request,
        ids=[r.pk for r in reports],
        basis=BASIS_VOLUNTEER_REPORT,
    )
    return render(request, "intake/volunteer_reports.html", {"rows": rows})
