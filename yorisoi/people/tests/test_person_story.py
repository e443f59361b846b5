"""The person's page is their whole story as far as R6 allows (issue 14, item 3).

A person registered by the home-care support centre (hana, agency A) has a consultation there
that was referred to the commissioned consultation office (saki, agency S), and a consultation
of S's own, escalated to the coordinating division (ichiro), who opened a case led by S. Each user sees what
they may open, on the screen and in the API alike, each section's rows audited with their
bases; 民生委員 (kazuko) do not open a person's page at all.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yorisoi.audit.models import AuditEvent
from yorisoi.cases import services as cases
from yorisoi.intake import services as intake
from yorisoi.outreach import services as outreach_services
from yorisoi.outreach.tests import world as outreach
from yorisoi.participation import services as participation
from yorisoi.people.selectors import person_story
from yorisoi.people.services import person_create
from yorisoi.testing import client_for

pytestmark = pytest.mark.django_db


def _consultation(actor, person, summary):
    return intake.consultation_create(
        actor=actor,
        channel="phone",
        consulter_type="self",
        summary=summary,
        person=person,
    )


@pytest.fixture
def story(hana, saki, ichiro):
    return build_story(hana, saki, ichiro)


def build_story(hana, saki, ichiro) -> dict:
    """The world above (tests/e2e/test_person_story.py builds it too)."""
    person = person_create(
        actor=hana,
        family_name="山田",
        given_name="花子",
        family_name_kana="ヤマダ",
        given_name_kana="ハナコ",
        birth_date=dt.date(1960, 4, 1),
    )
    at_a = _consultation(hana, person, "介護の相談（A）")
    referral = intake.referral_send(
        actor=hana,
        consultation=at_a,
        to_agency=saki.agency,
        kind="referral",
        reason="生活全体の相談として",
    )
    at_s = _consultation(saki, person, "就労の相談（Sだけ）")
    at_s = intake.consultation_escalate(actor=saki, consultation=at_s, version=at_s.version)
    case = cases.case_open(
        actor=ichiro,
        origin=at_s,
        title="山田さんの多機関協働",
        persons=[person],
        lead_agency=saki.agency,
        next_action_on=dt.date.today() + dt.timedelta(days=7),
    )
    target = _target(hana, person)
    need = participation.need_create(actor=hana, person=person, short_term_goal="週1回通う")
    return {
        "person": person,
        "at_a": at_a,
        "at_s": at_s,
        "referral": referral,
        "case": case,
        "target": target,
        "need": need,
    }


def _target(actor, person, **fields):
    """An outreach target whose person came to be known (outreach.services.person_link)."""
    target = outreach.target(actor, **fields)
    return outreach_services.person_link(
        actor=actor, target=target, version=target.version, person=person
    )


def _ids(section):
    return {row.pk for row in section.rows}


def _page(user, person):
    return client_for(user).get(reverse("people:person_detail", args=[person.pk]))


def _api(user, person):
    return client_for(user).get(f"/api/v1/people/{person.pk}/story")


def test_agency_a_sees_its_own_rows_and_not_bs(story, hana):
    found = person_story(user=hana, person=story["person"])
    assert _ids(found.consultations) == {story["at_a"].pk}  # not S's own consultation
    assert _ids(found.referrals) == {story["referral"].pk}  # its own referral to S
    assert _ids(found.cases) == set()  # led by S, A not involved
    assert _ids(found.outreach) == {story["target"].pk}
    assert _ids(found.participation) == {story["need"].pk}
    page = _page(hana, story["person"]).content.decode()
    assert "介護の相談（A）" in page
    assert "就労の相談（Sだけ）" not in page
    assert str(story["at_s"].pk) not in page
    assert str(story["case"].pk) not in page
    assert "見られるケースはありません。" in page


def test_agency_s_sees_the_referral_brought_to_it_and_its_own(story, saki):
    found = person_story(user=saki, person=story["person"])
    assert _ids(found.consultations) == {story["at_a"].pk, story["at_s"].pk}
    assert found.consultations.bases == {
        story["at_a"].pk: "referral",
        story["at_s"].pk: "own_agency",
    }
    assert _ids(found.referrals) == {story["referral"].pk}
    assert _ids(found.cases) == {story["case"].pk}
    assert found.cases.bases[story["case"].pk] == "own_agency"
    assert _ids(found.outreach) == set()  # A's outreach, no case linking it
    assert _ids(found.participation) == set()


def test_the_coordinator_sees_the_case_and_what_it_holds(story, ichiro):
    found = person_story(user=ichiro, person=story["person"])
    assert _ids(found.consultations) == {story["at_s"].pk}  # escalated to it; not A's
    assert _ids(found.referrals) == set()
    assert _ids(found.cases) == {story["case"].pk}
    assert found.cases.bases[story["case"].pk] == "coordinator"
    assert _page(ichiro, story["person"]).status_code == 200


@pytest.mark.parametrize("persona", ["kazuko", "ken", "osamu"])
def test_volunteers_analysts_and_administrators_never_open_the_story(story, personas, persona):
    user = personas[persona]
    assert _page(user, story["person"]).status_code in (403, 404)
    assert _api(user, story["person"]).status_code in (403, 404)


def test_an_outsider_gets_404_from_both_doors(story, tomoko):
    assert _page(tomoko, story["person"]).status_code == 404
    assert _api(tomoko, story["person"]).status_code == 404


@pytest.mark.parametrize("persona", ["hana", "saki", "ichiro"])
def test_both_doors_show_the_same_rows(story, personas, persona):
    user = personas[persona]
    found = person_story(user=user, person=story["person"])
    body = _api(user, story["person"]).json()
    page = _page(user, story["person"]).content.decode()
    for section in found.sections:
        api_ids = {item["id"] for item in body[section.key]["items"]}
        assert api_ids == {str(pk) for pk in _ids(section)}, section.key
        assert body[section.key]["count"] == section.total
    links = {
        "consultations": "intake:consultation_detail",
        "cases": "cases:case_detail",
        "outreach": "outreach:target_detail",
        "participation": "participation:need_detail",
    }
    for key, name in links.items():
        for row in getattr(found, key).rows:
            assert reverse(name, args=[row.pk]) in page


def test_each_section_is_audited_with_its_bases(story, saki):
    before = AuditEvent.objects.count()
    _page(saki, story["person"])
    events = list(AuditEvent.objects.order_by("seq")[before:])
    by_action = {}
    for event in events:
        by_action.setdefault(event.action, []).append(event)
    assert "person.viewed" in by_action
    listed = {
        (e.action, e.basis): set(e.data["ids"]) for e in events if e.action.endswith("listed")
    }
    assert listed[("case.listed", "own_agency")] == {str(story["case"].pk)}
    assert ("referral.listed", None) not in listed
    referral_events = by_action["referral.listed"]
    assert {i for e in referral_events for i in e.data["ids"]} == {str(story["referral"].pk)}
    consultation_ids = {i for e in by_action["consultation.listed"] for i in e.data["ids"]}
    assert consultation_ids == {str(story["at_a"].pk), str(story["at_s"].pk)}
    assert all(e.data["person"] == str(story["person"].pk) for e in by_action["case.listed"])


def test_the_api_is_audited_like_the_screen(story, hana):
    before = AuditEvent.objects.count()
    _api(hana, story["person"])
    actions = {e.action for e in AuditEvent.objects.order_by("seq")[before:]}
    assert {
        "consultation.listed",
        "referral.listed",
        "outreach.targets_listed",
        "participation.needs_listed",
    } <= actions
    assert "case.listed" not in actions  # nothing shown, nothing listed


def test_buttons_only_where_the_policy_allows(story, hana, ichiro):
    person = story["person"]
    intake_url = reverse("intake:consultation_create") + f"?person={person.pk}"
    case_url = reverse("cases:case_open") + f"?person={person.pk}"
    as_hana = _page(hana, person).content.decode()
    assert intake_url in as_hana and "相談を受け付ける" in as_hana
    assert case_url not in as_hana  # only the coordinating division opens a case
    as_ichiro = _page(ichiro, person).content.decode()
    assert case_url in as_ichiro and "ケースを開く" in as_ichiro


def test_the_person_reaches_the_intake_form(story, hana, tomoko):
    person = story["person"]
    url = reverse("intake:consultation_create") + f"?person={person.pk}"
    page = client_for(hana).get(url).content.decode()
    assert f'value="{person.pk}" id="pick-{person.pk}" checked' in page
    assert AuditEvent.objects.filter(action="person.chosen", basis="own_agency").exists()
    # Someone the user may not open is not chosen, and nothing says they exist.
    other = client_for(tomoko).get(url)
    assert other.status_code == 200 and str(person.pk) not in other.content.decode()
    bad = client_for(hana).get(reverse("intake:consultation_create") + "?person=x")
    assert bad.status_code == 200


def test_the_person_reaches_the_case_open_form(story, ichiro):
    person = story["person"]
    url = reverse("cases:case_open") + f"?person={person.pk}"
    response = client_for(ichiro).get(url)
    assert response.status_code == 200
    assert list(response.context["form"]["persons"].initial) == [person.pk]
    assert f'value="{person.pk}" checked' in response.content.decode()  # chosen in the picker
    assert client_for(ichiro).get(reverse("cases:case_open") + "?person=nope").status_code == 200


def _more_rows(story, hana, n):
    for i in range(n):
        _consultation(hana, story["person"], f"追加の相談 {i}")
        _target(hana, story["person"], label=f"追加 {i}")


def test_the_page_costs_the_same_queries_for_one_row_or_five(story, hana):
    client = client_for(hana)
    url = reverse("people:person_detail", args=[story["person"].pk])
    api = f"/api/v1/people/{story['person'].pk}/story"
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as one_api:
        assert client.get(api).status_code == 200
    _more_rows(story, hana, 4)
    with CaptureQueriesContext(connection) as five:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as five_api:
        assert client.get(api).status_code == 200
    assert len(one) > 0
    assert len(five) == len(one)
    assert len(five_api) == len(one_api)


def test_a_long_story_shows_the_latest_and_the_total(story, hana):
    _more_rows(story, hana, 11)
    found = person_story(user=hana, person=story["person"])
    assert len(found.consultations.rows) == 10
    assert found.consultations.total == 12
    assert found.consultations.more
    page = _page(hana, story["person"]).content.decode()
    assert "全 12 件" in page
