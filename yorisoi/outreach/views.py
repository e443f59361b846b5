"""Screens for outreach (アウトリーチ): the list, a target's page, the contact log (tablet),
editing (R7), the trust stage, identifying the person, hand-over and closing.

Thin: parse, call a service or selector, render. Who may read a target is access.py's (R6):
a target the user may not read is "not found", exactly like a missing id. Every read of a
target is audited with its basis.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from yorisoi import access
from yorisoi.audit.log import record, record_reads
from yorisoi.errors import ConcurrentEditError, RuleViolation
from yorisoi.http.forms import form_status, run_service, seen_version
from yorisoi.people import selectors as people_selectors
from yorisoi.people.picker import picker_fallback

from . import selectors, services
from .forms import (
    CloseForm,
    ContactForm,
    HandOverForm,
    ListFilterForm,
    PersonLinkForm,
    PersonSearchForm,
    StageForm,
    TargetForm,
)
from .models import STAGE_ORDER, STAGE_TRANSITIONS, OutreachTarget, Stage, Status

PAGE_SIZE = 25
PICKER_LIMIT = 20


def _target(user, target_id) -> OutreachTarget:
    try:
        return selectors.target_detail(user=user, target_id=target_id)
    except (OutreachTarget.DoesNotExist, ValidationError) as exc:
        raise Http404 from exc


def _rights(user, target, what=None) -> access.OutreachAccess:
    rights = access.outreach_access(user, target)
    if not rights.read:
        raise Http404
    if what and not getattr(rights, what):
        raise PermissionDenied
    return rights


def _to_target(target):
    return redirect("outreach:target_detail", target_id=target.pk)


def _run(form, call):
    """Call a service; its refusal becomes a form error. Returns the result or None."""
    return run_service(form, call, missing=OutreachTarget.DoesNotExist)


# --- the list -------------------------------------------------------------------------------


@require_http_methods(["GET"])
def target_list(request):
    """GET filters are codes (stage, category, district), never personal data."""
    user = request.user
    form = ListFilterForm(request.GET or None)
    filters = {"scope": "mine", "status": Status.OPEN, "stage": "", "category": "", "district": ""}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters.update(
            scope=data["scope"] or "mine",
            status=data["status"] if "status" in request.GET else Status.OPEN,
            stage=data["stage"],
            category=data["category"].code if data["category"] else "",
            district=data["district"].code if data["district"] else "",
        )
    if not form.is_bound:
        form = ListFilterForm(initial={"scope": "mine", "status": Status.OPEN})
    page = Paginator(selectors.target_list(user=user, **filters), PAGE_SIZE).get_page(
        request.GET.get("page") or 1
    )
    targets = list(page.object_list)
    if targets:
        bases = access.outreach_bases(user, [t.pk for t in targets])
        record_reads("outreach.targets_listed", actor=user, request=request, bases=bases)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "outreach/target_list.html",
        {
            "form": form,
            "page": page,
            "targets": targets,
            "query": query.urlencode(),
            "quiet_days": selectors.quiet_days(),
            "today": timezone.localdate(),
        },
    )


def _from_case(request):
    """?case=<uuid>: the form is opened from that case's page (an id, never a name). A case the
    user may not read is "not found"; one they may read but not record on, forbidden."""
    if not request.GET.get("case"):
        return None
    try:
        case = access.visible_cases(request.user).filter(pk=request.GET["case"]).first()
    except ValidationError as exc:
        raise Http404 from exc
    if case is None:
        raise Http404
    if not access.case_access(request.user, case).record:
        raise PermissionDenied
    return case


@require_http_methods(["GET", "POST"])
def target_create(request):
    case = _from_case(request)
    form = TargetForm(request.POST or None, user=request.user, case=case)
    # Without script the case picker's search button comes here: show its matches, save nothing.
    picking = request.method == "POST" and picker_fallback(request, form)
    if request.method == "POST" and not picking and form.is_valid():
        fields = dict(form.cleaned_data)
        if case is not None:
            fields["case"] = case
        target = _run(
            form,
            lambda: services.target_create(actor=request.user, request=request, **fields),
        )
        if target is not None:
            messages.success(request, gettext("アウトリーチの対象を登録しました。"))
            return _to_target(target)
    return render(
        request,
        "outreach/target_form.html",
        {"form": form, "case": case, "form_url": request.get_full_path()},
        status=200 if picking else form_status(request),
    )


# --- the target's page ----------------------------------------------------------------------


def target_detail(request, target_id):
    target = _target(request.user, target_id)
    rights = _rights(request.user, target)
    record(
        "outreach.target_viewed",
        actor=request.user,
        target=target,
        basis=rights.basis,
        request=request,
    )
    contacts = list(selectors.contacts_of(target))
    return render(
        request,
        "outreach/target_detail.html",
        {
            "target": target,
            "rights": rights,
            "person": access.person_if_open(request.user, target.person),
            "case_visible": _case_visible(request.user, target),
            "contacts": contacts,
            "stages": list(Stage),
            # Stages already passed, shown as done (✓) before the current one.
            "stages_done": [s for s in Stage if STAGE_ORDER[s] < STAGE_ORDER[Stage(target.stage)]],
            "stage_history": list(selectors.stage_history(target)),
            "can_move_stage": rights.edit and bool(STAGE_TRANSITIONS[Stage(target.stage)]),
            "can_reopen": target.status == Status.CLOSED and rights.steer,
            "quiet_days": selectors.quiet_days(),
        },
    )


def _case_visible(user, target) -> bool:
    """Whether the user may read the case the target belongs to (else it is not named)."""
    return access.case_if_open(user, target.case) is not None


def _change_visible(user, change) -> bool:
    """A concurrent edit that put the target into a case the user may not read: not named."""
    case = change["theirs"] if change["field"] == "case" else None
    return case is None or access.visible_cases(user).filter(pk=case.pk).exists()


@require_http_methods(["GET", "POST"])
def target_edit(request, target_id):
    target = _target(request.user, target_id)
    _rights(request.user, target, "edit")
    initial = {name: getattr(target, name) for name in services.EDIT_FIELDS}
    case_visible = _case_visible(request.user, target)
    form = TargetForm(
        request.POST or None,
        user=request.user,
        initial=initial,
        keep_case=target.case_id if case_visible else None,
        case_hidden=bool(target.case_id) and not case_visible,
    )
    context = {
        "form": form,
        "target": target,
        "version": target.version,
        "case_hidden": bool(target.case_id) and not case_visible,
    }
    picking = request.method == "POST" and picker_fallback(request, form)
    if request.method == "POST" and not picking and form.is_valid():
        version = seen_version(request)
        try:
            updated = _run(
                form,
                lambda: services.target_update(
                    actor=request.user,
                    target=target,
                    version=version,
                    request=request,
                    **form.cleaned_data,
                ),
            )
        except ConcurrentEditError as exc:
            changes = [c for c in exc.changes if _change_visible(request.user, c)]
            context.update(conflict=exc.message, changes=changes, version=version)
            return render(request, "outreach/target_form.html", context, status=409)
        if updated is not None:
            messages.success(request, gettext("保存しました。"))
            return _to_target(updated)
    status = 200 if picking else form_status(request)
    return render(request, "outreach/target_form.html", context, status=status)


# --- contacts and the stage -----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def contact_add(request, target_id):
    target = _target(request.user, target_id)
    _rights(request.user, target, "log_contact")
    form = ContactForm(request.POST or None, user=request.user, target=target)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        agencies = list(data.pop("agencies"))
        other = data.pop("other_agency")
        if other is not None:
            agencies.append(other)
        contact = _run(
            form,
            lambda: services.contact_add(
                actor=request.user, target=target, agencies=agencies, request=request, **data
            ),
        )
        if contact is not None:
            messages.success(request, gettext("訪問・連絡を記録しました。"))
            return _to_target(target)
    return render(
        request,
        "outreach/contact_form.html",
        {"form": form, "target": target},
        status=form_status(request),
    )


@require_http_methods(["GET", "POST"])
def stage_move(request, target_id):
    target = _target(request.user, target_id)
    _rights(request.user, target, "edit")
    form = StageForm(request.POST or None, initial={"to_stage": target.stage})
    context = {
        "form": form,
        "target": target,
        "version": target.version,
        "supported": services.supported_stage(target),
    }
    if request.method == "POST" and form.is_valid():
        try:
            moved = _run(
                form,
                lambda: services.stage_move(
                    actor=request.user,
                    target=target,
                    version=seen_version(request),
                    request=request,
                    **form.cleaned_data,
                ),
            )
        except ConcurrentEditError as exc:
            form.add_error(None, exc.message)
            return render(request, "outreach/stage_form.html", context, status=409)
        if moved is not None:
            messages.success(request, gettext("信頼関係の段階を変更しました。"))
            return _to_target(moved)
    return render(request, "outreach/stage_form.html", context, status=form_status(request))


# --- identify, hand over, close -------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def person_link(request, target_id):
    """Step 1 (POST q): matches among the people the user may read, as radio buttons.
    Step 2 (POST person): link. Names only ever travel in POST bodies."""
    target = _target(request.user, target_id)
    _rights(request.user, target, "edit")
    search = PersonSearchForm(request.POST if "q" in request.POST else None)
    link = PersonLinkForm(request.POST if "person" in request.POST else None, user=request.user)
    people = []
    if search.is_bound and search.is_valid():
        people = list(
            people_selectors.person_search(user=request.user, query=search.cleaned_data["q"])[
                :PICKER_LIMIT
            ]
        )
        if people:
            bases = access.person_bases(request.user, [p.pk for p in people])
            record_reads("person.searched", actor=request.user, request=request, bases=bases)
    if link.is_bound and link.is_valid():
        try:
            linked = _run(
                link,
                lambda: services.person_link(
                    actor=request.user,
                    target=target,
                    version=seen_version(request),
                    person=link.cleaned_data["person"],
                    request=request,
                ),
            )
        except ConcurrentEditError as exc:
            link.add_error(None, exc.message)
            linked = None
        if linked is not None:
            messages.success(request, gettext("本人を特定し、記録を結びつけました。"))
            return _to_target(linked)
    return render(
        request,
        "outreach/person_link.html",
        {
            "target": target,
            "search": search,
            "link": link,
            "people": people,
            "searched": search.is_bound,
            "version": target.version,
        },
        status=422 if (link.is_bound and link.errors) else 200,
    )


def _ending(request, target_id, form_class, template, call, success):
    target = _target(request.user, target_id)
    _rights(request.user, target, "edit")
    form = form_class(request.POST or None)
    context = {
        "form": form,
        "target": target,
        "version": target.version,
        "case_visible": _case_visible(request.user, target),
    }
    if request.method == "POST" and form.is_valid():
        try:
            done = _run(form, lambda: call(target, form.cleaned_data, seen_version(request)))
        except ConcurrentEditError as exc:
            form.add_error(None, exc.message)
            return render(request, template, context, status=409)
        if done is not None:
            messages.success(request, success)
            return _to_target(done)
    return render(request, template, context, status=form_status(request))


@require_http_methods(["GET", "POST"])
def hand_over(request, target_id):
    return _ending(
        request,
        target_id,
        HandOverForm,
        "outreach/hand_over.html",
        lambda target, data, version: services.target_hand_over(
            actor=request.user, target=target, version=version, request=request, **data
        ),
        gettext("支援機関へ引き継ぎました。"),
    )


@require_http_methods(["GET", "POST"])
def target_close(request, target_id):
    return _ending(
        request,
        target_id,
        CloseForm,
        "outreach/close_form.html",
        lambda target, data, version: services.target_close(
            actor=request.user, target=target, version=version, request=request, **data
        ),
        gettext("アウトリーチを終了しました。"),
    )


@require_POST
def target_reopen(request, target_id):
    target = _target(request.user, target_id)
    _rights(request.user, target)
    try:
        services.target_reopen(
            actor=request.user, target=target, version=seen_version(request), request=request
        )
    except RuleViolation as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, gettext("アウトリーチを再開しました。"))
    return _to_target(target)
