"""The need form's 本人 picker: people are found by name or kana among those the user may read
(never a list of everyone, never a name in a URL), and picking someone offers the open cases
she is a subject of."""

import pytest
from django.urls import reverse

from yorisoi.audit.models import AuditEvent
from yorisoi.cases.models import Program
from yorisoi.cases.tests.world import open_case
from yorisoi.participation.models import ParticipationNeed
from yorisoi.testing import PersonFactory, client_for

from .world import woman

pytestmark = pytest.mark.django_db

URL = reverse("participation:need_create")


def find(client, url=URL, **fields):
    return client.post(url, {"find": "1", "time_of_day": "any", **fields})


def case_options(html: str) -> str:
    start = html.index('name="case"')
    return html[start : html.index("</select>", start)]


def test_the_form_never_lists_everyone(hana):
    person = woman(hana)
    body = client_for(hana).get(URL).content.decode()
    assert person.family_name not in body
    assert 'name="q"' in body and 'type="search"' in body


def test_a_search_shows_matches_keeps_what_was_typed_and_saves_nothing(hana):
    person = woman(hana)
    response = find(client_for(hana), q="川村", short_term_goal="週1回外出する")
    body = response.content.decode()
    assert response.status_code == 200
    assert f'value="{person.pk}"' in body
    assert "週1回外出する" in body
    assert "入力内容を確認してください" not in body  # a search is not a failed save
    assert not ParticipationNeed.objects.exists()
    event = AuditEvent.objects.filter(action="person.searched").latest("id")
    assert event.data["ids"] == [str(person.pk)]


def test_an_outsider_finds_no_one(hana, saki):
    person = woman(hana)
    body = find(client_for(saki), q="川村").content.decode()
    assert f'value="{person.pk}"' not in body
    assert "該当する人はいません。" in body


def test_picking_a_person_offers_only_her_open_cases(hana, ichiro):
    case = open_case(hana, ichiro)
    father = case.subjects.first().person
    c = client_for(ichiro)
    assert case.number in case_options(find(c, person=father.pk).content.decode())
    other = PersonFactory(agency=ichiro.agency, family_name="別人")
    assert case.number not in case_options(find(c, person=other.pk).content.decode())
    assert case.number not in case_options(c.get(URL).content.decode())


def test_saving_with_the_picked_case_links_the_need_and_starts_the_track(hana, ichiro):
    case = open_case(hana, ichiro)
    father = case.subjects.first().person
    response = client_for(ichiro).post(
        URL,
        {
            "person": father.pk,
            "case": case.pk,
            "long_term_goal": "働くこと",
            "time_of_day": "afternoon",
            "responsible_agency": ichiro.agency_id,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    need = ParticipationNeed.objects.get()
    assert (need.person, need.case) == (father, case)
    assert case.tracks.filter(program=Program.PARTICIPATION).exists()


def test_a_case_she_is_not_a_subject_of_is_refused(hana, ichiro):
    case = open_case(hana, ichiro)
    other = PersonFactory(agency=ichiro.agency, family_name="別人")
    response = client_for(ichiro).post(
        URL,
        {
            "person": other.pk,
            "case": case.pk,
            "time_of_day": "any",
            "responsible_agency": ichiro.agency_id,
        },
    )
    assert response.status_code == 422
    assert not ParticipationNeed.objects.exists()


def test_saving_without_a_person_says_so(hana):
    response = client_for(hana).post(
        URL, {"time_of_day": "any", "responsible_agency": hana.agency_id}
    )
    assert response.status_code == 422
    assert "本人を選んでください。" in response.content.decode()


def test_opened_from_a_case_it_is_that_case_and_only_its_subjects(hana, ichiro):
    case = open_case(hana, ichiro)
    father = case.subjects.first().person
    outsider_person = PersonFactory(agency=ichiro.agency, family_name="川村")
    url = f"{URL}?case={case.pk}"
    c = client_for(ichiro)
    body = c.get(url).content.decode()
    assert 'name="case"' not in body and case.number in body
    found = find(c, url, q="川村").content.decode()
    assert f'value="{outsider_person.pk}"' not in found
    found = find(c, url, q=father.family_name).content.decode()
    assert f'value="{father.pk}"' in found
