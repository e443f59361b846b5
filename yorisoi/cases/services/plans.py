"""Assessments and support plans: new versions, never overwritten (R7); a plan and its review are
decided at a 重層的支援会議 (R5).
"""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yorisoi.errors import ConcurrentEditError

from ..models import (
    Assessment,
    AssessmentIssue,
    Case,
    CaseEventKind,
    CaseStatus,
    GoalRating,
    GoalReview,
    Meeting,
    MeetingPurpose,
    PlanAction,
    PlanGoal,
    Program,
    SupportPlan,
    Track,
)
from .base import _access, _audit, _event, _locked, _require, _touch
from .cases import _move
from .meetings import require_decided_at

ASSESSMENT_FIELDS = ("household_situation", "strengths", "risks", "wishes")


def latest_assessment(case) -> Assessment | None:
    return case.assessments.order_by("-number").first()


def latest_plan(case) -> SupportPlan | None:
    return case.plans.order_by("-number").first()


@transaction.atomic
def assessment_save(
    *,
    actor,
    case: Case,
    based_on: int | None,
    issues: Iterable = (),
    request=None,
    **fields,
) -> Assessment:
    """A new version of the assessment. R7: `based_on` is the version the writer started from
    (None for the first); if someone saved another version meanwhile, nothing is saved and the
    error lists what they changed."""
    unknown = set(fields) - set(ASSESSMENT_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    rights = _access(actor, case, "assess")
    current = _locked(case)
    latest = latest_assessment(current)
    if (latest.number if latest else None) != based_on:
        seen = current.assessments.filter(number=based_on).first() if based_on else None
        changes = []
        if latest is not None:
            for name in ASSESSMENT_FIELDS:
                if getattr(seen, name, "") != getattr(latest, name):
                    label = Assessment._meta.get_field(name).verbose_name
                    changes.append({"field": name, "label": label, "theirs": getattr(latest, name)})
        raise ConcurrentEditError(
            _(
                "ほかの人が先にアセスメントの第%(n)s版を保存しました。"
                "あなたの入力は保存していません。相手の変更を確認してから、もう一度保存してください。"
            )
            % {"n": latest.number if latest else "-"},
            changes=changes,
        )
    assessment = Assessment(
        case=current,
        number=(latest.number + 1) if latest else 1,
        created_by=actor,
        created_by_agency_id=actor.agency_id,
        **{name: fields.get(name, "") for name in ASSESSMENT_FIELDS},
    )
    assessment.full_clean()
    assessment.save()
    rows = [AssessmentIssue(assessment=assessment, domain=d, description=t) for d, t in issues]
    for row in rows:
        row.full_clean(exclude=["assessment"])
    AssessmentIssue.objects.bulk_create(rows)
    if current.status == CaseStatus.INTAKE:
        _move(current, actor, CaseStatus.ASSESSMENT)
    _event(current, actor, CaseEventKind.ASSESSMENT, _("アセスメント 第%(n)s版") % {
        "n": assessment.number})  # fmt: skip
    _touch(current)
    _audit("assessment.saved", actor=actor, target=assessment, rights=rights, request=request)
    return assessment


@transaction.atomic
def plan_create(
    *,
    actor,
    case: Case,
    meeting: Meeting,
    based_on: int | None,
    next_review_on: date,
    goals: Iterable = (),
    actions: Iterable = (),
    uses_outreach: bool = False,
    uses_participation: bool = False,
    person_agreed: bool = False,
    note: str = "",
    request=None,
) -> SupportPlan:
    """R5: a support plan and each revision are decided at a 重層的支援会議 (plan creation for
    the first version, plan review for the next). Every version is kept (R7)."""
    rights = _access(actor, case, "meetings")
    current = _locked(case)
    _require(current.is_active, _("終結・中断したケースのプランは作れません。"), "case_ended")
    meeting = Meeting.objects.select_related("kind").get(pk=meeting.pk)
    latest = latest_plan(current)
    purposes = [MeetingPurpose.PLAN_REVIEW] if latest else [MeetingPurpose.PLAN_CREATION]
    require_decided_at(meeting, current, purposes)
    if (latest.number if latest else None) != based_on:
        raise ConcurrentEditError(
            _("ほかの人が先に支援プランの第%(n)s版を保存しました。内容を確認してください。")
            % {"n": latest.number if latest else "-"}
        )
    goals, actions = list(goals), list(actions)
    if not goals:
        raise ValidationError({"goals": _("目標を1つ以上入力してください。")})
    if next_review_on <= timezone.localdate():
        raise ValidationError({"next_review_on": _("次回の見直し予定日は明日以降にしてください。")})
    plan = SupportPlan(
        case=current,
        number=(latest.number + 1) if latest else 1,
        meeting=meeting,
        next_review_on=next_review_on,
        uses_outreach=uses_outreach,
        uses_participation=uses_participation,
        person_agreed=person_agreed,
        note=note,
        created_by=actor,
    )
    plan.full_clean()
    plan.save()
    goal_rows = [
        PlanGoal(plan=plan, term=term, text=text, order=n)
        for n, (term, text) in enumerate(goals, start=1)
    ]
    action_rows = [
        PlanAction(plan=plan, agency=agency, description=text, due_on=due_on, order=n)
        for n, (agency, text, due_on) in enumerate(actions, start=1)
    ]
    for row in goal_rows + action_rows:
        row.full_clean(exclude=["plan"])
    PlanGoal.objects.bulk_create(goal_rows)
    PlanAction.objects.bulk_create(action_rows)
    today = timezone.localdate()
    for wanted, program in ((uses_outreach, Program.OUTREACH),
                            (uses_participation, Program.PARTICIPATION)):  # fmt: skip
        if wanted and not current.tracks.filter(program=program, ended_on__isnull=True).exists():
            Track.objects.create(case=current, program=program, started_on=today)
    if current.status in (CaseStatus.INTAKE, CaseStatus.ASSESSMENT):
        _move(current, actor, CaseStatus.PLANNING, str(meeting), meeting=meeting)
    if current.status != CaseStatus.SUPPORT:
        _move(current, actor, CaseStatus.SUPPORT, str(plan), meeting=meeting)
    current.next_action_on = min(current.next_action_on, next_review_on)
    _event(current, actor, CaseEventKind.PLAN, _("支援プラン 第%(n)s版") % {"n": plan.number},
           meeting=meeting)  # fmt: skip
    _touch(current)
    _audit("plan.created", actor=actor, target=plan, rights=rights, request=request)
    return plan


@transaction.atomic
def goals_review(*, actor, meeting: Meeting, ratings: Iterable, request=None) -> list[GoalReview]:
    """At a review each goal of the current plan is rated (achieved / partly / not yet) with a
    note; the case moves to review until the next plan version."""
    case = meeting.case
    rights = _access(actor, case, "meetings")
    current = _locked(case)
    meeting = Meeting.objects.select_related("kind").get(pk=meeting.pk)
    require_decided_at(meeting, current, [MeetingPurpose.PLAN_REVIEW, MeetingPurpose.CLOSURE])
    plan = latest_plan(current)
    _require(plan is not None, _("評価する支援プランがありません。"), "no_plan")
    goals = {g.pk: g for g in plan.goals.all()}
    rows = []
    for goal, rating, note in ratings:
        _require(goal.pk in goals, _("現在のプランの目標ではありません。"), "wrong_goal")
        if rating not in GoalRating.values:
            raise ValidationError({"rating": _("評価を選んでください。")})
        rows.append(
            GoalReview(goal=goal, meeting=meeting, rating=rating, note=note, reviewed_by=actor)
        )
    _require(
        {r.goal_id for r in rows} == set(goals),
        _("すべての目標を評価してください。"),
        "incomplete_review",
    )
    GoalReview.objects.bulk_create(rows)
    if current.status == CaseStatus.SUPPORT:
        _move(current, actor, CaseStatus.REVIEW, str(meeting), meeting=meeting)
    _touch(current)
    _audit("plan.reviewed", actor=actor, target=plan, rights=rights, request=request)
    return rows
