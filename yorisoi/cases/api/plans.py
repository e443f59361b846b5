"""Assessments and support plans over HTTP: versions, a new version decided at a 重層的支援会議 (R5), goal
reviews.
"""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from ninja import Query, Status

from yorisoi import access
from yorisoi.directory.models import Domain
from yorisoi.http.errors import ErrorOut
from yorisoi.http.paging import PageQuery

from .. import services
from ..models import (
    Assessment,
    GoalReview,
    PlanGoal,
    SupportPlan,
)
from .base import (
    _ERRORS,
    CASE,
    MEETING,
    _case_meeting,
    _case_page,
    _raise,
    _readable_meeting,
    _text,
    _visible_case,
    meetings_router,
)
from .builders import assessment_out, plan_out
from .schemas import (
    AssessmentIn,
    AssessmentOut,
    AssessmentPageOut,
    PlanIn,
    PlanOut,
    PlanPageOut,
    ReviewIn,
)


def _plans(case):
    return (
        SupportPlan.objects.filter(case=case)
        .order_by("-number")
        .prefetch_related(
            Prefetch("goals", queryset=PlanGoal.objects.prefetch_related(
                Prefetch("reviews", queryset=GoalReview.objects.order_by("reviewed_at", "pk"))
            )),
            "actions__agency",
        )
    )  # fmt: skip


@meetings_router.get(
    f"{CASE}/assessments",
    response={200: AssessmentPageOut, 404: ErrorOut},
    url_name="assessment_list",
    summary="アセスメント（すべての版）",
)
def assessment_list(request, case_id: UUID, paging: Query[PageQuery]):
    """アセスメントのすべての版（新しい版から）。保存のたびに版が増え、上書きはされません（R7）。
    閲覧は監査ログ（case.viewed、part=assessments）に記録されます。"""
    case = _visible_case(request.auth, case_id)
    rows = (
        Assessment.objects.filter(case=case)
        .select_related("created_by", "created_by_agency")
        .prefetch_related("issues__domain")
        .order_by("-number")
    )
    return _case_page(request, case, rows, paging, part="assessments", out=assessment_out)


@meetings_router.post(
    f"{CASE}/assessments",
    response={201: AssessmentOut, **_ERRORS},
    url_name="assessment_save",
    summary="アセスメントを保存する（新しい版）",
)
def assessment_save(request, case_id: UUID, payload: AssessmentIn):
    """新しい版として保存します。based_on は書き始めたときの最新の版（初版は null）。その間に
    ほかの人が別の版を保存していれば何も保存せず 409 `concurrent_edit` と、相手の版の内容
    （changes）を返します（R7）。課題（issues）は分野のコードと内容です。"""
    user = request.auth
    case = _visible_case(user, case_id)
    errors = {}
    domains = {
        d.code: d for d in Domain.objects.filter(code__in={i.domain for i in payload.issues})
    }
    issues = []
    for n, issue in enumerate(payload.issues):
        if issue.domain not in domains:
            errors[f"issues.{n}.domain"] = [
                ValidationError("分野のコードが見つかりません。", code="invalid_choice")
            ]
        else:
            issues.append((domains[issue.domain], issue.description))
    _raise(errors)
    fields = {name: _text(getattr(payload, name)) for name in services.ASSESSMENT_FIELDS}
    assessment = services.assessment_save(
        actor=user, case=case, based_on=payload.based_on, issues=issues, request=request,
        **fields,
    )  # fmt: skip
    row = (
        Assessment.objects.select_related("created_by", "created_by_agency")
        .prefetch_related("issues__domain")
        .get(pk=assessment.pk)
    )
    return Status(201, assessment_out(row))


@meetings_router.get(
    f"{CASE}/plans",
    response={200: PlanPageOut, 404: ErrorOut},
    url_name="plan_list",
    summary="支援プラン（すべての版）",
)
def plan_list(request, case_id: UUID, paging: Query[PageQuery]):
    """支援プランのすべての版（新しい版から）と、目標・機関ごとの支援内容・目標の評価。
    閲覧は監査ログ（case.viewed、part=plans）に記録されます。"""
    case = _visible_case(request.auth, case_id)
    return _case_page(request, case, _plans(case), paging, part="plans", out=plan_out)


def _plan_rows(payload: PlanIn, errors):
    codes = {a.agency for a in payload.actions}
    agencies = {a.code: a for a in access.selectable_agencies().filter(code__in=codes)}
    actions = []
    for n, action in enumerate(payload.actions):
        if action.agency not in agencies:
            errors[f"actions.{n}.agency"] = [
                ValidationError("機関コードが見つかりません。", code="invalid_choice")
            ]
            continue
        actions.append((agencies[action.agency], action.description, action.due_on))
    return [(g.term, g.text) for g in payload.goals], actions


@meetings_router.post(
    f"{CASE}/plans",
    response={201: PlanOut, **_ERRORS},
    url_name="plan_create",
    summary="支援プランを決める（新しい版）",
)
def plan_create(request, case_id: UUID, payload: PlanIn):
    """支援プランとその見直しは重層的支援会議で決めます（R5）: 初版は目的 plan_creation、以後は
    plan_review の会議（meeting_id）。支援会議では 409 `needs_multilayer_meeting`、目的が違えば
    `wrong_purpose`、同意が撤回されていれば `no_consent`、based_on が最新でなければ
    `concurrent_edit`。目標は1つ以上、次回の見直し予定日は明日以降です。"""
    user = request.auth
    case = _visible_case(user, case_id)
    errors = {}
    meeting = _case_meeting(case, payload.meeting_id, errors=errors)
    goals, actions = _plan_rows(payload, errors)
    _raise(errors)
    plan = services.plan_create(
        actor=user,
        case=case,
        meeting=meeting,
        based_on=payload.based_on,
        next_review_on=payload.next_review_on,
        goals=goals,
        actions=actions,
        uses_outreach=payload.uses_outreach,
        uses_participation=payload.uses_participation,
        person_agreed=payload.person_agreed,
        note=_text(payload.note),
        request=request,
    )
    return Status(201, plan_out(_plans(case).get(pk=plan.pk)))


@meetings_router.post(
    f"{MEETING}/review",
    response={200: PlanOut, **_ERRORS},
    url_name="goals_review",
    summary="目標を評価する",
)
def goals_review(request, meeting_id: UUID, payload: ReviewIn):
    """見直し（plan_review）か終結（closure）の重層的支援会議で、現在のプランのすべての目標を
    評価します（achieved / partly / not_yet と補足）。足りなければ 409 `incomplete_review`。
    評価をつけたプランを返します。"""
    user = request.auth
    meeting = _readable_meeting(user, meeting_id)
    errors = {}
    ids = [r.goal_id for r in payload.ratings]
    goals = {g.pk: g for g in PlanGoal.objects.filter(pk__in=ids, plan__case=meeting.case)}
    ratings = []
    for n, rating in enumerate(payload.ratings):
        goal = goals.get(rating.goal_id)
        if goal is None:
            errors[f"ratings.{n}.goal_id"] = [
                ValidationError("このケースの目標が見つかりません。", code="not_found")
            ]
            continue
        ratings.append((goal, rating.rating, _text(rating.note)))
    _raise(errors)
    services.goals_review(actor=user, meeting=meeting, ratings=ratings, request=request)
    plan = services.latest_plan(meeting.case)
    return plan_out(_plans(meeting.case).get(pk=plan.pk))
