"""R3: every open item sits in exactly the right queue; the coordinator sees every flag."""

import datetime as dt

from django.utils import timezone

from yorisoi import access
from yorisoi.intake import services
from yorisoi.intake.models import Consultation
from yorisoi.intake.queues import agency_queue, overdue_cutoff
from yorisoi.intake.tests.test_outcomes import consult
from yorisoi.intake.tests.test_referrals import send


def _ids(queryset):
    return {obj.pk for obj in queryset}


def test_a_new_consultation_waits_in_the_receiving_agencys_queue(hana, masaki, saki):
    consultation = consult(hana)
    assert _ids(agency_queue(user=masaki).new) == {consultation.pk}  # same agency, other user
    assert not _ids(agency_queue(user=saki).new)


def test_referral_moves_between_queues(hana, saki, ichiro):
    consultation = consult(hana)
    referral = send(hana, consultation, saki.agency)
    assert _ids(agency_queue(user=saki).to_answer) == {referral.pk}
    assert _ids(agency_queue(user=hana).awaiting_answer) == {referral.pk}
    assert not _ids(agency_queue(user=hana).new)  # waiting for an answer, not for a decision

    services.referral_decline(actor=saki, referral=referral, reason="対象外")
    hana_queue, ichiro_queue = agency_queue(user=hana), agency_queue(user=ichiro)
    assert _ids(hana_queue.declined_returned) == {referral.pk}
    assert _ids(hana_queue.new) == {consultation.pk}  # needs a decision again
    assert _ids(ichiro_queue.coordinator["all_declines"]) == {referral.pk}
    assert not _ids(agency_queue(user=saki).to_answer)

    services.referral_acknowledge(actor=hana, referral=referral)
    assert not _ids(agency_queue(user=hana).declined_returned)
    assert _ids(agency_queue(user=ichiro).coordinator["all_declines"]) == {referral.pk}
    services.referral_acknowledge(actor=ichiro, referral=referral)
    assert not _ids(agency_queue(user=ichiro).coordinator["all_declines"])


def test_escalations_and_pass_around_flags_reach_the_coordinator(hana, saki, ichiro, masaki):
    escalated = services.consultation_escalate(actor=hana, consultation=consult(hana), version=1)
    assert _ids(agency_queue(user=ichiro).coordinator["escalations"]) == {escalated.pk}
    passed_around = consult(hana)
    for agency_user in (saki, ichiro):
        services.referral_decline(
            actor=agency_user,
            referral=send(hana, passed_around, agency_user.agency),
            reason="対象外",
        )
    assert _ids(agency_queue(user=ichiro).coordinator["pass_around"]) == {passed_around.pk}
    assert agency_queue(user=masaki).coordinator == {}


def test_overdue_next_actions_and_stalled_items(hana, settings):
    settings.YORISOI_STALLED_DAYS = 14
    consultation = consult(hana, next_action_on=timezone.localdate() - dt.timedelta(days=1))
    assert _ids(agency_queue(user=hana).overdue_actions) == {consultation.pk}
    Consultation.objects.filter(pk=consultation.pk).update(
        last_activity_at=timezone.now() - dt.timedelta(days=15)
    )
    assert _ids(agency_queue(user=hana).stalled) == {consultation.pk}


def test_overdue_referrals_respect_holidays(hana, saki, ichiro, settings):
    settings.YORISOI_REFERRAL_PENDING_BUSINESS_DAYS = 3
    referral = send(hana, consult(hana), saki.agency)
    sent = timezone.make_aware(dt.datetime(2026, 4, 30, 10, 0))  # Thursday before Golden Week
    type(referral).objects.filter(pk=referral.pk).update(sent_at=sent)
    assert overdue_cutoff(dt.date(2026, 5, 8)) <= sent
    assert not _ids(
        agency_queue(user=ichiro, today=dt.date(2026, 5, 8)).coordinator["overdue_referrals"]
    )
    assert _ids(
        agency_queue(user=ichiro, today=dt.date(2026, 5, 11)).coordinator["overdue_referrals"]
    ) == {referral.pk}


def test_queue_sections_keep_a_constant_number_of_queries(
    hana, saki, django_assert_max_num_queries
):
    def evaluate():
        for section in agency_queue(user=hana).sections().values():
            list(section)

    consult(hana)
    with django_assert_max_num_queries(10) as few:
        evaluate()
    for _ in range(8):
        send(hana, consult(hana), saki.agency)
    with django_assert_max_num_queries(len(few.captured_queries)):
        evaluate()


def test_visibility_follows_involvement(hana, saki, ichiro, kazuko, ken, osamu):
    consultation = consult(hana)
    assert not access.visible_consultations(saki).filter(pk=consultation.pk).exists()
    referral = send(hana, consultation, saki.agency, kind="transfer")
    assert access.consultation_basis(saki, consultation) == "referral"
    services.referral_accept(actor=saki, referral=referral)
    consultation.refresh_from_db()
    assert access.consultation_basis(saki, consultation) == "own_agency"  # now responsible
    assert access.consultation_basis(hana, consultation) == "own_agency"  # received it
    for outsider in (ichiro, kazuko, ken, osamu):
        assert access.consultation_basis(outsider, consultation) is None


def test_an_accepted_transfer_shows_in_the_new_holders_queue(hana, saki, ichiro):
    consultation = services.consultation_escalate(actor=hana, consultation=consult(hana), version=1)
    referral = send(ichiro, consultation, saki.agency, kind="transfer")
    assert _ids(agency_queue(user=ichiro).coordinator["escalations"]) == set()  # waiting
    services.referral_accept(actor=saki, referral=referral)
    assert _ids(agency_queue(user=saki).holding) == {consultation.pk}
    assert not _ids(agency_queue(user=ichiro).holding)


def test_continued_support_stays_in_the_agencys_caseload(hana):
    continued = services.consultation_continue(
        actor=hana,
        consultation=consult(hana),
        version=1,
        next_action_on=timezone.localdate() + dt.timedelta(days=7),
    )
    queue = agency_queue(user=hana)
    assert _ids(queue.holding) == {continued.pk}
    assert not _ids(queue.new)
