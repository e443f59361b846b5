"""The case screens (多機関協働): the list, opening a case, the case page, its edits and status,
the lead and involved agencies and their roles, the program tracks, the support decision."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from yorisoi import access
from yorisoi.audit.log import (
    record_reads,
)
from yorisoi.errors import RuleViolation
from yorisoi.http.forms import seen_version
from yorisoi.intake.models import Outcome
from yorisoi.people.picker import MAX_MATCHES, picker_fallback

from .. import selectors, services
from ..forms import (
    CaseEditForm,
    CaseLeadForm,
    CaseMoveForm,
    CaseOpenForm,
    CaseSearchForm,
    InvolvementForm,
    InvolvementStaffForm,
    TrackForm,
)
from ..models import (
    CASE_TRANSITIONS,
    Involvement,
    Track,
)
from ..picker import case_matches
from .base import (
    _act,
    _rights,
    _save,
    _status,
    _to_case,
    _viewed,
    _visible,
    _visible_case,
)

PAGE_SIZE = 25


DETAIL_TIMELINE = 10


@require_http_methods(["GET", "POST"])
def case_list(request):
    """GET: status and page only. The text search is POSTed: it may hold a name."""
    user = request.user
    form = CaseSearchForm(request.POST or None)
    status = request.GET.get("status", "active")
    query, page_number = "", request.GET.get("page") or 1
    if request.method == "POST" and form.is_valid():
        query = form.cleaned_data["q"]
        status = form.cleaned_data["status"] or status
        page_number = form.cleaned_data["page"] or 1
    if status not in selectors.STATUS_FILTERS:
        status = "active"
    page = Paginator(
        selectors.case_list(user=user, status=status, query=query), PAGE_SIZE
    ).get_page(page_number)
    cases = list(page.object_list)
    bases = access.case_bases(user, [c.pk for c in cases])
    today = timezone.localdate()
    rows = [
        {
            "case": c,
            "basis": selectors.BASIS_LABELS.get(bases.get(c.pk), ""),
            "overdue": c.is_active and c.next_action_on < today,
        }
        for c in cases
    ]
    record_reads("case.listed", actor=user, request=request, bases=bases)
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "status": status,
            "statuses": list(selectors.STATUS_FILTERS.items()),
            "searched": bool(query),
            "can_open": access.can_open_case(user),
        },
    )


def _origin(user, consultation_id):
    try:
        consultation = (
            access.held_consultations(user)
            .filter(pk=consultation_id, outcome=Outcome.ESCALATED, closed_at__isnull=True)
            .select_related("person", "household")
            .first()
        )
    except ValidationError:  # not a UUID
        consultation = None
    if consultation is None:
        raise Http404
    return consultation


def _chosen_person(user, person_id):
    try:
        return access.visible_people(user).filter(pk=person_id).first()
    except ValidationError:  # not a UUID: nothing chosen
        return None


@require_http_methods(["GET", "POST"])
def case_open(request):
    """多機関協働: only the coordinating division opens a case (services.case_open says so
    too); from an escalated consultation it holds, or directly."""
    user = request.user
    origin = None
    if request.method == "GET" and request.GET.get("consultation"):
        origin = _origin(user, request.GET["consultation"])
        initial = {
            "summary": origin.summary,
            "consultation": origin.pk,
            "household": origin.household_id,
            # With a household, leaving 本人 empty makes every member a subject.
            "persons": [origin.person_id] if origin.person_id and not origin.household_id else [],
        }
    elif request.method == "GET" and request.GET.get("person"):
        # From the person's page (「ケースを開く」): the person chosen, no 700-name list to
        # search. Only someone the user may open (the field's queryset: visible_people).
        person = _chosen_person(user, request.GET["person"])
        initial = {"persons": [person.pk]} if person is not None else {}
    else:
        initial = {}
    initial.setdefault("lead_agency", user.agency_id)
    initial.setdefault("next_action_on", timezone.localdate())
    form = CaseOpenForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and picker_fallback(request, form):
        # Without JavaScript a picker's search button came here: show its matches, save nothing.
        try:
            origin = form.fields["consultation"].clean(request.POST.get("consultation"))
        except ValidationError:
            origin = None
        return render(request, "cases/case_open.html", {"form": form, "origin": origin})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        origin = data["consultation"]
        case = _save(
            form,
            services.case_open,
            actor=user,
            title=data["title"],
            persons=list(data["persons"]),
            household=data["household"],
            origin=origin,
            lead_agency=data["lead_agency"],
            lead_role=data["lead_role"],
            summary=data["summary"],
            next_action_on=data["next_action_on"],
            request=request,
        )
        if case is not None:
            messages.success(
                request, gettext("ケース %(number)s を開始しました。") % {"number": case.number}
            )
            return _to_case(case.pk)
    elif request.method == "POST":
        origin = form.cleaned_data.get("consultation")
    return render(
        request,
        "cases/case_open.html",
        {"form": form, "origin": origin},
        status=_status(request),
    )


@require_POST
def case_picker(request):
    """htmx: the cases matching what was typed into a case picker (cases.picker)."""
    name = request.POST.get("field", "")
    if not name.isidentifier():
        return HttpResponseBadRequest()
    query = request.POST.get(f"{name}__q", "")
    return render(
        request,
        "people/_picker_results.html",
        {
            "name": name,
            "multiple": False,
            "matches": case_matches(request, query),
            "searched": bool(query.strip()),
            "limit": MAX_MATCHES,
        },
    )


def case_detail(request, case_id):
    user = request.user
    case = _visible_case(user, case_id)
    rights = _rights(user, case)
    timeline = selectors.case_timeline(user=user, case=case) if rights.case_file else []
    involvements = selectors.involvements(case)
    case_file = {}
    if rights.case_file:
        # Read once: the sharing summary below takes its active consents and 支援会議 from them.
        case_file = {
            "consents": list(
                case.consents.select_related("person", "obtained_by").prefetch_related("agencies")
            ),
            "meetings": list(case.meetings.select_related("kind").order_by("-held_at")),
        }
    sharing = selectors.sharing_basis(case, **case_file)
    context = {
        "case": case,
        "rights": rights,
        "basis_label": selectors.BASIS_LABELS.get(rights.basis, ""),
        "overdue": selectors.is_overdue(case),
        "sharing": sharing,
        "involvements": involvements,
        # What the reader's own agency does here, at a glance (not for the lead: it steers).
        "own_involvement": next(
            (
                i
                for i in involvements
                if i.is_active and not i.is_lead and i.agency_id == user.agency_id
            ),
            None,
        ),
        "tracks": list(case.tracks.order_by("started_on", "pk")),
        "timeline": timeline[:DETAIL_TIMELINE],
        "timeline_more": len(timeline) > DETAIL_TIMELINE,
        "move_form": _move_form(case) if rights.edit else None,
        "can_decide_support": rights.meetings and case.support_decided_on is None,
        # R5: plans, closure and suspension need a 重層的支援会議, which needs consent
        # (services.has_active_consent, as sharing_basis reads it)
        "has_consent": sharing["all_consented"],
    }
    if rights.case_file:
        context.update(
            **case_file,
            latest_plan=services.latest_plan(case),
            latest_assessment=services.latest_assessment(case),
            action_items=list(
                case.action_items.filter(done_at__isnull=True).select_related("owner_agency")
            ),
            can_read_scans=rights.scans,
            origin_visible=bool(
                case.origin_id
                and access.visible_consultations(user).filter(pk=case.origin_id).exists()
            ),
            **_outreach_and_participation(request, case, rights),
        )
    _viewed(request, case, rights)
    return render(request, "cases/case_detail.html", context)


def _outreach_and_participation(request, case, rights) -> dict:
    """The case's outreach targets and participation needs, each only if the user may read it
    (access.py, R6), in a fixed number of queries; the reads are audited like their lists."""
    user = request.user
    targets = list(
        access.visible_outreach_targets(user)
        .filter(case=case)
        .select_related("responsible_agency")
        .order_by("created_at", "pk")
    )
    needs = list(
        access.visible_participation_needs(user)
        .filter(case=case)
        .select_related("person", "responsible_agency")
        .prefetch_related("placements__service")
        .order_by("created_at", "pk")
    )
    for action, bases in (
        ("outreach.targets_listed", access.outreach_bases(user, [t.pk for t in targets])),
        ("participation.needs_listed", access.participation_bases(user, [n.pk for n in needs])),
    ):
        if bases:
            data = {"case": str(case.pk)}
            record_reads(action, actor=user, request=request, bases=bases, data=data)
    return {"outreach_targets": targets, "participation_needs": needs}


def _move_form(case):
    """Only the manual moves the state machine allows from here (CASE_TRANSITIONS)."""
    form = CaseMoveForm()
    allowed = CASE_TRANSITIONS.get(case.status, set())
    form.fields["to_status"].choices = [
        (value, label) for value, label in form.fields["to_status"].choices if value in allowed
    ]
    return form if form.fields["to_status"].choices else None


@require_http_methods(["GET", "POST"])
def case_edit(request, case_id):
    """R7: the hidden version; if someone saved first, nothing is overwritten and their
    change is shown next to what the user typed."""
    user = request.user
    case = _visible_case(user, case_id)
    rights = _rights(user, case, "edit")
    version, extra = case.version, {}
    initial = {"title": case.title, "summary": case.summary, "next_action_on": case.next_action_on}
    form = CaseEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _save(
            form, services.case_update, conflict=extra, actor=user, case=case,
            version=seen_version(request), request=request, **form.cleaned_data,
        )  # fmt: skip
        if saved is not None:
            messages.success(request, gettext("ケースを更新しました。"))
            return _to_case(case.pk)
    if request.method == "GET":
        _viewed(request, case, rights)
    return render(
        request,
        "cases/case_edit.html",
        {"case": case, "form": form, "version": version, **extra},
        status=_status(request),
    )


@require_POST
def case_move(request, case_id):
    user = request.user
    case = _visible_case(user, case_id)
    _rights(user, case, "edit")
    form = CaseMoveForm(request.POST)
    if form.is_valid():
        _act(
            request, gettext("ケースの状態を変えました。"), services.case_move,
            actor=user, case=case, version=seen_version(request), **form.cleaned_data,
        )  # fmt: skip
    else:
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
    return _to_case(case.pk)


@require_http_methods(["GET", "POST"])
def case_lead(request, case_id):
    """R3: exactly one lead agency; the old lead stays involved."""
    user = request.user
    case = _visible_case(user, case_id)
    _rights(user, case, "edit")
    form = CaseLeadForm(request.POST or None, exclude=[case.lead_agency_id])
    extra = {}
    if request.method == "POST" and form.is_valid():
        saved = _save(
            form, services.case_set_lead, conflict=extra, actor=user, case=case,
            version=seen_version(request), request=request, **form.cleaned_data,
        )  # fmt: skip
        if saved is not None:
            messages.success(request, gettext("主担当機関を変更しました。"))
            return _to_case(case.pk)
    return render(
        request,
        "cases/case_lead.html",
        {"case": case, "form": form, "version": case.version, **extra},
        status=_status(request),
    )


@require_POST
def support_decision(request, case_id):
    """支援決定: the municipality decides to support; a 重層的支援会議 needs it first."""
    user = request.user
    case = _visible_case(user, case_id)
    _rights(user, case, "meetings")
    done = gettext("支援決定を記録しました。")
    _act(request, done, services.support_decision_record, actor=user, case=case)
    return _to_case(case.pk)


@require_http_methods(["GET", "POST"])
def involvement_add(request, case_id):
    user = request.user
    case = _visible_case(user, case_id)
    _rights(user, case, "edit")
    involved = case.involvements.filter(ended_on__isnull=True).values_list("agency_id", flat=True)
    form = InvolvementForm(request.POST or None, exclude=list(involved))
    if request.method == "POST" and form.is_valid():
        saved = _save(
            form, services.involvement_add, actor=user, case=case, request=request,
            **form.cleaned_data,
        )  # fmt: skip
        if saved is not None:
            messages.success(request, gettext("関係機関を追加しました。"))
            return _to_case(case.pk)
    return render(
        request,
        "cases/involvement_form.html",
        {"case": case, "form": form, "editing": False},
        status=_status(request),
    )


@require_http_methods(["GET", "POST"])
def involvement_edit(request, involvement_id):
    user = request.user
    involvement = _visible(Involvement, user, involvement_id, "agency")
    case = involvement.case
    _rights(user, case, "edit")
    initial = {
        "role": involvement.role,
        "contact_name": involvement.contact_name,
        "contact_phone": involvement.contact_phone,
    }
    form = InvolvementForm(request.POST or None, initial=initial, editing=True)
    version, extra = involvement.version, {}
    if request.method == "POST" and form.is_valid():
        saved = _save(
            form, services.involvement_update, conflict=extra, actor=user,
            involvement=involvement, version=seen_version(request), request=request,
            **form.cleaned_data,
        )  # fmt: skip
        if saved is not None:
            messages.success(request, gettext("役割分担を更新しました。"))
            return _to_case(case.pk)
    return render(
        request,
        "cases/involvement_form.html",
        {
            "case": case,
            "form": form,
            "editing": True,
            "involvement": involvement,
            "version": version,
            **extra,
        },
        status=_status(request),
    )


@require_http_methods(["GET", "POST"])
def involvement_staff(request, involvement_id):
    """担当職員: the involved agency names who of its staff works on the case. Only someone
    acting for that agency may (403 for the others, who can see the case)."""
    user = request.user
    involvement = _visible(Involvement, user, involvement_id, "agency")
    case = involvement.case
    if not access.acts_for(user, involvement.agency_id):
        raise PermissionDenied
    form = InvolvementStaffForm(request.POST or None, user=user, involvement=involvement)
    version, extra = involvement.version, {}
    if request.method == "POST" and form.is_valid():
        saved = _save(
            form, services.involvement_assign_staff, conflict=extra, actor=user,
            involvement=involvement, version=seen_version(request), request=request,
            staff=form.cleaned_data["staff"],
        )  # fmt: skip
        if saved is not None:
            messages.success(request, gettext("担当職員を決めました。"))
            return _to_case(case.pk)
    context = {"case": case, "form": form, "involvement": involvement, "version": version}
    return render(
        request,
        "cases/involvement_staff.html",
        {**context, **extra},
        status=_status(request),
    )


@require_POST
def involvement_end(request, involvement_id):
    user = request.user
    involvement = _visible(Involvement, user, involvement_id, "agency")
    _rights(user, involvement.case, "edit")
    done = gettext("%(agency)s の関わりを終えました。") % {"agency": involvement.agency}
    _act(request, done, services.involvement_end, actor=user, involvement=involvement)
    return _to_case(involvement.case_id)


@require_http_methods(["GET", "POST"])
def track_start(request, case_id):
    user = request.user
    case = _visible_case(user, case_id)
    _rights(user, case, "edit")
    form = TrackForm(request.POST or None, initial={"started_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        saved = _save(
            form, services.track_start, actor=user, case=case, request=request,
            **form.cleaned_data,
        )  # fmt: skip
        if saved is not None:
            messages.success(request, gettext("事業の利用を開始しました。"))
            return _to_case(case.pk)
    return render(
        request, "cases/track_form.html", {"case": case, "form": form}, status=_status(request)
    )


@require_POST
def track_end(request, track_id):
    user = request.user
    track = _visible(Track, user, track_id)
    _rights(user, track.case, "edit")
    try:
        services.track_end(actor=user, track=track, request=request)
    except RuleViolation as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, gettext("事業の利用を終了しました。"))
    return _to_case(track.case_id)
