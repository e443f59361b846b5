"""Screens for participation support (参加支援): my needs, a need with its ranked proposals,
placements moving through their steps, follow-ups, gaps.

Thin: parse, call a service or selector, render. A need the user may not read is "not found",
exactly like a missing id (access.py, R6); every read is audited with its basis.
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
from yorisoi.errors import ConcurrentEditError, RuleViolation, refuse_on_screen
from yorisoi.http.errors import one_or_404
from yorisoi.http.forms import form_status, run_service, seen_version
from yorisoi.people import selectors as people_selectors
from yorisoi.resources.models import WEEKDAY_LABELS, Service

from . import selectors, services
from .forms import FollowUpDoneForm, GapForm, MoveForm, NeedForm
from .models import PLACEMENT_TRANSITIONS, ParticipationNeed, PlacementStatus

PAGE_SIZE = 25
MOVE_TO = {
    "contact": PlacementStatus.COORDINATING,
    "trial": PlacementStatus.TRIAL,
    "start": PlacementStatus.STARTED,
    "settle": PlacementStatus.SETTLED,
    "end": PlacementStatus.ENDED,
}


def _need(user, need_id) -> tuple[ParticipationNeed, str]:
    try:
        need = selectors.need_detail(user=user, need_id=need_id)
    except (ParticipationNeed.DoesNotExist, ValidationError) as exc:
        raise Http404 from exc
    basis = access.participation_basis(user, need)
    if basis is None:
        raise Http404
    return need, basis


def _steer(user, need):
    if not access.can_steer_participation(user, need):
        raise PermissionDenied


def _to_need(need_id):
    return redirect("participation:need_detail", need_id=need_id)


def _run(form, call):
    """Call a service; its refusal becomes a form error. Returns the result or None."""
    return run_service(form, call, missing=ParticipationNeed.DoesNotExist)


@require_http_methods(["GET"])
def need_list(request):
    page = Paginator(selectors.need_list(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page") or 1
    )
    needs = list(page.object_list)
    if needs:
        bases = access.participation_bases(request.user, [n.pk for n in needs])
        record_reads("participation.needs_listed", actor=request.user, request=request, bases=bases)
    # A row names its person only if that record opens to the reader (R6), as the need's page.
    people = access.person_bases(request.user, {n.person_id for n in needs})
    return render(
        request,
        "participation/need_list.html",
        {"page": page, "needs": needs, "open_people": set(people)},
    )


def _picked(request):
    """?case=<uuid> or ?person=<uuid> narrows the person picker (ids only, never names)."""
    case = person = None
    if request.GET.get("case"):
        case = one_or_404(access.visible_cases(request.user), pk=request.GET["case"])
    if request.GET.get("person"):
        person = one_or_404(access.visible_people(request.user), pk=request.GET["person"])
    return case, person


PICKER_LIMIT = 10


def _picker(request, form, *, narrowed: bool) -> dict:
    """The 本人 picker: the people matching what was typed (POSTed, so names never enter a
    URL), the person picked so far first. Showing the matches is a read (audited)."""
    if "person" not in form.fields:
        return {}
    query = request.POST.get("q", "").strip() if request.method == "POST" else ""
    found = []
    if query:
        matches = people_selectors.person_search(user=request.user, query=query)
        if narrowed:  # opened from a case or for one person: only those
            matches = matches.filter(pk__in=form.fields["person"].queryset.values("pk"))
        found = list(matches[:PICKER_LIMIT])
        if found:
            bases = access.person_bases(request.user, [p.pk for p in found])
            record_reads("person.searched", actor=request.user, request=request, bases=bases)
    chosen = form.chosen_person
    people = ([chosen] if chosen is not None and chosen not in found else []) + found
    return {"picker_people": people, "picker_query": query, "searched": bool(query)}


@require_http_methods(["GET", "POST"])
def need_create(request):
    """POST with `find` (the 探す button, or htmx while typing and on picking a person) shows
    the form again with the matches and the picked person's cases; nothing is validated or
    saved. Any other POST saves."""
    try:
        case, person = _picked(request)
    except ValidationError as exc:
        raise Http404 from exc
    finding = request.method == "POST" and "find" in request.POST
    if finding:
        initial = NeedForm.initial_from(request.POST)
        form = NeedForm(initial=initial, user=request.user, case=case, person=person)
    else:
        form = NeedForm(request.POST or None, user=request.user, case=case, person=person)
    if request.method == "POST" and not finding and form.is_valid():
        fields = form.service_fields()
        fields.setdefault("case", case)
        need = _run(
            form,
            lambda: services.need_create(actor=request.user, request=request, **fields),
        )
        if need is not None:
            messages.success(request, gettext("参加支援のニーズを登録しました。"))
            return _to_need(need.pk)
    context = {
        "form": form,
        "case": case,
        "form_url": request.get_full_path(),
        **_picker(request, form, narrowed=case is not None or person is not None),
    }
    saving = request.method == "POST" and not finding
    return render(request, "participation/need_form.html", context, status=422 if saving else 200)


@require_http_methods(["GET", "POST"])
def need_edit(request, need_id):
    need, _basis = _need(request.user, need_id)
    _steer(request.user, need)
    initial = {name: getattr(need, name) for name in services.EDIT_FIELDS if name != "interests"}
    initial["interests"] = list(need.interests.all())
    initial["available_days"] = need.days
    form = NeedForm(request.POST or None, user=request.user, initial=initial, editing=True)
    context = {"form": form, "need": need, "version": need.version}
    if request.method == "POST" and form.is_valid():
        try:
            updated = _run(
                form,
                lambda: services.need_update(
                    actor=request.user,
                    need=need,
                    version=seen_version(request),
                    request=request,
                    **form.service_fields(),
                ),
            )
        except ConcurrentEditError as exc:
            form.add_error(None, exc.message)
            return render(request, "participation/need_form.html", context, status=409)
        if updated is not None:
            messages.success(request, gettext("保存しました。"))
            return _to_need(need.pk)
    status = form_status(request)
    return render(request, "participation/need_form.html", context, status=status)


def need_detail(request, need_id):
    need, basis = _need(request.user, need_id)
    record(
        "participation.need_viewed", actor=request.user, target=need, basis=basis, request=request
    )
    placements = list(selectors.placements_of(need))
    proposed = {p.service_id for p in placements if p.is_open}
    return render(
        request,
        "participation/need_detail.html",
        {
            "need": need,
            "person": access.person_if_open(request.user, need.person),
            "case": access.case_if_open(request.user, need.case),
            "days": "・".join(str(WEEKDAY_LABELS[d]) for d in need.days),
            "basis": basis,
            "can_steer": access.can_steer_participation(request.user, need),
            "ranked": selectors.rank_resources(need),
            "proposed": proposed,
            "placements": placements,
            "moves": {
                p.pk: [m for m, to in MOVE_TO.items() if to in PLACEMENT_TRANSITIONS[p.status]]
                for p in placements
            },
            "move_form": MoveForm(),
            "done_form": FollowUpDoneForm(),
        },
    )


@require_POST
def placement_propose(request, need_id):
    need, _basis = _need(request.user, need_id)
    _steer(request.user, need)
    service = one_or_404(Service.objects, pk=request.POST.get("service"))
    try:
        services.placement_propose(actor=request.user, need=need, service=service, request=request)
    except RuleViolation as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, gettext("参加先として提案しました。"))
    return _to_need(need.pk)


@require_POST
def placement_move(request, placement_id):
    placement = one_or_404(selectors.visible_placements(request.user), pk=placement_id)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("操作を選んでください。"))
        return _to_need(placement.need_id)
    data = form.cleaned_data
    kwargs = {"actor": request.user, "placement": placement, "version": seen_version(request),
              "request": request}  # fmt: skip
    try:
        if data["move"] == "end":
            services.placement_end(reason=data["reason"], **kwargs)
        elif data["move"] == "contact":
            services.placement_contact(resource_contact=data["resource_contact"], **kwargs)
        else:
            services.MOVES[data["move"]](**kwargs)
    except ParticipationNeed.DoesNotExist as exc:
        raise Http404 from exc
    except (RuleViolation, ValidationError) as exc:
        if isinstance(exc, RuleViolation):
            refuse_on_screen(exc)
        messages.error(request, getattr(exc, "message", None) or " ".join(exc.messages))
    else:
        messages.success(request, gettext("参加先の段階を更新しました。"))
    return _to_need(placement.need_id)


@require_POST
def follow_up_done(request, follow_up_id):
    follow_up = one_or_404(selectors.visible_follow_ups(request.user), pk=follow_up_id)
    form = FollowUpDoneForm(request.POST)
    need_id = follow_up.placement.need_id
    if not form.is_valid():
        messages.error(request, gettext("結果を選んでください。"))
        return _to_need(need_id)
    try:
        services.follow_up_done(
            actor=request.user, follow_up=follow_up, request=request, **form.cleaned_data
        )
    except ParticipationNeed.DoesNotExist as exc:
        raise Http404 from exc
    except RuleViolation as exc:
        refuse_on_screen(exc)
        messages.error(request, exc.message)
    else:
        messages.success(request, gettext("フォローアップを記録しました。"))
    if request.POST.get("next") == "queue":
        return redirect("participation:my_follow_ups")
    return _to_need(need_id)


@require_http_methods(["GET"])
def my_follow_ups(request):
    today = timezone.localdate()
    page = Paginator(selectors.upcoming_follow_ups(request.user), PAGE_SIZE).get_page(
        request.GET.get("page") or 1
    )
    items = list(page.object_list)
    if items:
        bases = access.participation_bases(request.user, {f.placement.need_id for f in items})
        record_reads(
            "participation.follow_ups_listed", actor=request.user, request=request, bases=bases
        )
    people = access.person_bases(request.user, {f.placement.need.person_id for f in items})
    return render(
        request,
        "participation/my_follow_ups.html",
        {
            "page": page,
            "items": items,
            "today": today,
            "done_form": FollowUpDoneForm(),
            "open_people": set(people),
        },
    )


@require_http_methods(["GET", "POST"])
def gap_create(request, need_id):
    """Nothing fits: the gap, pre-filled from the need (its first interest and district)."""
    need, _basis = _need(request.user, need_id)
    interests = list(need.interests.all())
    initial = {
        "category": interests[0].pk if interests else None,
        "district": need.district_id,
        "need_text": need.short_term_goal,
    }
    form = GapForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        gap = _run(
            form,
            lambda: services.gap_record(
                actor=request.user, need=need, request=request, **form.cleaned_data
            ),
        )
        if gap is not None:
            messages.success(request, gettext("不足している社会資源として記録しました。"))
            return _to_need(need.pk)
    return render(
        request,
        "participation/gap_form.html",
        {"form": form, "need": need},
        status=form_status(request),
    )
