"""Pickers, not lists (issue 14): the picker offers only the people and households the user may
see (R6), is POSTed so what is typed never enters a URL, is audited with the basis of each read,
and costs the same few queries however many match."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yorisoi.audit.models import AuditEvent
from yorisoi.people.picker import MAX_MATCHES
from yorisoi.people.services import NewMember, household_create
from yorisoi.testing import PersonFactory, client_for

URL = reverse("people:picker")


def _pick(client, query, kind="person", field="persons"):
    return client.post(URL, {"kind": kind, "field": field, f"{field}__q": query, "multiple": "1"})


@pytest.fixture
def own(hana):
    return PersonFactory(
        agency=hana.agency, family_name="山川", given_name="茂",
        family_name_kana="ヤマカワ", given_name_kana="シゲル",
    )  # fmt: skip


@pytest.fixture
def elsewhere(saki):
    """Registered by the commissioned office only: hana has no need to know."""
    return PersonFactory(
        agency=saki.agency, family_name="山川", given_name="秘子",
        family_name_kana="ヤマカワ", given_name_kana="ヒメコ",
    )  # fmt: skip


def test_the_picker_offers_only_people_the_user_may_see(hana, own, elsewhere):
    html = _pick(client_for(hana), "やまかわ").content.decode()
    assert f'value="{own.pk}"' in html
    assert "山川 茂" in html or "山川茂" in html
    assert str(elsewhere.pk) not in html
    assert "秘子" not in html


def test_the_picker_answers_only_post(hana, own):
    client = client_for(hana)
    assert (
        client.get(URL, {"kind": "person", "field": "persons", "persons__q": "山川"}).status_code
        == 405
    )


def test_the_picker_refuses_an_unknown_kind(hana):
    response = client_for(hana).post(URL, {"kind": "case", "field": "x", "x__q": "a"})
    assert response.status_code == 400


def test_the_picker_is_denied_to_roles_that_read_no_people(kazuko):
    assert _pick(client_for(kazuko), "山川").status_code in (403, 404)


def test_each_pick_search_is_audited_with_the_basis(hana, own):
    _pick(client_for(hana), "山川")
    event = AuditEvent.objects.filter(action="person.searched").get()
    assert event.data["ids"] == [str(own.pk)]
    assert event.basis
    assert "山川" not in str(event.data)  # what was typed is never logged


def test_an_empty_search_shows_nobody(hana, own):
    html = _pick(client_for(hana), "  ").content.decode()
    assert str(own.pk) not in html


def test_households_of_the_same_name_are_told_apart(hana):
    def make(address, n):
        return household_create(
            actor=hana,
            name="佐藤家",
            address=address,
            members=[
                NewMember("head" if i == 0 else "child", fields={
                    "family_name": "佐藤", "given_name": f"名{i}",
                    "family_name_kana": "サトウ", "given_name_kana": "ナ",
                })
                for i in range(n)
            ],
        )  # fmt: skip

    make("一丁目", 1)
    make("二丁目", 3)
    html = _pick(client_for(hana), "佐藤", kind="household", field="household").content.decode()
    assert "1人" in html and "3人" in html


def test_the_picker_costs_the_same_queries_however_many_match(hana):
    client = client_for(hana)

    def cost():
        with CaptureQueriesContext(connection) as captured:
            assert _pick(client, "ヤマ").status_code == 200
        return len(captured.captured_queries)

    PersonFactory(agency=hana.agency, family_name_kana="ヤマダ")
    _pick(client, "ヤマ")  # a warm session
    few = cost()
    for _ in range(MAX_MATCHES + 5):
        PersonFactory(agency=hana.agency, family_name_kana="ヤマダ")
    assert cost() == few
    html = _pick(client, "ヤマ").content.decode()
    assert html.count('type="checkbox"') == MAX_MATCHES
