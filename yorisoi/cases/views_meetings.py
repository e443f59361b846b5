"""Screens for the two legal kinds of meeting (R5), assessments, support plans, goal review,
closure, suspension and reopening. Thin: parse, call a service (services.py) or read through
access.py, render. Every read of case content is audited with its legal basis (R6).

Who sees a meeting:
- whoever may read the case (access.case_access(...).read) sees everything;
- a participant of a 支援会議 who has not yet pledged confidentiality (社会福祉法106条の6)
  sees only the date, the place, the kind and the pledge, never the case;
- anyone else gets 404, exactly like a missing id.
"""

import difflib

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case as SqlCase
from django.db.models import F, IntegerField, Prefetch, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from yorisoi import access
from yorisoi.audit.log import (
    BASIS_SUPPORT_MEETING,
    record,
    record_reads,
)
from yorisoi.errors import ConcurrentEditError, RuleViolation
from yorisoi.front.forms import add_errors, seen_version

from . import services
from .forms_meetings import (
    ASSESSMENT_TEXT_FIELDS,
    ActionFormSet,
    ActionItemForm,
    AssessmentForm,
    CaseEndForm,
    CaseReopenForm,
    GoalFormSet,
    GoalsReviewForm,
    IssueFormSet,
    MeetingForm,
    MinutesForm,
    ParticipantForm,
    PlanForm,
    action_rows,
    goal_rows,
    issue_rows,
)
from .models import (
    ActionItem,
    Case,
    GoalReview,
    Meeting,
    MeetingParticipant,
    MeetingPurpose,
    MeetingStatus,
    PlanGoal,
)

PAGE_SIZE = 20
PLAN_PURPOSES = (MeetingPurpose.PLAN_CREATION, MeetingPurpose.PLAN_REVIEW)
REVIEW_PURPOSES = (MeetingPurpose.PLAN_REVIEW, MeetingPurpose.CLOSURE)


# --- lookups: every one answers 404 for what the user may not read ---------------------------


def _case(user, case_id) -> Case:
    case = access.visible_cases(user).select_related("lead_agency").filter(pk=case_id).first()
    if case is None:
        raise Http404
    return case


def _meeting(user, meeting_id):
    """(meeting, rights, participant) for a reader of the case or a participant awaiting the
    pledge (access.meeting_access); 404 for anyone else."""
    meeting = Meeting.objects.select_related("case", "kind").filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404
    seen = access.meeting_access(user, meeting)
    if not seen.found:
        raise Http404
    return meeting, seen.case, seen.participant


def _readable_meeting(user, meeting_id):
    meeting, rights, participant = _meeting(user, meeting_id)
    if not rights.read:
        raise Http404
    return meeting, rights, participant


def _secretariat(rights):
    """Meetings, minutes, plans and closures are the coordinating division's (福祉総務課)."""
    if not rights.meetings:
        raise PermissionDenied


def _viewed(request, case, *, page, target=None, **data):
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
    """The case page, once it exists (another part of the app draws it); else the plan."""
    try:
        return reverse("cases:case_detail", kwargs={"case_id": case.pk})
    except NoReverseMatch:
        return reverse("cases:plan_detail", kwargs={"case_id": case.pk})


def _with_yours(changes, data):
    """R7: what the other person saved, next to what this user typed (nothing is lost)."""
    return [{**c, "yours": data.get(c["field"], "")} for c in changes]


def _with_errors(*formsets):
    """The formsets whose rows the error summary must list."""
    return [fs for fs in formsets if fs.is_bound and fs.total_error_count()]


def _int(value):
    return int(value) if value and value.isascii() and value.isdigit() else None


# --- my meetings ----------------------------------------------------------------------------


def my_meetings(request):
    """The meetings the user takes part in, upcoming first. A 支援会議 they have not pledged
    for shows no case title or number: only the way to the pledge."""
    user = request.user
    now = timezone.now()
    rows = (
        MeetingParticipant.objects.filter(user_id=user.pk)
        .select_related("meeting", "meeting__kind", "meeting__case")
        .annotate(
            past=SqlCase(
                When(meeting__held_at__gte=now, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            upcoming_at=SqlCase(When(meeting__held_at__gte=now, then=F("meeting__held_at"))),
        )
        .order_by("past", F("upcoming_at").asc(nulls_last=True), "-meeting__held_at", "pk")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    participants = list(page.object_list)
    readable = access.case_bases(user, {p.meeting.case_id for p in participants})
    items = []
    for p in participants:
        meeting = p.meeting
        opens_case = meeting.case_id in readable
        items.append(
            {
                "meeting": meeting,
                "participant": p,
                "case": meeting.case if opens_case else None,
                "awaits_pledge": access.awaits_pledge(p, meeting),
                "opens": opens_case or access.awaits_pledge(p, meeting),
            }
        )
    record_reads("case.listed", actor=user, request=request, bases=readable)
    return render(request, "cases/my_meetings.html", {"items": items, "page": page})


# --- meetings -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def meeting_create(request, case_id):
    """R5: the service refuses a 重層的支援会議 without 支援決定 or without everyone's consent;
    its message (naming who lacks consent) is shown above the form."""
    case = _case(request.user, case_id)
    rights = access.case_access(request.user, case)
    _secretariat(rights)
    form = MeetingForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_schedule(
                actor=request.user,
                case=case,
                kind=data["kind"],
                held_at=data["held_at"],
                place=data["place"],
                purpose=data["purpose"],
                participants=list(data["participants"]),
                request=request,
            )
        except RuleViolation as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, gettext("会議を登録しました。"))
            return redirect("cases:meeting_detail", meeting_id=meeting.pk)
    _viewed(request, case, page="meeting_create")
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "cases/meeting_form.html",
        {"form": form, "case": case, "case_link": case_url(case)},
        status=status,
    )


def _agenda(meeting):
    names = (
        ["shared_information", "support_arrangement"]
        if meeting.kind.is_support_meeting
        else ["agenda_plan", "agenda_fitness", "agenda_evaluation", "agenda_resources",
              "unmet_needs"]
    )  # fmt: skip
    return [
        {"label": Meeting._meta.get_field(name).verbose_name, "text": getattr(meeting, name)}
        for name in names
    ]


def _detail(request, meeting, rights, participant, *, status=200, **forms):
    user = request.user
    case = meeting.case
    participants = list(meeting.participants.select_related("user", "agency"))
    items = list(meeting.action_items.select_related("owner_agency", "done_by"))
    for item in items:
        item.can_mark_done = item.done_at is None and (
            rights.meetings or (rights.record and access.acts_for(user, item.owner_agency_id))
        )
    secretariat = rights.meetings and case.is_active
    multilayer = not meeting.kind.is_support_meeting
    held = meeting.status == MeetingStatus.HELD
    has_plan = case.plans.exists()
    context = {
        "meeting": meeting,
        "case": case,
        "case_link": case_url(case),
        "rights": rights,
        "participants": participants,
        "items": items,
        "agenda": _agenda(meeting),
        "participant": participant,
        "can_pledge": access.awaits_pledge(participant, meeting),
        "can_edit": rights.meetings,
        "can_end_sharing": rights.meetings
        and meeting.kind.is_support_meeting
        and meeting.sharing_ended_at is None,
        "can_plan": secretariat and multilayer and meeting.purpose in PLAN_PURPOSES,
        "can_review": secretariat and multilayer and meeting.purpose in REVIEW_PURPOSES
        and has_plan,
        "can_close": secretariat and multilayer and held
        and meeting.purpose == MeetingPurpose.CLOSURE,
        "can_suspend": secretariat and multilayer and held
        and meeting.purpose == MeetingPurpose.SUSPENSION,
        "ends_after_minutes": secretariat and multilayer and not held
        and meeting.purpose in (MeetingPurpose.CLOSURE, MeetingPurpose.SUSPENSION),
        "participant_form": forms.get("participant_form")
        or (ParticipantForm(case=case) if rights.meetings else None),
        "action_form": forms.get("action_form") or (ActionItemForm() if rights.meetings else None),
    }  # fmt: skip
    record(
        "meeting.viewed",
        actor=user,
        target=meeting,
        basis=rights.basis,
        request=request,
        ids=[case.pk],
    )
    return render(request, "cases/meeting_detail.html", context, status=status)


def meeting_detail(request, meeting_id):
    meeting, rights, participant = _meeting(request.user, meeting_id)
    if not rights.read:
        # 社会福祉法106条の6: before the pledge only the meeting itself, never the case.
        record(
            "meeting.pledge_pending_viewed",
            actor=request.user,
            target=meeting,
            basis=BASIS_SUPPORT_MEETING,
            request=request,
        )
        return render(request, "cases/meeting_limited.html", {"meeting": meeting})
    return _detail(request, meeting, rights, participant)


def meeting_print(request, meeting_id):
    meeting, rights, _participant = _readable_meeting(request.user, meeting_id)
    participants = list(meeting.participants.select_related("user", "agency"))
    items = list(meeting.action_items.select_related("owner_agency"))
    record(
        "meeting.printed",
        actor=request.user,
        target=meeting,
        basis=rights.basis,
        request=request,
        ids=[meeting.case_id],
    )
    return render(
        request,
        "cases/meeting_print.html",
        {
            "meeting": meeting,
            "case": meeting.case,
            "participants": participants,
            "items": items,
            "agenda": _agenda(meeting),
            "printed_at": timezone.localtime(),
        },
    )


@require_http_methods(["GET", "POST"])
def meeting_minutes(request, meeting_id):
    meeting, rights, _participant = _readable_meeting(request.user, meeting_id)
    _secretariat(rights)
    form = MinutesForm(request.POST or None, meeting=meeting)
    version, changes, status = meeting.version, [], 200
    if request.method == "POST":
        status = 422
        version = seen_version(request)
        if form.is_valid():
            try:
                services.meeting_record(
                    actor=request.user,
                    meeting=meeting,
                    version=version,
                    held=form.cleaned_data["held"],
                    request=request,
                    **form.record_fields(),
                )
            except ConcurrentEditError as exc:
                form.add_error(None, exc.message)
                changes = _with_yours(exc.changes, request.POST)
                version, status = Meeting.objects.get(pk=meeting.pk).version, 409
            except RuleViolation as exc:
                form.add_error(None, exc.message)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, gettext("議事録を保存しました。"))
                return redirect("cases:meeting_detail", meeting_id=meeting.pk)
    _viewed(request, meeting.case, page="meeting_minutes", target=meeting)
    return render(
        request,
        "cases/meeting_minutes.html",
        {"form": form, "meeting": meeting, "version": version, "changes": changes},
        status=status,
    )


@require_POST
def meeting_participant_add(request, meeting_id):
    meeting, rights, participant = _readable_meeting(request.user, meeting_id)
    _secretariat(rights)
    form = ParticipantForm(request.POST, case=meeting.case)
    if form.is_valid():
        try:
            services.meeting_participant_add(
                actor=request.user, meeting=meeting, request=request, **form.cleaned_data
            )
        except RuleViolation as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, gettext("参加者を追加しました。"))
            return redirect("cases:meeting_detail", meeting_id=meeting.pk)
    return _detail(request, meeting, rights, participant, status=422, participant_form=form)


@require_http_methods(["GET", "POST"])
def meeting_pledge(request, meeting_id):
    """社会福祉法106条の6: the participant pledges confidentiality for themselves; only then
    does the 支援会議's case open to them."""
    meeting, _rights, participant = _meeting(request.user, meeting_id)
    if participant is None:
        raise Http404
    if request.method == "POST":
        if not access.awaits_pledge(participant, meeting):
            messages.error(request, gettext("この会議で誓約することはありません。"))
            return redirect("cases:meeting_pledge", meeting_id=meeting.pk)
        try:
            services.meeting_pledge(actor=request.user, participant=participant, request=request)
        except RuleViolation as exc:
            messages.error(request, exc.message)
            return redirect("cases:meeting_pledge", meeting_id=meeting.pk)
        messages.success(request, gettext("守秘義務の誓約を記録しました。"))
        if access.case_access(request.user, meeting.case).read:
            try:
                return redirect(reverse("cases:case_detail", kwargs={"case_id": meeting.case_id}))
            except NoReverseMatch:
                pass
        return redirect("cases:meeting_detail", meeting_id=meeting.pk)
    record(
        "meeting.pledge_viewed",
        actor=request.user,
        target=meeting,
        basis=BASIS_SUPPORT_MEETING,
        request=request,
    )
    return render(
        request,
        "cases/pledge.html",
        {
            "meeting": meeting,
            "participant": participant,
            "pending": access.awaits_pledge(participant, meeting),
        },
    )


@require_POST
def meeting_end_sharing(request, meeting_id):
    meeting, rights, _participant = _readable_meeting(request.user, meeting_id)
    _secretariat(rights)
    try:
        services.meeting_end_sharing(actor=request.user, meeting=meeting, request=request)
    except RuleViolation as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            gettext("情報共有を終了しました。この会議の参加者は、ケースを見られなくなりました。"),
        )
    return redirect("cases:meeting_detail", meeting_id=meeting.pk)


@require_POST
def action_item_add(request, meeting_id):
    meeting, rights, participant = _readable_meeting(request.user, meeting_id)
    _secretariat(rights)
    form = ActionItemForm(request.POST)
    if form.is_valid():
        try:
            services.action_item_add(
                actor=request.user, meeting=meeting, request=request, **form.cleaned_data
            )
        except RuleViolation as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, gettext("会議で決めた対応を追加しました。"))
            return redirect("cases:meeting_detail", meeting_id=meeting.pk)
    return _detail(request, meeting, rights, participant, status=422, action_form=form)


@require_POST
def action_item_done(request, item_id):
    item = (
        ActionItem.objects.filter(pk=item_id, case__in=access.visible_cases(request.user))
        .select_related("case")
        .first()
    )
    if item is None:
        raise Http404
    try:
        services.action_item_done(actor=request.user, item=item, request=request)
    except RuleViolation as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, gettext("対応を完了にしました。"))
    return redirect("cases:meeting_detail", meeting_id=item.meeting_id)


# --- assessment -----------------------------------------------------------------------------


def _assessments(case):
    return case.assessments.select_related("created_by", "created_by_agency").order_by("-number")


def _version(queryset, number):
    """The version asked for (?version=N), the latest without one; 404 for an unknown one."""
    if number is None:
        return queryset.first()
    found = queryset.filter(number=number).first()
    if found is None:
        raise Http404
    return found


def assessment_detail(request, case_id):
    case = _case(request.user, case_id)
    versions = Paginator(_assessments(case), PAGE_SIZE).get_page(request.GET.get("page"))
    raw = request.GET.get("version")
    number = _int(raw)
    if raw and number is None:
        raise Http404
    assessment = _version(case.assessments.prefetch_related("issues__domain"), number)
    _viewed(request, case, page="assessment", version=assessment.number if assessment else None)
    return render(
        request,
        "cases/assessment_detail.html",
        {
            "case": case,
            "case_link": case_url(case),
            "assessment": assessment,
            "versions": versions,
            "rights": access.case_access(request.user, case),
        },
    )


@require_http_methods(["GET", "POST"])
def assessment_edit(request, case_id):
    """A new version, pre-filled from the latest. R7: `based_on` is the version the writer
    started from; a conflict keeps what they typed and shows what the other version says."""
    case = _case(request.user, case_id)
    if not access.case_access(request.user, case).assess:
        raise PermissionDenied
    latest = services.latest_assessment(case)
    initial = {"based_on": latest.number if latest else None}
    issues_initial = []
    if latest is not None:
        initial.update({name: getattr(latest, name) for name in ASSESSMENT_TEXT_FIELDS})
        issues_initial = [
            {"domain": i.domain_id, "description": i.description} for i in latest.issues.all()
        ]
    form = AssessmentForm(request.POST or None, initial=initial)
    formset = IssueFormSet(request.POST or None, initial=issues_initial, prefix="issues")
    based_on, changes, status = initial["based_on"], [], 200
    if request.method == "POST":
        status = 422
        based_on = _int(request.POST.get("based_on"))
        if form.is_valid() and formset.is_valid():
            try:
                services.assessment_save(
                    actor=request.user,
                    case=case,
                    based_on=form.cleaned_data["based_on"],
                    issues=issue_rows(formset),
                    request=request,
                    **{name: form.cleaned_data[name] for name in ASSESSMENT_TEXT_FIELDS},
                )
            except ConcurrentEditError as exc:
                form.add_error(None, exc.message)
                changes = _with_yours(exc.changes, request.POST)
                # Saving again now means "I have seen theirs": base it on the latest version.
                now_latest = services.latest_assessment(case)
                based_on, status = (now_latest.number if now_latest else None), 409
            except RuleViolation as exc:
                form.add_error(None, exc.message)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, gettext("アセスメントを保存しました。"))
                return redirect("cases:assessment_detail", case_id=case.pk)
    _viewed(request, case, page="assessment_edit")
    return render(
        request,
        "cases/assessment_form.html",
        {
            "case": case,
            "form": form,
            "formset": formset,
            "formset_list": _with_errors(formset),
            "case_link": case_url(case),
            "based_on": based_on,
            "changes": changes,
            "latest": latest,
        },
        status=status,
    )


def _line_diff(old: str, new: str):
    """Line-by-line difference, for the template to mark (it escapes the text)."""
    rows = []
    for line in difflib.ndiff((old or "").splitlines(), (new or "").splitlines()):
        tag, text = line[:2], line[2:]
        if tag == "? ":
            continue
        rows.append({"kind": {"+ ": "add", "- ": "del"}.get(tag, "same"), "text": text})
    return rows


def _pair(request, queryset):
    """?a=N&b=M, default: the version before the latest against the latest."""
    numbers = list(queryset.values_list("number", flat=True)[:2])
    a, b = _int(request.GET.get("a")), _int(request.GET.get("b"))
    if a is None:
        a = numbers[1] if len(numbers) > 1 else (numbers[0] if numbers else None)
    if b is None:
        b = numbers[0] if numbers else None
    if a is None or b is None:
        return None, None
    return _version(queryset, a), _version(queryset, b)


def assessment_compare(request, case_id):
    case = _case(request.user, case_id)
    a, b = _pair(request, case.assessments.order_by("-number"))
    fields = []
    if a is not None:
        for name in ASSESSMENT_TEXT_FIELDS:
            old, new = getattr(a, name), getattr(b, name)
            fields.append(
                {
                    "label": a._meta.get_field(name).verbose_name,
                    "changed": old != new,
                    "rows": _line_diff(old, new),
                }
            )

        def issues(x):
            return "\n".join(
                f"{i.domain}: {i.description}" for i in x.issues.select_related("domain")
            )

        old, new = issues(a), issues(b)
        label = gettext("分野ごとの課題")
        fields.append({"label": label, "changed": old != new, "rows": _line_diff(old, new)})
    _viewed(
        request,
        case,
        page="assessment_compare",
        versions=[a.number, b.number] if a is not None else [],
    )
    return render(
        request,
        "cases/assessment_compare.html",
        {
            "case": case,
            "case_link": case_url(case),
            "a": a,
            "b": b,
            "fields": fields,
            "all": _assessments(case)[:50],
        },
    )


# --- support plan ---------------------------------------------------------------------------


def _plans(case):
    return case.plans.select_related("created_by", "meeting", "meeting__kind").order_by("-number")


def plan_detail(request, case_id):
    case = _case(request.user, case_id)
    versions = Paginator(_plans(case), PAGE_SIZE).get_page(request.GET.get("page"))
    raw = request.GET.get("version")
    number = _int(raw)
    if raw and number is None:
        raise Http404
    reviews = GoalReview.objects.select_related("meeting", "reviewed_by").order_by("reviewed_at")
    plan = _version(
        _plans(case).prefetch_related(
            Prefetch("goals", queryset=PlanGoal.objects.prefetch_related(
                Prefetch("reviews", queryset=reviews))),
            "actions__agency",
        ),
        number,
    )  # fmt: skip
    _viewed(request, case, page="plan", version=plan.number if plan else None)
    rights = access.case_access(request.user, case)
    review_meetings = []
    if rights.meetings and plan is not None and case.is_active:
        review_meetings = list(
            case.meetings.filter(purpose__in=REVIEW_PURPOSES, kind__legal_type="multilayer_meeting")
            .exclude(goal_reviews__isnull=False)  # a meeting rates the goals once
            .select_related("kind")
            .order_by("-held_at")[:5]
        )
    return render(
        request,
        "cases/plan_detail.html",
        {
            "case": case,
            "case_link": case_url(case),
            "plan": plan,
            "versions": versions,
            "rights": rights,
            "review_meetings": review_meetings,
        },
    )


def _plan_meetings(case):
    return (
        case.meetings.filter(purpose__in=PLAN_PURPOSES, kind__legal_type="multilayer_meeting")
        .select_related("kind")
        .order_by("-held_at")
    )


@require_http_methods(["GET", "POST"])
def plan_create(request, case_id):
    """R5: a plan version is decided at a 重層的支援会議 of the case (plan creation for the
    first, plan review for the next); the service refuses anything else."""
    case = _case(request.user, case_id)
    _secretariat(access.case_access(request.user, case))
    meeting_id = request.POST.get("meeting") or request.GET.get("meeting")
    meeting = None
    if meeting_id:
        try:
            meeting = case.meetings.select_related("kind").filter(pk=meeting_id).first()
        except ValidationError:
            meeting = None
        if meeting is None:
            raise Http404
    if meeting is None:
        _viewed(request, case, page="plan_create")
        return render(
            request,
            "cases/plan_choose_meeting.html",
            {"case": case, "case_link": case_url(case), "meetings": _plan_meetings(case)[:20]},
        )
    latest = services.latest_plan(case)
    initial, goals_initial, actions_initial = (
        {"based_on": latest.number if latest else None},
        [],
        [],
    )
    if latest is not None:
        initial.update(
            {
                "uses_outreach": latest.uses_outreach,
                "uses_participation": latest.uses_participation,
                "person_agreed": latest.person_agreed,
                "note": latest.note,
            }
        )
        goals_initial = [{"term": g.term, "text": g.text} for g in latest.goals.all()]
        actions_initial = [
            {"agency": a.agency_id, "description": a.description, "due_on": a.due_on}
            for a in latest.actions.all()
        ]
    data = request.POST if request.method == "POST" else None
    form = PlanForm(data, initial=initial)
    goals = GoalFormSet(data, initial=goals_initial, prefix="goals")
    actions = ActionFormSet(data, initial=actions_initial, prefix="actions")
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid() and goals.is_valid() and actions.is_valid():
            cleaned = dict(form.cleaned_data)
            try:
                plan = services.plan_create(
                    actor=request.user,
                    case=case,
                    meeting=meeting,
                    based_on=cleaned.pop("based_on"),
                    goals=goal_rows(goals),
                    actions=action_rows(actions),
                    request=request,
                    **cleaned,
                )
            except RuleViolation as exc:
                form.add_error(None, exc.message)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request,
                    gettext("支援プラン 第%(n)s版を保存しました。") % {"n": plan.number},
                )
                return redirect("cases:plan_detail", case_id=case.pk)
    _viewed(request, case, page="plan_create")
    return render(
        request,
        "cases/plan_form.html",
        {
            "case": case,
            "meeting": meeting,
            "latest": latest,
            "form": form,
            "goals": goals,
            "actions": actions,
            "formset_list": _with_errors(goals, actions),
            "case_link": case_url(case),
        },
        status=status,
    )


def _plan_changes(a, b):
    """Goals and actions added, removed or changed between two versions."""

    def goals(plan):
        out = {}
        for g in plan.goals.all():
            out.setdefault(g.term, []).append(g.text)
        return out

    goal_rows_, labels = [], dict(PlanGoal._meta.get_field("term").choices)
    ga, gb = goals(a), goals(b)
    for term in dict.fromkeys([*ga, *gb]):
        old, new = ga.get(term, []), gb.get(term, [])
        for text in new:
            if text in old:
                goal_rows_.append({"kind": "same", "term": labels[term], "new": text})
        removed = [t for t in old if t not in new]
        added = [t for t in new if t not in old]
        for before, after in zip(removed, added, strict=False):
            goal_rows_.append(
                {"kind": "changed", "term": labels[term], "old": before, "new": after}
            )
        for before in removed[len(added) :]:
            goal_rows_.append({"kind": "removed", "term": labels[term], "old": before})
        for after in added[len(removed) :]:
            goal_rows_.append({"kind": "added", "term": labels[term], "new": after})

    def actions(plan):
        out = {}
        for x in plan.actions.select_related("agency"):
            out.setdefault(x.agency, []).append(x)
        return out

    action_rows_ = []
    aa, ab = actions(a), actions(b)
    for agency in dict.fromkeys([*aa, *ab]):
        old, new = aa.get(agency, []), ab.get(agency, [])
        for n in range(max(len(old), len(new))):
            before = old[n] if n < len(old) else None
            after = new[n] if n < len(new) else None
            if before is None:
                kind = "added"
            elif after is None:
                kind = "removed"
            elif (before.description, before.due_on) != (after.description, after.due_on):
                kind = "changed"
            else:
                kind = "same"
            action_rows_.append({"kind": kind, "agency": agency, "old": before, "new": after})
    return goal_rows_, action_rows_


def plan_compare(request, case_id):
    case = _case(request.user, case_id)
    a, b = _pair(request, _plans(case))
    goal_changes, action_changes = _plan_changes(a, b) if a is not None else ([], [])
    _viewed(
        request, case, page="plan_compare", versions=[a.number, b.number] if a is not None else []
    )
    return render(
        request,
        "cases/plan_compare.html",
        {
            "case": case,
            "case_link": case_url(case),
            "a": a,
            "b": b,
            "goal_changes": goal_changes,
            "action_changes": action_changes,
            "all": _plans(case)[:50],
        },
    )


@require_http_methods(["GET", "POST"])
def goals_review(request, meeting_id):
    """Every goal of the current plan is rated at a 重層的支援会議 for review or closure."""
    meeting, rights, _participant = _readable_meeting(request.user, meeting_id)
    _secretariat(rights)
    case = meeting.case
    plan = services.latest_plan(case)
    goals = list(plan.goals.all()) if plan else []
    form = GoalsReviewForm(request.POST or None, goals=goals)
    status = 200
    if request.method == "POST":
        status = 422
        if plan is None:
            form.add_error(None, gettext("評価する支援プランがありません。"))
        elif form.is_valid():
            try:
                services.goals_review(
                    actor=request.user, meeting=meeting, ratings=form.ratings(), request=request
                )
            except RuleViolation as exc:
                form.add_error(None, exc.message)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, gettext("目標の評価を記録しました。"))
                if meeting.purpose == MeetingPurpose.PLAN_REVIEW:
                    url = reverse("cases:plan_create", kwargs={"case_id": case.pk})
                    return redirect(f"{url}?meeting={meeting.pk}")
                return redirect("cases:meeting_detail", meeting_id=meeting.pk)
    _viewed(request, case, page="goals_review", target=meeting)
    return render(
        request,
        "cases/goals_review.html",
        {"meeting": meeting, "case": case, "case_link": case_url(case), "plan": plan, "form": form},
        status=status,
    )


# --- closure, suspension, reopening ---------------------------------------------------------


def _end(request, case_id, *, purpose):
    case = _case(request.user, case_id)
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
    _viewed(request, case, page="case_close" if closing else "case_suspend")
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
    case = _case(request.user, case_id)
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
    _viewed(request, case, page="case_reopen")
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
