"""R1 No refusal: one outcome of four, decided by the agency holding the consultation."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from yorisoi.errors import RuleViolation
from yorisoi.intake import services
from yorisoi.intake.models import Consultation, Outcome


def consult(actor, **fields):
    defaults = {
        "channel": "phone",
        "consulter_type": "neighbour",
        "summary": "近所の高齢男性の様子が心配",
        "subject_note": "諏訪町の二階建て、夜も明かりがついている",
    }
    return services.consultation_create(actor=actor, **{**defaults, **fields})


def test_there_is_no_refused_outcome():
    assert set(Outcome.values) == {"resolved", "continued", "referred", "escalated"}
    labels = " ".join(str(label) for label in Outcome.labels)
    for word in ("断", "拒否", "対象外", "refus"):
        assert word not in labels


def test_the_database_refuses_any_other_outcome(hana):
    consultation = consult(hana)
    with pytest.raises(IntegrityError), transaction.atomic():
        Consultation.objects.filter(pk=consultation.pk).update(outcome="refused")


def test_any_caseworker_may_take_any_consultation(saki):
    consultation = consult(saki, summary="高齢の父の介護と息子の障害のこと")
    assert consultation.responsible_agency == saki.agency
    assert consultation.outcome == ""
    assert consultation.next_action_on == timezone.localdate()


@pytest.mark.parametrize("persona", ["kazuko", "ken", "osamu"])
def test_non_caseworkers_cannot_take_consultations(personas, persona):
    with pytest.raises(RuleViolation):
        consult(personas[persona])


def test_a_consultation_needs_some_subject(hana):
    with pytest.raises(ValidationError):
        consult(hana, subject_note="")


def test_issues_with_one_main(hana):
    consultation = consult(hana, issues=["dementia", "isolation"], main_issue="dementia")
    links = {link.issue.code: link.is_main for link in consultation.issue_links.all()}
    assert links.get("dementia") is True
    assert sum(links.values()) == 1


def test_unknown_issue_is_refused_and_nothing_saved(hana):
    with pytest.raises(ValidationError):
        consult(hana, issues=["no-such-issue"])
    assert not Consultation.objects.exists()


@pytest.mark.parametrize(
    "decide",
    [
        lambda c, u: services.consultation_resolve(actor=u, consultation=c, version=c.version),
        lambda c, u: services.consultation_continue(
            actor=u, consultation=c, version=c.version, next_action_on=timezone.localdate()
        ),
        lambda c, u: services.consultation_escalate(actor=u, consultation=c, version=c.version),
    ],
)
def test_exactly_one_outcome(hana, decide):
    consultation = consult(hana)
    decided = decide(consultation, hana)
    assert decided.outcome in Outcome.values
    with pytest.raises(RuleViolation) as exc:
        services.consultation_resolve(actor=hana, consultation=decided, version=decided.version)
    assert exc.value.code == "outcome_exists"


def test_only_resolution_closes_the_consultation(hana):
    resolved = services.consultation_resolve(actor=hana, consultation=consult(hana), version=1)
    continued = services.consultation_continue(
        actor=hana, consultation=consult(hana), version=1, next_action_on=timezone.localdate()
    )
    assert resolved.closed_at is not None
    assert continued.closed_at is None


def test_escalation_hands_the_consultation_to_the_coordinating_division(hana, ichiro):
    escalated = services.consultation_escalate(actor=hana, consultation=consult(hana), version=1)
    assert escalated.responsible_agency == ichiro.agency
    assert escalated.is_open


def test_only_the_responsible_agency_decides(hana, saki):
    with pytest.raises(RuleViolation):
        services.consultation_resolve(actor=saki, consultation=consult(hana), version=1)


def test_a_stale_version_is_refused(hana):
    consultation = consult(hana)
    with pytest.raises(RuleViolation) as exc:
        services.consultation_resolve(actor=hana, consultation=consultation, version=99)
    assert exc.value.code == "concurrent_edit"


def test_a_volunteer_report_goes_to_the_coordinating_division(kazuko, ichiro, hana):
    from yorisoi.intake import selectors

    report = services.volunteer_report_create(
        actor=kazuko,
        summary="一人暮らしの女性の家の前にごみが溜まっている",
        subject_note="諏訪町 3丁目の角の家",
    )
    assert report.responsible_agency == ichiro.agency
    assert selectors.volunteer_status(report) == "received"
    services.consultation_escalate(actor=ichiro, consultation=report, version=report.version)
    report.refresh_from_db()
    assert selectors.volunteer_status(report) == "being_handled"
    with pytest.raises(RuleViolation):
        services.volunteer_report_create(actor=hana, summary="x", subject_note="y")


def test_a_subject_in_one_household_brings_the_household_along(hana):
    from yorisoi.cases.tests.world import family

    household, father, _son = family(hana)
    assert consult(hana, person=father, subject_note="").household == household
