"""The trust-stage rule (models.OUTCOME_SUPPORTS / OUTCOME_RAISES / STAGE_TRANSITIONS)."""

import pytest

from yorisoi.errors import RuleViolation
from yorisoi.outreach import services
from yorisoi.outreach.models import (
    OUTCOME_RAISES,
    OUTCOME_SUPPORTS,
    STAGE_TRANSITIONS,
    ContactOutcome,
    Stage,
)

from .world import contact, fresh, target

pytestmark = pytest.mark.django_db


def test_every_outcome_and_stage_has_a_rule():
    assert set(OUTCOME_SUPPORTS) == set(ContactOutcome)
    assert set(OUTCOME_RAISES) == set(ContactOutcome)
    assert set(STAGE_TRANSITIONS) == set(Stage)
    # 支援につながった is never a hand move: only the hand-over reaches it.
    assert all(Stage.CONNECTED not in moves for moves in STAGE_TRANSITIONS.values())


@pytest.mark.parametrize(
    "outcome, stage",
    [
        ("absent", Stage.NOT_CONTACTED),
        ("note_left", Stage.NOT_CONTACTED),
        ("through_door", Stage.CONTACTED),
        ("face_to_face", Stage.DIALOGUE),
        ("long_talk", Stage.DIALOGUE),
    ],
)
def test_logging_a_contact_moves_the_stage_as_far_as_its_outcome(hana, outcome, stage):
    t = target(hana)
    contact(hana, t, outcome)
    t = fresh(t)
    assert t.stage == stage
    changes = list(t.stage_changes.all())
    assert len(changes) == (0 if stage == Stage.NOT_CONTACTED else 1)


def test_a_worse_contact_never_lowers_the_stage(hana):
    t = target(hana)
    contact(hana, t, "face_to_face")
    contact(hana, fresh(t), "absent")
    assert fresh(t).stage == Stage.DIALOGUE


def test_joint_visits_to_face_to_face_in_the_plans_order(hana):
    t = target(hana)
    for outcome, stage in [
        ("absent", Stage.NOT_CONTACTED),
        ("note_left", Stage.NOT_CONTACTED),
        ("through_door", Stage.CONTACTED),
        ("face_to_face", Stage.DIALOGUE),
    ]:
        contact(hana, fresh(t), outcome)
        assert fresh(t).stage == stage
    history = [(c.from_stage, c.to_stage) for c in fresh(t).stage_changes.all()]
    assert history == [("not_contacted", "contacted"), ("contacted", "dialogue")]
    assert all(c.contact_id for c in fresh(t).stage_changes.all())


def test_stage_cannot_move_up_without_a_contact_that_supports_it(hana):
    t = target(hana)
    with pytest.raises(RuleViolation) as exc:
        services.stage_move(actor=hana, target=t, version=t.version, to_stage="dialogue")
    assert exc.value.code == "stage_not_supported"
    contact(hana, t, "face_to_face")
    t = fresh(t)
    with pytest.raises(RuleViolation) as exc:
        services.stage_move(actor=hana, target=t, version=t.version, to_stage="relationship")
    assert exc.value.code == "stage_not_supported"


def test_relationship_needs_a_long_talk_then_the_worker_decides(hana):
    t = target(hana)
    contact(hana, t, "long_talk")
    t = fresh(t)
    assert t.stage == Stage.DIALOGUE  # not by itself: 関係形成 is the worker's judgement
    t = services.stage_move(actor=hana, target=t, version=t.version, to_stage="relationship")
    assert t.stage == Stage.RELATIONSHIP
    assert t.stage_changes.last().changed_by == hana


def test_moving_down_needs_a_reason(hana):
    from django.core.exceptions import ValidationError

    t = target(hana)
    contact(hana, t, "face_to_face")
    t = fresh(t)
    with pytest.raises(ValidationError):
        services.stage_move(actor=hana, target=t, version=t.version, to_stage="contacted")
    t = services.stage_move(
        actor=hana, target=t, version=t.version, to_stage="contacted", note="訪問を拒まれた"
    )
    assert t.stage == Stage.CONTACTED


def test_connected_cannot_be_chosen_by_hand(hana):
    t = target(hana)
    contact(hana, t, "long_talk")
    t = fresh(t)
    with pytest.raises(RuleViolation) as exc:
        services.stage_move(actor=hana, target=t, version=t.version, to_stage="connected")
    assert exc.value.code == "illegal_transition"
