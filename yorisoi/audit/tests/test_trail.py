"""A readable audit trail (issue 14, item 6): in Japanese, grouped by day and user, repeated
page views of one record on one day as one line with a count; filtered by person (the records
that concern them, including the lists that showed them), by user and by days. The
coordinator's, on the screen and over the API (the same selector)."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from yorisoi.audit.log import record, record_reads
from yorisoi.audit.models import AuditEvent
from yorisoi.audit.selectors import readable, trail_lines
from yorisoi.people.models import Household, HouseholdMember
from yorisoi.testing import PersonFactory, client_for


@pytest.fixture
def person(ichiro):
    return PersonFactory(agency=ichiro.agency, family_name="開示", given_name="花子")


@pytest.fixture
def other(ichiro):
    return PersonFactory(agency=ichiro.agency, family_name="別人", given_name="太郎")


@pytest.fixture
def at(monkeypatch):
    """Events written at a given local time (the trail's `at` default is the clock)."""
    field = AuditEvent._meta.get_field("at")

    def set_time(when: datetime):
        monkeypatch.setattr(field, "_get_default", lambda: timezone.make_aware(when))

    return set_time


def _lines(**filters):
    return readable(trail_lines(**filters), person=filters.get("person"))


def test_repeated_views_of_a_record_on_one_day_are_one_line_with_a_count(ichiro, person, at):
    day = timezone.localdate() - timedelta(days=3)
    for hour in (9, 10, 11):
        at(datetime.combine(day, datetime.min.time()).replace(hour=hour))
        record("person.viewed", actor=ichiro, target=person, basis="own_agency")
    at(datetime.combine(day + timedelta(days=1), datetime.min.time()).replace(hour=9))
    record("person.viewed", actor=ichiro, target=person, basis="own_agency")
    record("person.updated", actor=ichiro, target=person, basis="own_agency")
    lines = _lines(person=person)
    assert [(line.day, line.action_label, line.times) for line in lines] == [
        (day + timedelta(days=1), "本人情報の変更", 1),
        (day + timedelta(days=1), "本人情報の閲覧", 1),
        (day, "本人情報の閲覧", 3),
    ]
    three = lines[-1]
    first, last = timezone.localtime(three.first_at), timezone.localtime(three.last_at)
    assert (first.hour, last.hour) == (9, 11)
    assert three.record == "本人" and three.basis_label == "自機関の業務"
    assert "ichiro" in three.actor and three.agency == ichiro.agency.name


def test_one_line_per_basis_user_and_record(ichiro, hana, person):
    record("person.viewed", actor=ichiro, target=person, basis="own_agency")
    record("person.viewed", actor=ichiro, target=person, basis="coordinator")
    record("person.viewed", actor=hana, target=person, basis="consent")
    lines = _lines(person=person)
    assert sorted((line.actor_id, line.basis, line.times) for line in lines) == sorted(
        [(ichiro.pk, "own_agency", 1), (ichiro.pk, "coordinator", 1), (hana.pk, "consent", 1)]
    )


def test_the_person_filter_finds_target_list_household_and_case_reads(ichiro, person, other):
    household = Household.objects.create(name="開示さん世帯", agency=ichiro.agency)
    HouseholdMember.objects.create(household=household, person=person, relationship="head")
    record("person.viewed", actor=ichiro, target=person, basis="own_agency")
    # a list that showed both: one event per basis, the ids in its data (record_reads)
    record_reads(
        "person.listed", actor=ichiro, bases={person.pk: "own_agency", other.pk: "own_agency"}
    )
    record("household.viewed", actor=ichiro, target=household, basis="own_agency")
    # another person's page that named them as a linked registration (名寄せ)
    record("person.viewed", actor=ichiro, target=other, basis="own_agency",
           data={"linked_ids": [str(person.pk)]})  # fmt: skip
    # not about them: another person's page, a list without them
    record("person.viewed", actor=ichiro, target=other, basis="coordinator")
    record_reads("case.listed", actor=ichiro, bases={other.pk: "coordinator"})
    found = {(line.action, line.record, line.basis) for line in _lines(person=person)}
    assert found == {
        ("person.viewed", "本人", "own_agency"),
        ("person.listed", "一覧・検索の結果", "own_agency"),
        ("household.viewed", f"世帯（{str(household.pk)[:8]}）", "own_agency"),
        ("person.viewed", "本人を含む照合・一覧", "own_agency"),
    }
    # never another person's id, even when the event's target is them
    assert not any(str(other.pk)[:8] in line.record for line in _lines(person=person))


def test_the_person_list_page_is_found_by_the_person_filter(ichiro, person):
    client_for(ichiro).get(reverse("people:person_list"))
    actions = {line.action for line in _lines(person=person)}
    assert "person.listed" in actions


def test_filter_by_user_and_days(ichiro, hana, person, at):
    today = timezone.localdate()
    at(datetime.combine(today - timedelta(days=10), datetime.min.time()).replace(hour=12))
    record("person.viewed", actor=ichiro, target=person, basis="own_agency")
    at(datetime.combine(today, datetime.min.time()).replace(hour=12))
    record("person.viewed", actor=ichiro, target=person, basis="own_agency")
    record("person.viewed", actor=hana, target=person, basis="consent")
    assert {line.actor_id for line in _lines(person=person, actor_id=hana.pk)} == {hana.pk}
    recent = _lines(person=person, since=today - timedelta(days=1), until=today)
    assert {line.day for line in recent} == {today}
    old = _lines(person=person, until=today - timedelta(days=5))
    assert [line.times for line in old] == [1]


def test_the_trail_page_in_japanese_grouped_by_day_and_user(ichiro, person):
    for _ in range(4):
        record("person.viewed", actor=ichiro, target=person, basis="own_agency")
    page = client_for(ichiro).get(reverse("audit:trail"), {"person": person.pk})
    html = page.content.decode()
    assert page.status_code == 200
    assert "本人情報の閲覧" in html and "person.viewed" not in html
    assert "自機関の業務" in html and "4 回" in html
    assert person.full_name in html  # the heading names whose trail it is
    assert reverse("audit:disclosure_pdf", args=[person.pk]) in html


def test_viewing_the_trail_is_audited(ichiro, person):
    client_for(ichiro).get(reverse("audit:trail"), {"person": person.pk})
    event = AuditEvent.objects.filter(action="audit.trail_viewed").get()
    assert (event.target_type, event.target_id, event.basis) == (
        "person",
        str(person.pk),
        "coordinator",
    )


def test_a_person_the_coordinator_cannot_see_is_not_found(ichiro, hana):
    hidden = PersonFactory(agency=hana.agency)
    client = client_for(ichiro)
    assert client.get(reverse("audit:trail"), {"person": hidden.pk}).status_code == 404
    assert client.get(f"/api/v1/audit/trail?person={hidden.pk}").status_code == 404
    assert client.get(reverse("audit:disclosure_pdf", args=[hidden.pk])).status_code == 404


def test_the_trail_page_costs_the_same_queries_for_many_lines(
    ichiro, hana, person, other, django_assert_num_queries
):
    client = client_for(ichiro)
    url = reverse("audit:trail")
    record("person.viewed", actor=ichiro, target=person, basis="own_agency")
    client.get(url, {"person": person.pk})  # warm up (session, translations)
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"person": person.pk})
    for user in (ichiro, hana):
        for target in (person, other):
            for basis in ("own_agency", "consent", "coordinator"):
                record("person.viewed", actor=user, target=target, basis=basis,
                       data={"linked_ids": [str(person.pk)]})  # fmt: skip
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(url, {"person": person.pk})
    assert page.content.decode().count("<tr>") > 8


def test_the_api_groups_the_trail_as_the_screen_does(ichiro, person):
    for _ in range(3):
        record("person.viewed", actor=ichiro, target=person, basis="own_agency")
    body = client_for(ichiro).get(f"/api/v1/audit/trail?person={person.pk}").json()
    viewed = [item for item in body["items"] if item["action"] == "person.viewed"]
    assert len(viewed) == 1
    assert viewed[0]["times"] == 3 and viewed[0]["action_label"] == "本人情報の閲覧"
    assert viewed[0]["record"] == "本人" and viewed[0]["basis_label"] == "自機関の業務"


@pytest.mark.parametrize("persona", ["hana", "masaki", "tomoko", "kazuko", "ken", "osamu"])
def test_only_the_coordinator_opens_the_trail_on_both_doors(request, persona, person):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("audit:trail")).status_code == 403
    assert client.get(reverse("audit:disclosure_xlsx", args=[person.pk])).status_code == 403
    assert client.get(reverse("audit:disclosure_pdf", args=[person.pk])).status_code == 403
    assert client.get("/api/v1/audit/trail").status_code == 403


def test_the_whole_trail_without_a_person_points_to_the_person_search(ichiro, person):
    record("person.viewed", actor=ichiro, target=person, basis="own_agency")
    html = client_for(ichiro).get(reverse("audit:trail")).content.decode()
    assert reverse("people:person_list") in html
    assert f"本人（{str(person.pk)[:8]}）" in html  # ids only: the whole trail names nobody
    assert person.full_name not in html


def test_reads_of_their_case_consultation_and_household_belong_to_the_persons_trail(
    hana, ichiro, tomoko
):
    from yorisoi.cases.tests.world import open_case

    case = open_case(hana, ichiro)  # the father's consultation, escalated, becomes the case
    father = case.origin.person
    record("case.viewed", actor=tomoko, target=case, basis="consent")
    actions = {line.action for line in _lines(person=father)}
    # consultation.created/escalated (their consultation), case.opened and case.viewed (their
    # case), household.created (their household)
    assert {"consultation.created", "consultation.escalated", "case.opened", "case.viewed"} <= (
        actions
    )
    assert "household.created" in actions
    son = next(s.person for s in case.subjects.select_related("person") if s.person != father)
    assert "consultation.created" not in {line.action for line in _lines(person=son)}
