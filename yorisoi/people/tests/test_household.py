"""Households with members and 続柄: registered in one go, all or nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from yorisoi.directory.models import District
from yorisoi.people import services
from yorisoi.people.models import Household, HouseholdMember, Person
from yorisoi.testing import PersonFactory, client_for


def _form(*members, **household):
    data = {
        "name": "寄添さん世帯",
        "members-TOTAL_FORMS": str(len(members)),
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "1",
        "members-MAX_NUM_FORMS": "20",
        **household,
    }
    for n, member in enumerate(members):
        data.update({f"members-{n}-{k}": v for k, v in member.items()})
    return data


FATHER = {
    "relationship": "head",
    "family_name": "寄添",
    "given_name": "一郎",
    "family_name_kana": "ヨリソイ",
    "given_name_kana": "イチロウ",
    "birth_date": "S23.5.1",
}
SON = {
    "relationship": "child",
    "family_name": "寄添",
    "given_name": "次郎",
    "family_name_kana": "よりそい",
    "given_name_kana": "じろう",
    "birth_date": "昭和55年4月1日",
}


def test_register_a_household_with_two_members(hana):
    response = client_for(hana).post(reverse("people:household_create"), _form(FATHER, SON))
    assert response.status_code == 302
    household = Household.objects.get()
    members = list(household.memberships.select_related("person"))
    assert [(m.relationship, m.person.given_name) for m in members] == [
        ("head", "一郎"),
        ("child", "次郎"),
    ]
    assert members[1].person.given_name_kana == "ジロウ"
    assert household.agency == hana.agency


@pytest.mark.parametrize(
    "members, message",
    [
        ((FATHER, {**SON, "birth_date": "S50.2.30"}), "2月30日は存在しない日付です"),
        ((FATHER, {**SON, "family_name_kana": "寄添"}), "フリガナはカタカナ"),
        ((FATHER, FATHER), "同じ氏名・生年月日の人が2回含まれています"),
        ((FATHER, {**SON, "relationship": "head"}), "世帯主は1人だけにしてください"),
    ],
)
def test_bad_member_saves_nothing(hana, members, message):
    response = client_for(hana).post(reverse("people:household_create"), _form(*members))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Household.objects.exists()
    assert not Person.objects.exists()


def test_same_existing_person_twice_is_refused(hana):
    person = PersonFactory(agency=hana.agency)
    with pytest.raises(ValidationError) as exc:
        services.household_create(
            actor=hana,
            name="x",
            members=[
                services.NewMember(relationship="head", person=person),
                services.NewMember(relationship="child", person=person),
            ],
        )
    assert "同じ人が世帯員に2回含まれています" in str(exc.value)
    assert not Household.objects.exists()


def test_add_an_existing_person_and_refuse_a_second_time(hana):
    household = Household.objects.create(agency=hana.agency)
    person = PersonFactory(agency=hana.agency)
    client = client_for(hana)
    url = reverse("people:household_member_add", args=[household.pk])
    client.post(url, {"person": str(person.pk), "relationship": "spouse"})
    response = client.post(url, {"person": str(person.pk), "relationship": "spouse"}, follow=True)
    assert "この人はすでに世帯員です" in response.content.decode()
    assert HouseholdMember.objects.filter(household=household).count() == 1


def test_add_a_new_person_from_the_household_page(hana):
    household = Household.objects.create(agency=hana.agency)
    response = client_for(hana).post(
        reverse("people:household_member_add", args=[household.pk]),
        {
            "new-relationship": "grandchild",
            "new-family_name": "寄添",
            "new-given_name": "孫",
            "new-birth_date": "R5/4/1",
        },
        follow=True,
    )
    assert "世帯員を追加しました" in response.content.decode()
    member = household.memberships.get()
    assert member.get_relationship_display() == "孫"
    assert str(member.person.birth_date) == "2023-04-01"


def test_people_records_are_protected_from_cascading_deletes():
    # R7: no hard deletes of people, households or memberships anywhere in the app.
    for model in (Person, Household, HouseholdMember):
        for field in model._meta.get_fields():
            if field.is_relation and field.many_to_one and field.concrete:
                assert field.remote_field.on_delete.__name__ in ("PROTECT", "DO_NOTHING"), field


def test_household_form_shows_likely_existing_members_before_saving(hana):
    existing = PersonFactory(
        agency=hana.agency,
        family_name="寄添",
        given_name="一郎",
        family_name_kana="ヨリソイ",
        given_name_kana="イチロウ",
    )
    client = client_for(hana)
    response = client.post(reverse("people:household_create"), _form(FATHER, SON))
    body = response.content.decode()
    assert response.status_code == 200
    assert "すでに登録されているかもしれません" in body
    assert str(existing.pk) in body
    assert 'id="members-0-matches"' in body
    assert not Household.objects.exists()
    response = client.post(
        reverse("people:household_create"), {**_form(FATHER, SON), "confirm_new": "1"}
    )
    assert response.status_code == 302
    assert Person.objects.count() == 3


def test_new_members_live_at_the_household_address(hana):
    client_for(hana).post(
        reverse("people:household_create"),
        _form(
            FATHER,
            SON,
            address="四日市市諏訪町1-5",
            postal_code="510-8601",
            district=str(District.objects.get(code="tomisuhara").pk),
        ),
    )
    people = Person.objects.all()
    assert {(p.address, p.postal_code, p.district.code) for p in people} == {
        ("四日市市諏訪町1-5", "510-8601", "tomisuhara")
    }
