"""R4 consent: per subject, with scope, method, date and who obtained it; a withdrawal keeps
the row and its date and takes effect at once; nothing about consent is ever deleted."""

import inspect
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from yorisoi import access
from yorisoi.audit.models import AuditEvent
from yorisoi.cases import services
from yorisoi.cases.models import Case, CaseEvent, Consent, ConsentScope
from yorisoi.cases.tests.world import ROLES, agency, close, consent_all, open_case, schedule
from yorisoi.errors import RuleViolation
from yorisoi.testing import PersonFactory

TODAY = timezone.localdate
PDF = b"%PDF-1.4 consent form"


@pytest.fixture
def case(hana, ichiro):
    return open_case(hana, ichiro)


@pytest.fixture
def father(case):
    return case.household.memberships.order_by("order").first().person


@pytest.fixture
def son(case, father):
    return case.subjects.exclude(person=father).get().person


@pytest.fixture
def involved_saki(case, ichiro, saki):
    services.involvement_add(
        actor=ichiro, case=case, agency=saki.agency, role=ROLES["itaku-soudan-01"]
    )
    return saki


def _consent(actor, case, person, **kwargs):
    fields = {"method": "written", "given_on": TODAY(), **kwargs}
    return services.consent_record(actor=actor, case=case, person=person, **fields)


def _reload(case):
    return Case.objects.get(pk=case.pk)


def _sees(user, case):
    return access.visible_cases(user).filter(pk=case.pk).exists()


# --- recording --------------------------------------------------------------------------------


def test_consent_is_recorded_per_subject_with_scope_method_date_and_who_obtained_it(
    case, ichiro, father, son
):
    given = TODAY() - timedelta(days=2)
    consent = _consent(ichiro, case, father, method="oral", given_on=given, note="自宅で説明")
    consent.refresh_from_db()
    assert consent.person == father and consent.case == case
    assert consent.scope == ConsentScope.ALL_INVOLVED
    assert consent.method == "oral"
    assert consent.given_on == given
    assert consent.obtained_by == ichiro
    assert consent.is_active
    assert not Consent.objects.filter(case=case, person=son).exists()  # per subject


def test_one_subjects_consent_does_not_open_the_case_while_another_has_none(
    case, ichiro, father, son, involved_saki
):
    _consent(ichiro, case, father)
    assert not _sees(involved_saki, case)
    _consent(ichiro, case, son)
    assert _sees(involved_saki, case)


def test_recording_consent_writes_a_case_event_and_an_audit_event_with_the_basis(
    case, ichiro, father
):
    consent = _consent(ichiro, case, father)
    assert CaseEvent.objects.filter(case=case, kind="consent").count() == 1
    event = AuditEvent.objects.get(action="consent.recorded", target_id=str(consent.pk))
    assert event.basis == "own_agency"  # in world example 1 福祉総務課 leads the case
    assert event.actor == ichiro


def test_a_named_scope_keeps_the_named_agencies_and_opens_the_case_only_to_them(
    case, ichiro, involved_saki, tomoko
):
    services.involvement_add(
        actor=ichiro, case=case, agency=tomoko.agency, role=ROLES["chiiki-houkatsu-01"]
    )
    consent_all(ichiro, case, scope=ConsentScope.NAMED, agencies=[involved_saki.agency])
    consent = case.consents.first()
    assert consent.scope == ConsentScope.NAMED
    assert list(consent.agencies.all()) == [involved_saki.agency]
    assert _sees(involved_saki, case)
    assert not _sees(tomoko, case)  # involved, but not named


def test_a_named_scope_needs_at_least_one_agency(case, ichiro, father):
    with pytest.raises(ValidationError) as refused:
        _consent(ichiro, case, father, scope=ConsentScope.NAMED, agencies=[])
    assert "agencies" in refused.value.message_dict
    assert not case.consents.exists()


def test_a_consent_dated_in_the_future_is_refused(case, ichiro, father):
    with pytest.raises(ValidationError) as refused:
        _consent(ichiro, case, father, given_on=TODAY() + timedelta(days=1))
    assert "given_on" in refused.value.message_dict
    assert not case.consents.exists()


def test_consent_of_someone_who_is_not_a_subject_is_refused(case, ichiro, hana):
    stranger = PersonFactory(agency=hana.agency)
    with pytest.raises(RuleViolation) as refused:
        _consent(ichiro, case, stranger)
    assert refused.value.code == "not_a_subject"
    assert not case.consents.exists()


def test_an_involved_agency_may_not_record_or_withdraw_consent(case, ichiro, father, involved_saki):
    consent_all(ichiro, case)
    with pytest.raises(RuleViolation) as refused:
        _consent(involved_saki, case, father)
    assert refused.value.code == "forbidden"
    with pytest.raises(RuleViolation) as refused:
        services.consent_withdraw(actor=involved_saki, consent=case.consents.first())
    assert refused.value.code == "forbidden"
    assert not case.consents.filter(withdrawn_at__isnull=False).exists()


# --- the scan of the written consent ----------------------------------------------------------


def test_a_scanned_consent_form_is_kept_with_its_name_and_type(case, ichiro, father):
    consent = _consent(
        ichiro, case, father, scan=PDF, scan_name="同意書.pdf", scan_type="application/pdf"
    )
    consent.refresh_from_db()
    assert bytes(consent.scan) == PDF
    assert consent.scan_name == "同意書.pdf"
    assert consent.scan_type == "application/pdf"


def test_a_scan_over_5mb_is_refused(case, ichiro, father):
    too_big = b"0" * (services.MAX_SCAN_BYTES + 1)
    with pytest.raises(ValidationError) as refused:
        _consent(ichiro, case, father, scan=too_big, scan_type="application/pdf")
    assert "scan" in refused.value.message_dict
    assert not case.consents.exists()


def test_a_scan_of_exactly_5mb_is_accepted(case, ichiro, father):
    limit = b"0" * services.MAX_SCAN_BYTES
    consent = _consent(ichiro, case, father, scan=limit, scan_type="application/pdf")
    assert consent.pk is not None


@pytest.mark.parametrize("scan_type", ["text/html", "application/zip", "image/svg+xml", ""])
def test_a_scan_that_is_not_pdf_jpeg_or_png_is_refused(case, ichiro, father, scan_type):
    with pytest.raises(ValidationError) as refused:
        _consent(ichiro, case, father, scan=PDF, scan_type=scan_type)
    assert "scan" in refused.value.message_dict
    assert not case.consents.exists()


# --- withdrawal -------------------------------------------------------------------------------


def test_a_withdrawal_keeps_the_row_with_its_date_and_who_recorded_it(case, ichiro, father):
    consent = _consent(ichiro, case, father)
    asked_on = TODAY() - timedelta(days=1)
    services.consent_withdraw(actor=ichiro, consent=consent, withdrawn_on=asked_on, note="電話で")
    consent.refresh_from_db()
    assert Consent.objects.filter(pk=consent.pk).exists()  # history, not a delete
    assert not consent.is_active
    assert consent.withdrawn_at is not None
    assert consent.withdrawn_on == asked_on
    assert consent.withdrawal_recorded_by == ichiro
    assert consent.withdrawal_note == "電話で"
    assert consent.given_on == TODAY() and consent.method == "written"  # the rest unchanged
    assert AuditEvent.objects.filter(action="consent.withdrawn", target_id=str(consent.pk)).exists()


def test_a_withdrawal_without_a_date_is_dated_today(case, ichiro, father):
    consent = services.consent_withdraw(actor=ichiro, consent=_consent(ichiro, case, father))
    assert consent.withdrawn_on == TODAY()


def test_the_involved_agency_loses_the_case_on_the_next_call_after_withdrawal(
    case, ichiro, son, involved_saki
):
    consent_all(ichiro, case)
    assert access.case_basis(involved_saki, _reload(case)) == "consent"
    services.consent_withdraw(actor=ichiro, consent=case.consents.get(person=son))
    fresh = _reload(case)
    assert not _sees(involved_saki, fresh)
    assert access.case_basis(involved_saki, fresh) is None
    with pytest.raises(Case.DoesNotExist):
        services.record_add(actor=involved_saki, case=fresh, kind="note", text="訪問しました")
    son_ids = access.visible_people(involved_saki).filter(pk=son.pk)
    assert not son_ids.exists()


def test_a_consent_cannot_be_withdrawn_twice(case, ichiro, father):
    consent = _consent(ichiro, case, father)
    services.consent_withdraw(actor=ichiro, consent=consent, withdrawn_on=TODAY())
    consent.refresh_from_db()
    first = consent.withdrawn_at
    with pytest.raises(RuleViolation) as refused:
        services.consent_withdraw(actor=ichiro, consent=consent)
    assert refused.value.code == "withdrawn"
    consent.refresh_from_db()
    assert consent.withdrawn_at == first


def test_a_new_consent_after_withdrawal_opens_the_case_again_and_keeps_the_old_row(
    case, ichiro, son, involved_saki
):
    consent_all(ichiro, case)
    old = case.consents.get(person=son)
    services.consent_withdraw(actor=ichiro, consent=old)
    assert not _sees(involved_saki, case)
    _consent(ichiro, case, son, method="oral")
    assert _sees(involved_saki, case)
    rows = Consent.objects.filter(case=case, person=son)
    assert rows.count() == 2
    assert rows.filter(withdrawn_at__isnull=False).get() == old


def test_a_multilayer_meeting_cannot_be_scheduled_after_withdrawal(case, ichiro, son):
    consent_all(ichiro, case)
    services.support_decision_record(actor=ichiro, case=case)
    services.consent_withdraw(actor=ichiro, consent=case.consents.get(person=son))
    with pytest.raises(RuleViolation) as refused:
        schedule(ichiro, _reload(case), "multilayer_meeting", purpose="plan_creation")
    assert refused.value.code == "no_consent"
    # without consent only a 支援会議 can be held (R5)
    support = schedule(ichiro, _reload(case), "support_meeting")
    assert support.purpose == ""


def _withdrawn_after_scheduling(ichiro, case, son, purpose):
    """Everyone consents, a 重層的支援会議 for `purpose` is scheduled, then the son withdraws."""
    consent_all(ichiro, case)
    services.support_decision_record(actor=ichiro, case=case)
    meeting = schedule(ichiro, case, "multilayer_meeting", purpose=purpose)
    services.consent_withdraw(actor=ichiro, consent=case.consents.get(person=son))
    return meeting


def test_a_closure_decided_after_withdrawal_is_refused_with_no_consent(case, ichiro, son):
    closure = _withdrawn_after_scheduling(ichiro, case, son, "closure")
    fresh = _reload(case)
    with pytest.raises(RuleViolation) as refused:
        services.case_close(
            actor=ichiro, case=fresh, version=fresh.version, meeting=closure, evaluation="安定"
        )
    assert refused.value.code == "no_consent"
    assert _reload(case).is_active


def test_a_plan_decided_after_withdrawal_is_refused_with_no_consent(case, ichiro, son):
    meeting = _withdrawn_after_scheduling(ichiro, case, son, "plan_creation")
    with pytest.raises(RuleViolation) as refused:
        services.plan_create(
            actor=ichiro,
            case=_reload(case),
            meeting=meeting,
            based_on=None,
            next_review_on=TODAY() + timedelta(days=90),
            goals=[("short", "父が配食サービスを使い始める")],
            actions=[(agency("zaitaku-kaigo-01"), ROLES["zaitaku-kaigo-01"], None)],
        )
    assert refused.value.code == "no_consent"
    assert not case.plans.exists()


# --- nothing is deleted (R4 with R7) ----------------------------------------------------------


def test_there_is_no_service_or_route_that_deletes_a_consent():
    names = [name for name, _ in inspect.getmembers(services, inspect.isfunction)]
    assert "consent_withdraw" in names
    assert not [n for n in names if "delete" in n or "remove" in n or "destroy" in n]
    routes = [name for name in access.ROUTES if "consent" in name]
    assert routes and not [r for r in routes if "delete" in r or "remove" in r]


def test_a_case_with_consents_cannot_be_deleted(case, ichiro, father):
    _consent(ichiro, case, father)
    with pytest.raises(ProtectedError), transaction.atomic():
        Case.objects.filter(pk=case.pk).delete()
    assert Consent.objects.filter(case=case).count() == 1


def test_the_database_refuses_a_withdrawal_time_without_a_withdrawal_date(case, ichiro, father):
    consent = _consent(ichiro, case, father)
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.filter(pk=consent.pk).update(withdrawn_at=timezone.now())
    consent.refresh_from_db()
    assert consent.is_active


def test_a_withdrawal_after_closure_is_recorded_and_ends_the_involved_agencys_access(
    case, ichiro, son, involved_saki
):
    close(ichiro, case)
    assert access.case_basis(involved_saki, _reload(case)) == "consent"
    consent = Consent.objects.get(case=case, person=son)  # as a view loads it: fresh
    services.consent_withdraw(actor=ichiro, consent=consent)
    assert not _sees(involved_saki, _reload(case))


# --- both doors: a closed case's consent is withdrawn on the screen as in the API (R4) --------


@pytest.mark.parametrize("door", ["screen", "api"])
def test_a_withdrawal_after_closure_is_recorded_through_either_door(case, ichiro, son, door):
    """A person may withdraw consent after the case closed: it must be recorded (a reopened
    case then shares nothing on it), whichever door the coordinator uses."""
    from django.urls import reverse

    from yorisoi.intake.tests.test_api import api_client
    from yorisoi.testing import client_for

    close(ichiro, case)
    consent = Consent.objects.get(case=case, person=son)
    assert access.case_access(ichiro, _reload(case)).withdraw_consent
    if door == "screen":
        client = client_for(ichiro)
        page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
        assert reverse("cases:consent_withdraw", args=[consent.pk]) in page
        url = reverse("cases:consent_withdraw", args=[consent.pk])
        assert client.get(url).status_code == 200
        response = client.post(url, {"withdrawn_on": TODAY().isoformat(), "note": "本人から"})
        assert response.status_code == 302
    else:
        response = api_client(ichiro).post(
            f"/api/v1/cases/consents/{consent.pk}/withdraw",
            {"withdrawn_on": TODAY().isoformat(), "note": "本人から"},
            content_type="application/json",
        )
        assert response.status_code == 200
    assert not Consent.objects.get(pk=consent.pk).is_active


def test_a_reader_on_consent_may_not_withdraw_through_either_door(case, ichiro, son, involved_saki):
    from django.urls import reverse

    from yorisoi.intake.tests.test_api import api_client
    from yorisoi.testing import client_for

    consent_all(ichiro, case)
    consent = Consent.objects.get(case=case, person=son)
    assert access.case_basis(involved_saki, case) == "consent"
    assert not access.case_access(involved_saki, case).withdraw_consent
    url = reverse("cases:consent_withdraw", args=[consent.pk])
    assert client_for(involved_saki).post(url, {"withdrawn_on": TODAY()}).status_code == 403
    response = api_client(involved_saki).post(
        f"/api/v1/cases/consents/{consent.pk}/withdraw", {}, content_type="application/json"
    )
    assert response.status_code == 403
    assert Consent.objects.get(pk=consent.pk).is_active
