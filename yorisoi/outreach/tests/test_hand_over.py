"""Hand-over once trust is formed: to the case's outreach track, or as a consultation escalated
to multi-agency collaboration (R1) or referred to an agency (R2)."""

import pytest

from yorisoi.cases.models import Program
from yorisoi.cases.tests.world import open_case
from yorisoi.errors import RuleViolation
from yorisoi.intake.models import Outcome, ReferralStatus
from yorisoi.outreach import services
from yorisoi.outreach.models import Stage, Status
from yorisoi.testing import PersonFactory

from .world import agency, contact, fresh, target

pytestmark = pytest.mark.django_db


def _trusted(actor, t):
    contact(actor, t, "long_talk")
    t = fresh(t)
    return services.stage_move(actor=actor, target=t, version=t.version, to_stage="relationship")


def test_no_hand_over_before_trust_is_formed(hana):
    t = target(hana)
    contact(hana, t, "face_to_face")
    t = fresh(t)
    with pytest.raises(RuleViolation) as exc:
        services.target_hand_over(actor=hana, target=t, version=t.version, note="つなぐ")
    assert exc.value.code == "trust_not_formed"
    assert fresh(t).status == Status.OPEN


def test_a_target_of_a_case_starts_the_cases_outreach_track(hana, ichiro):
    case = open_case(hana, ichiro)
    t = _trusted(ichiro, target(ichiro, case=case))
    t = services.target_hand_over(
        actor=ichiro, target=t, version=t.version, note="本人が地域活動支援センターの見学を希望"
    )
    assert (t.status, t.stage) == (Status.HANDED_OVER, Stage.CONNECTED)
    assert t.handover_track.case == case and t.handover_track.program == Program.OUTREACH
    assert case.tracks.filter(program=Program.OUTREACH, ended_on__isnull=True).count() == 1
    assert t.ended_at is not None and t.end_note


def test_without_a_case_it_is_escalated_to_collaboration(hana):
    person = PersonFactory(agency=agency("zaitaku-kaigo-01"))
    t = _trusted(hana, target(hana))
    t = services.person_link(actor=hana, target=t, version=t.version, person=person)
    t = services.target_hand_over(actor=hana, target=t, version=t.version, note="多機関で支えたい")
    consultation = t.handover_consultation
    assert consultation.person == person
    assert consultation.outcome == Outcome.ESCALATED
    assert consultation.responsible_agency.code == "fukushi-soumu-ka"


def test_or_referred_to_a_named_agency(hana):
    t = _trusted(hana, target(hana))
    t = services.target_hand_over(
        actor=hana,
        target=t,
        version=t.version,
        note="障害福祉の相談につなぐ",
        to_agency=agency("itaku-soudan-01"),
    )
    referral = t.handover_consultation.referrals.get()
    assert referral.status == ReferralStatus.PENDING
    assert referral.to_agency.code == "itaku-soudan-01"
    # no name yet: the consultation carries what is known instead
    assert t.handover_consultation.subject_note == t.description


def test_handed_over_is_final_and_closed_needs_a_reason(hana):
    from django.core.exceptions import ValidationError

    t = _trusted(hana, target(hana))
    t = services.target_hand_over(actor=hana, target=t, version=t.version, note="引き継ぎ")
    with pytest.raises(RuleViolation):
        services.target_close(actor=hana, target=t, version=t.version, reason="x")
    other = target(hana)
    with pytest.raises(ValidationError):
        services.target_close(actor=hana, target=other, version=other.version, reason=" ")
    other = services.target_close(actor=hana, target=other, version=other.version, reason="転居")
    other = services.target_reopen(actor=hana, target=other, version=other.version)
    assert other.status == Status.OPEN and other.end_note == ""
    assert other.history.filter(status="closed").exists()  # R7: the closure stays in history


def test_the_target_page_shows_where_it_was_handed_over(hana, ichiro):
    from yorisoi.testing import client_for

    case = open_case(hana, ichiro)
    t = _trusted(ichiro, target(ichiro, case=case))
    t = services.target_hand_over(actor=ichiro, target=t, version=t.version, note="引き継ぎ")
    body = client_for(ichiro).get(f"/outreach/{t.pk}/").content.decode()
    assert "支援機関へ引き継ぎ済み" in body and case.number in body
    assert "訪問・連絡を記録する</a>" not in body  # nothing more to log once handed over
