"""Assessment and support plan screens: versions side by side, new versions decided at a 重層的支援会議
(R5), goal reviews; nothing is overwritten (R7).
"""

import difflib

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from yorisoi import access

from .. import services
from ..forms_meetings import (
    ASSESSMENT_TEXT_FIELDS,
    ActionFormSet,
    AssessmentForm,
    GoalFormSet,
    GoalsReviewForm,
    IssueFormSet,
    PlanForm,
    filled_rows,
)
from ..models import (
    GoalReview,
    MeetingPurpose,
    PlanGoal,
)
from .base import (
    _int,
    _readable_meeting,
    _save,
    _secretariat,
    _viewed_page,
    _visible_case,
    _with_errors,
    _with_yours,
    case_url,
)
from .meetings import MEETINGS_PAGE_SIZE, PLAN_PURPOSES, REVIEW_PURPOSES


def _assessments(case):
    return case.assessments.select_related("created_by", "created_by_agency").order_by("-number")


def _asked_version(request):
    """The version number asked for (?version=N), None without one; 404 for one that is not a
    number."""
    raw = request.GET.get("version")
    number = _int(raw)
    if raw and number is None:
        raise Http404
    return number


def _version(queryset, number):
    """The version asked for (?version=N), the latest without one; 404 for an unknown one."""
    if number is None:
        return queryset.first()
    found = queryset.filter(number=number).first()
    if found is None:
        raise Http404
    return found


def assessment_detail(request, case_id):
    case = _visible_case(request.user, case_id)
    versions = Paginator(_assessments(case), MEETINGS_PAGE_SIZE).get_page(request.GET.get("page"))
    number = _asked_version(request)
    assessment = _version(case.assessments.prefetch_related("issues__domain"), number)
    _viewed_page(
        request, case, page="assessment", version=assessment.number if assessment else None
    )
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
    case = _visible_case(request.user, case_id)
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
            conflict = {}
            saved = _save(
                form,
                services.assessment_save,
                conflict=conflict,
                actor=request.user,
                case=case,
                based_on=form.cleaned_data["based_on"],
                issues=filled_rows(formset),
                request=request,
                **{name: form.cleaned_data[name] for name in ASSESSMENT_TEXT_FIELDS},
            )
            if saved is not None:
                messages.success(request, gettext("アセスメントを保存しました。"))
                return redirect("cases:assessment_detail", case_id=case.pk)
            if conflict:
                form.add_error(None, conflict["conflict"])
                changes = _with_yours(conflict["changes"], request.POST)
                # Saving again now means "I have seen theirs": base it on the latest version.
                now_latest = services.latest_assessment(case)
                based_on, status = (now_latest.number if now_latest else None), 409
    _viewed_page(request, case, page="assessment_edit")
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
    case = _visible_case(request.user, case_id)
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
    _viewed_page(
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


def _plans(case):
    return case.plans.select_related("created_by", "meeting", "meeting__kind").order_by("-number")


def plan_detail(request, case_id):
    case = _visible_case(request.user, case_id)
    versions = Paginator(_plans(case), MEETINGS_PAGE_SIZE).get_page(request.GET.get("page"))
    number = _asked_version(request)
    reviews = GoalReview.objects.select_related("meeting", "reviewed_by").order_by("reviewed_at")
    plan = _version(
        _plans(case).prefetch_related(
            Prefetch("goals", queryset=PlanGoal.objects.prefetch_related(
                Prefetch("reviews", queryset=reviews))),
            "actions__agency",
        ),
        number,
    )  # fmt: skip
    _viewed_page(request, case, page="plan", version=plan.number if plan else None)
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
    case = _visible_case(request.user, case_id)
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
        _viewed_page(request, case, page="plan_create")
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
            plan = _save(
                form,
                services.plan_create,
                actor=request.user,
                case=case,
                meeting=meeting,
                based_on=cleaned.pop("based_on"),
                goals=filled_rows(goals),
                actions=filled_rows(actions, "due_on"),
                request=request,
                **cleaned,
            )
            if plan is not None:
                messages.success(
                    request,
                    gettext("支援プラン 第%(n)s版を保存しました。") % {"n": plan.number},
                )
                return redirect("cases:plan_detail", case_id=case.pk)
    _viewed_page(request, case, page="plan_create")
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
    case = _visible_case(request.user, case_id)
    a, b = _pair(request, _plans(case))
    goal_changes, action_changes = _plan_changes(a, b) if a is not None else ([], [])
    _viewed_page(
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
            saved = _save(
                form, services.goals_review, actor=request.user, meeting=meeting,
                ratings=form.ratings(), request=request,
            )  # fmt: skip
            if saved is not None:
                messages.success(request, gettext("目標の評価を記録しました。"))
                if meeting.purpose == MeetingPurpose.PLAN_REVIEW:
                    url = reverse("cases:plan_create", kwargs={"case_id": case.pk})
                    return redirect(f"{url}?meeting={meeting.pk}")
                return redirect("cases:meeting_detail", meeting_id=meeting.pk)
    _viewed_page(request, case, page="goals_review", target=meeting)
    return render(
        request,
        "cases/goals_review.html",
        {"meeting": meeting, "case": case, "case_link": case_url(case), "plan": plan, "form": form},
        status=status,
    )
