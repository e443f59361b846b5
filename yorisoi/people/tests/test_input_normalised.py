"""People's data as typed, through both doors (the screens and /api/v1/): half-width kana in a
name made full-width, full-width digits in a phone number or a postal code taken as ASCII
(〒5108601 → 510-8601), and a name longer than its limit refused with a message, never cut.
"""

import re

from django.urls import reverse

from yorisoi.people.models import Household, Person
from yorisoi.people.tests.test_api import api_client, field_errors, post
from yorisoi.people.tests.test_household import _form
from yorisoi.testing import client_for

TYPED = {
    "family_name": "ﾖﾘｿｲ",
    "given_name": "ﾊﾅｺ",
    "family_name_kana": "ﾖﾘｿｲ",
    "given_name_kana": "ﾊﾅｺ",
    "phone": "０５９－３５４ー００００",
    "postal_code": "〒５１０８６０１",
}
STORED = {
    "family_name": "ヨリソイ",
    "given_name": "ハナコ",
    "family_name_kana": "ヨリソイ",
    "given_name_kana": "ハナコ",
    "phone": "059-354-0000",
    "postal_code": "510-8601",
}
TOO_LONG = "寄" * 200


def _stored(person):
    return {key: getattr(person, key) for key in STORED}


def _screen(user, **fields):
    data = {"preferred_language": "ja", "confirm_new": "1", **fields}
    return client_for(user).post(reverse("people:person_create"), data)


def test_the_screen_stores_a_person_as_the_api_does(hana):
    response = _screen(hana, **TYPED)
    assert response.status_code == 302
    assert _stored(Person.objects.get()) == STORED


def test_the_api_stores_a_person_as_the_screen_does(hana):
    response = post(api_client(hana), "/people", {**TYPED, "confirm_new": True})
    assert response.status_code == 201, response.json()
    assert _stored(Person.objects.get()) == STORED


def test_a_compatibility_kanji_in_a_name_is_kept_as_typed(hana):
    """Only half-width kana are widened: NFKC on the whole name would change 塚 (U+FA10)."""
    assert _screen(hana, family_name="\ufa10ﾀﾞ").status_code == 302
    assert Person.objects.get().family_name == "\ufa10ダ"


def test_a_postal_code_of_a_household_on_both_doors(hana):
    member = {"relationship": "head", "family_name": "ﾖﾘｿｲ"}
    response = client_for(hana).post(
        reverse("people:household_create"),
        _form(member, postal_code="〒５１０－８６０１", confirm_new="1"),
    )
    assert response.status_code == 302
    created = post(
        api_client(hana),
        "/households",
        {
            "postal_code": "５１０８６０１",
            "members": [{"relationship": "head", "family_name": "寄添"}],
        },
    )
    assert created.status_code == 201, created.json()
    assert set(Household.objects.values_list("postal_code", flat=True)) == {"510-8601"}
    assert Person.objects.filter(family_name="ヨリソイ").exists()


def test_a_phone_number_that_is_not_one_is_still_refused(hana):
    response = post(api_client(hana), "/people", {"family_name": "寄添", "phone": "でんわ"})
    assert response.status_code == 422
    assert "phone" in field_errors(response)
    assert _screen(hana, family_name="寄添", phone="でんわ").status_code == 422
    assert not Person.objects.exists()


# --- a limit is shown and said, never cut silently ------------------------------------------


def test_the_form_shows_the_limit_and_lets_the_server_say_it(hana):
    html = client_for(hana).get(reverse("people:person_create")).content.decode()
    family_name = re.search(r'<input[^>]*name="family_name"[^>]*>', html).group()
    assert "maxlength" not in family_name  # a browser would cut a pasted name without a word
    assert "50文字以内" in html


def test_the_screen_refuses_a_name_too_long_with_a_message(hana):
    response = _screen(hana, family_name=TOO_LONG)
    assert response.status_code == 422
    assert "氏は50文字以内で入力してください（入力は200文字です）。" in response.content.decode()
    assert not Person.objects.exists()


def test_the_api_refuses_a_name_too_long_with_a_message(hana):
    response = post(api_client(hana), "/people", {"family_name": TOO_LONG})
    assert response.status_code == 422
    assert "50" in field_errors(response)["family_name"]["message"]
    assert not Person.objects.exists()


def test_a_household_member_name_too_long_is_refused_not_cut(hana):
    member = {"relationship": "head", "family_name": TOO_LONG}
    response = client_for(hana).post(reverse("people:household_create"), _form(member))
    assert response.status_code == 422
    assert "氏は50文字以内で入力してください" in response.content.decode()
    assert not Person.objects.exists()
