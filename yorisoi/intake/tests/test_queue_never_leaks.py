"""R6 in the coordinator's queue: a referral between two *other* agencies that waits past its
limit is chased by the coordinator (R2), but the consultation behind it is not theirs to read
(the detail page answers 404). The queue names the agencies, the dates and the days waited,
never the person, the summary or what is known about them — on the screen and in the API.
"""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from yorisoi.audit.models import AuditEvent
from yorisoi.intake.models import Referral
from yorisoi.intake.tests.test_api import api_client
from yorisoi.intake.tests.test_outcomes import consult
from yorisoi.intake.tests.test_referrals import send
from yorisoi.people.models import Person
from yorisoi.testing import PersonFactory, client_for
from yorisoi.work.refresh import refresh_consultation

SUMMARY = "夜間に大声が聞こえると近所から相談（漏洩確認用）"
KNOWN = "団地の三階、青い自転車"


@pytest.fixture
def between_others(hana, tomoko):
    """hana's centre asks the community general support centre (tomoko) to take a
    consultation, and the referral has waited three weeks without an answer."""
    person = PersonFactory(agency=hana.agency, family_name="秘匿川", given_name="守")
    consultation = consult(hana, summary=SUMMARY, subject_note=KNOWN, person=person)
    referral = send(hana, consultation, tomoko.agency)
    Referral.objects.filter(pk=referral.pk).update(
        sent_at=timezone.now() - timezone.timedelta(days=21)
    )
    refresh_consultation(consultation)  # the date was moved behind the services' back
    return consultation, person


def _seen(text: str, consultation, person: Person) -> list[str]:
    return [
        secret
        for secret in (SUMMARY, KNOWN, person.family_name, str(consultation.pk))
        if secret in text
    ]


def test_coordinator_queue_shows_agencies_and_days_but_no_name_or_summary(
    between_others, ichiro, hana, tomoko
):
    consultation, person = between_others
    client = client_for(ichiro)
    assert (
        client.get(reverse("intake:consultation_detail", args=[consultation.pk])).status_code == 404
    )

    page = client.get(reverse("front:queue"), {"section": "overdue_referrals"})
    html = page.content.decode()
    assert page.status_code == 200
    assert _seen(html, consultation, person) == []
    assert hana.agency.name in html and tomoko.agency.name in html
    assert "回答期限を過ぎたつなぎ" in html and "日超過" in html

    overview = client.get(reverse("front:queue")).content.decode()
    assert _seen(overview, consultation, person) == []


def test_coordinator_queue_api_returns_the_same_outline(between_others, ichiro, hana, tomoko):
    consultation, person = between_others
    api = api_client(ichiro)
    assert api.get(f"/api/v1/consultations/{consultation.pk}").status_code == 404

    response = api.get("/api/v1/queue")
    assert response.status_code == 200
    assert _seen(json.dumps(response.json(), ensure_ascii=False), consultation, person) == []
    (row,) = response.json()["overdue_referrals"]
    assert row["consultation_id"] is None and row["summary"] is None
    assert row["received_at"] is None
    assert (row["from_agency"], row["to_agency"]) == (hana.agency.code, tomoko.agency.code)
    assert row["overdue"] is True and row["days_waiting"] > 3
    assert row["answer_due_on"] < str(timezone.localdate())


def test_the_audit_trail_records_no_read_of_the_consultation(between_others, ichiro):
    consultation, _person = between_others
    client_for(ichiro).get(reverse("front:queue"), {"section": "overdue_referrals"})
    api_client(ichiro).get("/api/v1/queue")
    events = AuditEvent.objects.filter(action="consultation.queue_viewed", actor=ichiro)
    assert events.count() == 2
    assert all(str(consultation.pk) not in e.data["ids"] for e in events)


def test_the_agencies_involved_still_see_the_whole_row(between_others, hana, tomoko):
    consultation, person = between_others
    for user, section in ((hana, "awaiting_answer"), (tomoko, "to_answer")):
        html = client_for(user).get(reverse("front:queue"), {"section": section}).content
        assert person.family_name in html.decode() and SUMMARY[:10] in html.decode()
        body = api_client(user).get("/api/v1/queue").json()
        (row,) = body[section]
        assert row["consultation_id"] == str(consultation.pk)
        event = AuditEvent.objects.filter(action="consultation.queue_viewed", actor=user).last()
        assert event.basis in ("own_agency", "referral")


def test_each_row_is_audited_under_its_own_basis(hana, saki, ichiro):
    """The coordinator's own consultation and one they follow because it was declined: two
    rows, two bases, computed by the policy for the whole page at once."""
    own = consult(ichiro, summary="福祉総務課の窓口で受けた相談")
    followed = consult(hana)
    referral = send(hana, followed, saki.agency)
    from yorisoi.intake import services

    services.referral_decline(actor=saki, referral=referral, reason="対象外")
    client_for(ichiro).get(reverse("front:queue"))
    bases = {
        pk: e.basis
        for e in AuditEvent.objects.filter(action="consultation.queue_viewed", actor=ichiro)
        for pk in e.data["ids"]
    }
    assert bases[str(own.pk)] == "own_agency"
    assert bases[str(followed.pk)] == "coordinator"


def test_the_overdue_notice_links_the_coordinator_to_the_queue_not_the_consultation(
    between_others, ichiro, tomoko
):
    from yorisoi.notifications import services as notices

    consultation, _person = between_others
    notices.referral_overdue(consultation.referrals.get())
    detail = reverse("intake:consultation_detail", args=[consultation.pk])

    html = client_for(ichiro).get(reverse("notifications:list")).content.decode()
    assert detail not in html and "?section=overdue_referrals" in html
    (row,) = api_client(ichiro).get("/api/v1/notifications").json()["items"]
    assert row["kind"] == "referral_overdue" and row["consultation_id"] is None

    # The agency asked to answer opens it, from the notice as from its queue.
    assert detail in client_for(tomoko).get(reverse("notifications:list")).content.decode()
    rows = api_client(tomoko).get("/api/v1/notifications").json()["items"]
    (row,) = [r for r in rows if r["kind"] == "referral_overdue"]
    assert row["consultation_id"] == str(consultation.pk)
