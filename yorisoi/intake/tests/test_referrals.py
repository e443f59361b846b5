"""R2 Closed-loop referral: sent → accepted or declined (with a reason); nothing just ends."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from yorisoi.errors import RuleViolation
from yorisoi.intake import selectors, services
from yorisoi.intake.models import Outcome, Referral, ReferralStatus
from yorisoi.intake.tests.test_outcomes import consult


def send(actor, consultation, to_agency, kind="transfer"):
    return services.referral_send(
        actor=actor,
        consultation=consultation,
        to_agency=to_agency,
        kind=kind,
        reason="障害福祉サービスの利用について",
        told_to_person="委託相談支援事業所から連絡が来ます",
        shared_info="世帯構成と困りごとの概要",
    )


def test_accepted_transfer_moves_responsibility(hana, saki):
    consultation = consult(hana)
    referral = send(hana, consultation, saki.agency, kind="transfer")
    services.referral_accept(actor=saki, referral=referral)
    consultation.refresh_from_db()
    assert consultation.outcome == Outcome.REFERRED
    assert consultation.outcome_by == hana  # the sender's decision, completed by acceptance
    assert consultation.responsible_agency == saki.agency


def test_accepted_referral_keeps_the_sender_responsible(hana, saki):
    consultation = consult(hana)
    services.referral_accept(actor=saki, referral=send(hana, consultation, saki.agency, "referral"))
    consultation.refresh_from_db()
    assert consultation.outcome == Outcome.REFERRED
    assert consultation.responsible_agency == hana.agency


def test_declined_referral_returns_to_sender_and_coordinator(hana, saki):
    consultation = consult(hana)
    referral = services.referral_decline(
        actor=saki, referral=send(hana, consultation, saki.agency), reason="対象年齢外のため"
    )
    consultation.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED
    assert consultation.outcome == ""  # the sender must decide again
    assert consultation.responsible_agency == hana.agency
    assert referral.sender_acknowledged_at is None  # in the sender's queue
    assert referral.coordinator_acknowledged_at is None  # and in the coordinator's


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_decline_needs_a_reason(hana, saki, reason):
    referral = send(hana, consult(hana), saki.agency)
    with pytest.raises(ValidationError):
        services.referral_decline(actor=saki, referral=referral, reason=reason)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.PENDING


def test_the_database_refuses_a_decline_without_reason(hana, saki):
    referral = send(hana, consult(hana), saki.agency)
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(status="declined")


@pytest.mark.parametrize("first", ["decline", "withdraw", "accept"])
def test_an_answered_referral_cannot_be_answered_again(hana, saki, first):
    referral = send(hana, consult(hana), saki.agency)
    if first == "decline":
        services.referral_decline(actor=saki, referral=referral, reason="理由")
    elif first == "withdraw":
        services.referral_withdraw(actor=hana, referral=referral)
    else:
        services.referral_accept(actor=saki, referral=referral)
    with pytest.raises(RuleViolation) as exc:
        services.referral_accept(actor=saki, referral=referral)
    assert exc.value.code == "illegal_transition"


def test_referring_to_ones_own_agency_is_refused(hana, masaki):
    with pytest.raises(RuleViolation) as exc:
        send(hana, consult(hana), masaki.agency)
    assert exc.value.code == "self_referral"


def test_one_pending_referral_at_a_time(hana, saki, ichiro):
    consultation = consult(hana)
    send(hana, consultation, saki.agency)
    with pytest.raises(RuleViolation) as exc:
        send(hana, consultation, ichiro.agency)
    assert exc.value.code == "referral_pending"


def test_no_outcome_while_a_referral_waits(hana, saki):
    consultation = consult(hana)
    send(hana, consultation, saki.agency)
    consultation.refresh_from_db()
    with pytest.raises(RuleViolation) as exc:
        services.consultation_resolve(
            actor=hana, consultation=consultation, version=consultation.version
        )
    assert exc.value.code == "referral_pending"


def test_only_the_receiving_agency_answers(hana, saki, ichiro):
    referral = send(hana, consult(hana), saki.agency)
    for outsider in (hana, ichiro):
        with pytest.raises(RuleViolation):
            services.referral_accept(actor=outsider, referral=referral)
    with pytest.raises(RuleViolation):
        services.referral_withdraw(actor=saki, referral=referral)


def test_two_declines_flag_a_risk_of_being_passed_around(hana, saki, ichiro, personas):
    consultation = consult(hana)
    services.referral_decline(
        actor=saki, referral=send(hana, consultation, saki.agency), reason="対象外"
    )
    assert not selectors.at_risk_of_pass_around(consultation)
    services.referral_decline(
        actor=ichiro,
        referral=send(hana, consultation, ichiro.agency),
        reason="まず包括支援センターへ",
    )
    assert selectors.at_risk_of_pass_around(consultation)
    chain = selectors.handoff_chain(consultation)
    assert [r.to_agency for r in chain] == [saki.agency, ichiro.agency]


def test_pending_limit_counts_office_days_only(hana, saki, settings):
    settings.YORISOI_REFERRAL_PENDING_BUSINESS_DAYS = 3
    referral = send(hana, consult(hana), saki.agency)
    referral.sent_at = dt.datetime(2026, 4, 30, 10, 0, tzinfo=dt.UTC)  # Thursday
    # Office days after 30 April: 1, 7, 8 May (Golden Week in between) — not yet overdue.
    assert not selectors.referral_is_overdue(referral, today=dt.date(2026, 5, 8))
    assert selectors.referral_is_overdue(referral, today=dt.date(2026, 5, 11))


def test_a_referral_brings_the_subjects_record_while_it_lasts(hana, saki, ichiro):
    """R6: the receiving agency opens the person's record while the referral waits or after it
    accepted it, on the basis "referral"; after a decline it no longer can (404), while the
    coordinator, who now holds the decline, can. Editing stays with the registering agency."""
    from django.urls import reverse

    from yorisoi.audit.models import AuditEvent
    from yorisoi.testing import PersonFactory, client_for

    person = PersonFactory(agency=hana.agency)
    url = reverse("people:person_detail", args=[person.pk])
    client = client_for(saki)
    assert client.get(url).status_code == 404  # nothing links saki's agency to the person yet

    referral = send(hana, consult(hana, person=person, subject_note=""), saki.agency)
    assert client.get(url).status_code == 200
    read = AuditEvent.objects.filter(actor=saki, action="person.viewed").latest("at")
    assert read.basis == "referral"
    assert client.get(reverse("people:person_edit", args=[person.pk])).status_code == 404

    services.referral_decline(actor=saki, referral=referral, reason="対象年齢外のため")
    assert client.get(url).status_code == 404
    assert client_for(ichiro).get(url).status_code == 200
