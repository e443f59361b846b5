"""Worked example 1 through the services: escalation → case → consent → 支援決定 →
重層的支援会議 → plan v1 with the four agencies' roles → review → plan v2 → closure; R3–R5."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from yorisoi.cases import services
from yorisoi.cases.models import CaseEvent, CaseStatus, Program
from yorisoi.cases.tests.world import (
    ROLES,
    agency,
    consent_all,
    hold,
    open_case,
    schedule,
)
from yorisoi.errors import RuleViolation

SOON = timezone.now() + timedelta(days=2)


def _involve_four(ichiro, case):
    for code, role in ROLES.items():
        services.involvement_add(actor=ichiro, case=case, agency=agency(code), role=role)


def _multilayer(ichiro, case, purpose):
    return schedule(
        ichiro, case, "multilayer_meeting", SOON, place="市役所 会議室", purpose=purpose
    )


def _plan_v1(ichiro, case, meeting):
    return services.plan_create(
        actor=ichiro,
        case=case,
        meeting=meeting,
        based_on=None,
        next_review_on=timezone.localdate() + timedelta(days=90),
        goals=[("short", "父が介護認定を受け、配食サービスが始まる"),
               ("short", "息子が就労継続支援B型事業所に通い続ける"),
               ("long", "父は自宅で、息子はグループホームで安心して暮らす")],
        actions=[(agency(code), role, None) for code, role in ROLES.items()],
    )  # fmt: skip


def test_escalation_becomes_one_case_led_by_the_coordinator(hana, ichiro):
    case = open_case(hana, ichiro)
    assert case.lead_agency == ichiro.agency  # R3: one lead agency
    assert case.next_action_on is not None
    assert case.subjects.count() == 2  # the household's two members
    assert case.status == CaseStatus.INTAKE
    assert [t.program for t in case.tracks.all()] == [Program.COLLABORATION]
    case.origin.refresh_from_db()
    assert case.origin.closed_at is not None  # it left the escalation queue: the case holds it
    assert case.number.startswith(f"{timezone.localdate().year}-")


def test_only_the_coordinator_opens_a_case(hana, ichiro):
    from yorisoi.cases.tests.world import escalated

    consultation = escalated(hana)
    with pytest.raises(RuleViolation):
        services.case_open(actor=hana, title="x", household=consultation.household)


def test_worked_example_1_plan_v1_then_review_and_v2(hana, ichiro):
    case = open_case(hana, ichiro)
    _involve_four(ichiro, case)
    consent_all(ichiro, case)
    services.support_decision_record(actor=ichiro, case=case)
    meeting = _multilayer(ichiro, case, "plan_creation")
    plan = _plan_v1(ichiro, case, meeting)
    case.refresh_from_db()
    assert plan.number == 1 and case.status == CaseStatus.SUPPORT
    assert {a.agency.code for a in plan.actions.all()} == set(ROLES)

    review = _multilayer(ichiro, case, "plan_review")
    ratings = [(g, "achieved" if g.term == "short" else "partly", "") for g in plan.goals.all()]
    services.goals_review(actor=ichiro, meeting=review, ratings=ratings)
    case.refresh_from_db()
    assert case.status == CaseStatus.REVIEW
    v2 = services.plan_create(
        actor=ichiro,
        case=case,
        meeting=review,
        based_on=1,
        next_review_on=timezone.localdate() + timedelta(days=180),
        goals=[("long", "父は自宅で、息子はグループホームで安心して暮らす")],
        uses_participation=True,
    )
    case.refresh_from_db()
    assert v2.number == 2 and case.status == CaseStatus.SUPPORT
    assert case.plans.count() == 2  # every version kept
    assert case.tracks.filter(program=Program.PARTICIPATION, ended_on__isnull=True).exists()
    statuses = list(
        CaseEvent.objects.filter(case=case, kind="status").values_list("to_status", flat=True)
    )
    assert statuses == ["planning", "support", "review", "support"]


def test_a_plan_needs_a_multilayer_meeting_for_plan_creation(hana, ichiro):
    """R5: not without a meeting, not at a 支援会議, not at a meeting for another purpose."""
    case = open_case(hana, ichiro)
    consent_all(ichiro, case)
    support = schedule(ichiro, case, "support_meeting", SOON)
    with pytest.raises(RuleViolation) as refused:
        _plan_v1(ichiro, case, support)
    assert refused.value.code == "needs_multilayer_meeting"
    services.support_decision_record(actor=ichiro, case=case)
    closure = _multilayer(ichiro, case, "closure")
    with pytest.raises(RuleViolation) as refused:
        _plan_v1(ichiro, case, closure)
    assert refused.value.code == "wrong_purpose"
    assert case.plans.count() == 0


def test_a_multilayer_meeting_needs_support_decision_and_everyones_consent(hana, ichiro):
    case = open_case(hana, ichiro)
    with pytest.raises(RuleViolation) as refused:
        _multilayer(ichiro, case, "plan_creation")
    assert refused.value.code == "no_support_decision"
    services.support_decision_record(actor=ichiro, case=case)
    father = case.subjects.first().person
    services.consent_record(
        actor=ichiro, case=case, person=father, method="oral", given_on=timezone.localdate()
    )
    with pytest.raises(RuleViolation) as refused:  # the son has not consented
        _multilayer(ichiro, case, "plan_creation")
    assert refused.value.code == "no_consent"
    consent_all(ichiro, case)
    assert _multilayer(ichiro, case, "plan_creation").purpose == "plan_creation"


def test_a_withdrawn_consent_stops_decisions_at_the_multilayer_meeting(hana, ichiro):
    case = open_case(hana, ichiro)
    consent_all(ichiro, case)
    services.support_decision_record(actor=ichiro, case=case)
    meeting = _multilayer(ichiro, case, "plan_creation")
    services.consent_withdraw(actor=ichiro, consent=case.consents.first())
    with pytest.raises(RuleViolation) as refused:
        _plan_v1(ichiro, case, meeting)
    assert refused.value.code == "no_consent"


def test_closure_needs_a_closure_meeting_and_an_evaluation_and_can_reopen(hana, ichiro):
    case = open_case(hana, ichiro)
    consent_all(ichiro, case)
    services.support_decision_record(actor=ichiro, case=case)
    review = _multilayer(ichiro, case, "plan_review")
    case.refresh_from_db()
    with pytest.raises(RuleViolation):
        services.case_close(
            actor=ichiro, case=case, version=case.version, meeting=review, evaluation="良好"
        )
    closure = _multilayer(ichiro, case, "closure")
    case.refresh_from_db()
    # Only on the calendar, not held yet: the closure waits for the meeting's minutes.
    with pytest.raises(RuleViolation) as refused:
        services.case_close(
            actor=ichiro, case=case, version=case.version, meeting=closure, evaluation="良好"
        )
    assert refused.value.code == "meeting_not_held"
    closure = hold(ichiro, closure)
    case.refresh_from_db()
    with pytest.raises(ValidationError):
        services.case_close(
            actor=ichiro, case=case, version=case.version, meeting=closure, evaluation=" "
        )
    closed = services.case_close(
        actor=ichiro,
        case=case,
        version=case.version,
        meeting=closure,
        evaluation="父は介護サービスで在宅生活が安定し、息子はグループホームに入居した。",
    )
    assert closed.status == CaseStatus.CLOSED and closed.ended_at is not None
    assert not closed.tracks.filter(ended_on__isnull=True).exists()
    with pytest.raises(RuleViolation):
        services.record_add(actor=ichiro, case=closed, kind="note", text="追記")
    reopened = services.case_reopen(
        actor=ichiro, case=closed, version=closed.version, reason="父の入院で再調整が必要"
    )
    assert reopened.status == CaseStatus.ASSESSMENT and reopened.ended_at is None
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert "closed" in kinds and kinds[-1] == "reopened"  # history kept


def test_no_refusal_words_and_no_delete_in_the_case_lifecycle():
    from yorisoi.cases.models import CASE_TRANSITIONS

    assert "deleted" not in {str(s) for s in CaseStatus.values}
    assert CASE_TRANSITIONS[CaseStatus.CLOSED] == set()  # only case_reopen leaves it
