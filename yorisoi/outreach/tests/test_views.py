"""The screens: register a target, log a contact on a tablet, the list, identify, hand over."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from yorisoi.audit.models import AuditEvent
from yorisoi.outreach.models import ContactAttempt, OutreachTarget, Stage
from yorisoi.testing import PersonFactory, client_for

from .world import agency, category, contact, fresh, target

pytestmark = pytest.mark.django_db


def test_a_target_is_registered_without_a_name(hana):
    response = client_for(hana).post(
        "/outreach/new/",
        {
            "label": "中部2丁目 2階の方",
            "category": category("hoarding").pk,
            "address": "",
            "description": "2階、夜も明かりがついている",
            "worried_by_type": "neighbour",
            "worried_by_note": "隣の住民",
            "district": "",
            "responsible_agency": hana.agency_id,
            "next_contact_on": timezone.localdate().isoformat(),
        },
    )
    t = OutreachTarget.objects.get()
    assert response.status_code == 302 and response.url == f"/outreach/{t.pk}/"
    assert t.person is None and t.stage == Stage.NOT_CONTACTED
    assert t.created_by == hana and t.responsible_agency_id == hana.agency_id


def test_bad_input_names_the_fields(hana):
    response = client_for(hana).post("/outreach/new/", {"label": ""})
    assert response.status_code == 422
    body = response.content.decode()
    assert "呼び方を入力してください。" in body and "わかっていることを入力してください。" in body
    assert OutreachTarget.objects.count() == 0


def test_the_contact_form_is_a_few_taps_with_defaults(hana):
    t = target(hana)
    client = client_for(hana)
    page = client.get(f"/outreach/{t.pk}/contacts/new/").content.decode()
    assert page.count('type="radio"') >= 10  # method and outcome as radio buttons
    assert 'value="visit"' in page and "checked" in page  # 訪問 by default
    response = client.post(
        f"/outreach/{t.pk}/contacts/new/",
        {
            "outcome": "through_door",
            "method": "visit",
            "contacted_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "other_agency": agency("itaku-soudan-01").pk,
        },
    )
    assert response.status_code == 302
    c = ContactAttempt.objects.get()
    assert {a.code for a in c.agencies.all()} == {"zaitaku-kaigo-01", "itaku-soudan-01"}
    assert fresh(t).stage == Stage.CONTACTED


def test_contact_without_outcome_is_refused(hana):
    t = target(hana)
    response = client_for(hana).post(
        f"/outreach/{t.pk}/contacts/new/",
        {"method": "visit", "contacted_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 422
    assert "結果を選んでください。" in response.content.decode()
    assert ContactAttempt.objects.count() == 0


def test_the_target_page_shows_stage_contacts_and_actions(hana):
    t = target(hana)
    contact(hana, t, "face_to_face", observations="玄関先で5分ほど話せた")
    body = client_for(hana).get(f"/outreach/{t.pk}/").content.decode()
    assert "玄関先で5分ほど話せた" in body
    assert 'aria-current="step">対話できる' in body
    assert "段階を変える" in body and "訪問・連絡を記録する" in body


def test_stage_screen_refuses_what_the_evidence_does_not_support(hana):
    t = target(hana)
    response = client_for(hana).post(
        f"/outreach/{t.pk}/stage/", {"to_stage": "relationship", "version": t.version}
    )
    assert response.status_code == 422
    assert "裏づける訪問・連絡の記録が必要です" in response.content.decode()


def test_identify_the_person_by_a_posted_search(hana):
    t = target(hana)
    person = PersonFactory(agency=agency("zaitaku-kaigo-01"), family_name="森", given_name="静香")
    client = client_for(hana)
    found = client.post(f"/outreach/{t.pk}/person/", {"q": "森"}).content.decode()
    assert str(person.pk) in found
    response = client.post(f"/outreach/{t.pk}/person/", {"person": person.pk, "version": t.version})
    assert response.status_code == 302
    assert fresh(t).person == person
    assert AuditEvent.objects.filter(action="person.searched", actor=hana).exists()


def test_hand_over_and_close_screens(hana):
    t = target(hana)
    contact(hana, t, "long_talk")
    client = client_for(hana)
    t = fresh(t)
    client.post(f"/outreach/{t.pk}/stage/", {"to_stage": "relationship", "version": t.version})
    t = fresh(t)
    assert client.get(f"/outreach/{t.pk}/hand-over/").status_code == 200
    response = client.post(
        f"/outreach/{t.pk}/hand-over/", {"note": "多機関で支えたい", "version": t.version}
    )
    assert response.status_code == 302
    assert fresh(t).status == "handed_over"
    other = target(hana)
    assert (
        client.post(
            f"/outreach/{other.pk}/close/", {"reason": "", "version": other.version}
        ).status_code
        == 422
    )
    client.post(f"/outreach/{other.pk}/close/", {"reason": "転居した", "version": other.version})
    assert fresh(other).status == "closed"
    client.post(f"/outreach/{other.pk}/reopen/", {"version": fresh(other).version})
    assert fresh(other).status == "open"


def test_every_page_renders(hana):
    t = target(hana)
    client = client_for(hana)
    for url in [
        "/outreach/",
        "/outreach/new/",
        f"/outreach/{t.pk}/edit/",
        f"/outreach/{t.pk}/stage/",
        f"/outreach/{t.pk}/person/",
        f"/outreach/{t.pk}/close/",
        "/outreach/?stage=contacted&category=hikikomori",
    ]:
        assert client.get(url).status_code == 200, url


def test_the_list_filters_and_pages_with_constant_queries(hana, settings):
    client = client_for(hana)

    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/outreach/").status_code == 200
        return len(ctx)

    for i in range(3):
        target(hana, label=f"対象{i}")
    few = count_queries()
    for i in range(30):
        target(hana, label=f"追加{i}", category=category("young-carer"))
    assert count_queries() == few
    body = client.get("/outreach/?category=young-carer").content.decode()
    assert "追加0" in body and "対象0" not in body and "30 件" in body
    assert "?category=young-carer&amp;page=2" in body or "category=young-carer&amp;page=2" in body
    assert "対象0" not in client.get("/outreach/?stage=contacted").content.decode()
