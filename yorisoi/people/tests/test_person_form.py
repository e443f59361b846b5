"""Registering and correcting a person: 和暦 entry, bad input, search-before-create, R7."""

import datetime as dt

import pytest
from django.urls import reverse

from yorisoi.people.models import Person
from yorisoi.testing import PersonFactory, client_for

BASE = {"family_name": "寄添", "given_name": "花子", "preferred_language": "ja"}


def _post(client, **changes):
    return client.post(reverse("people:person_create"), {**BASE, **changes})


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("S45.3.2", dt.date(1970, 3, 2)),
        ("昭和45年3月2日", dt.date(1970, 3, 2)),
        ("R5/4/1", dt.date(2023, 4, 1)),
        ("平成元年1月8日", dt.date(1989, 1, 8)),
        ("１９７０－０３－０２", dt.date(1970, 3, 2)),
    ],
)
def test_birth_date_in_wareki_or_seireki(hana, typed, stored):
    response = _post(client_for(hana), birth_date=typed)
    assert response.status_code == 302
    person = Person.objects.get()
    assert person.birth_date == stored
    detail = client_for(hana).get(response["Location"]).content.decode()
    assert f"（{stored.year}年{stored.month}月{stored.day}日）" in detail


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("birth_date", "令和0年1月1日", "令和0年という年はありません"),
        ("birth_date", "S50.2.30", "2月30日は存在しない日付です"),
        ("birth_date", "R99.1.1", "生年月日が未来の日付になっています"),
        ("birth_date", "きのう", "生年月日は「S45.3.2」"),
        ("family_name_kana", "山田", "フリガナはカタカナ"),
        ("family_name", "あ" * 51, "氏は50文字以内で入力してください"),
        ("family_name", "\u0301山田", "結合文字"),
        ("given_name", "花\x07子", "制御文字"),
        ("phone", "電話ください", "電話番号は数字とハイフン"),
        ("postal_code", "5108", "郵便番号は「510-8601」"),
    ],
)
def test_bad_input_gives_a_japanese_message_and_saves_nothing(hana, field, value, message):
    response = _post(client_for(hana), **{field: value})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Person.objects.exists()


def test_four_byte_kanji_and_combining_marks_are_stored_properly(hana):
    response = _post(
        client_for(hana),
        family_name="𠮷田",
        given_name="は\u3099な",
        family_name_kana="よしだ",
        given_name_kana="ハナ",
    )
    assert response.status_code == 302
    person = Person.objects.get()
    assert person.family_name == "𠮷田"
    assert person.given_name == "ばな"  # は + combining dakuten stored composed (NFC)
    assert person.family_name_kana == "ヨシダ"  # フリガナ stored in katakana


def test_likely_existing_person_is_shown_before_saving(hana):
    existing = PersonFactory(
        agency=hana.agency, family_name="高橋", given_name="太郎", birth_date=dt.date(1970, 3, 2)
    )
    client = client_for(hana)
    response = _post(client, family_name="髙橋", given_name="太郎", birth_date="S45.3.2")
    body = response.content.decode()
    assert response.status_code == 200
    assert "すでに登録されているかもしれません" in body
    assert str(existing.pk) in body
    assert Person.objects.count() == 1
    response = _post(
        client, family_name="髙橋", given_name="太郎", birth_date="S45.3.2", confirm_new="1"
    )
    assert response.status_code == 302
    assert Person.objects.count() == 2


def test_matches_never_include_people_of_other_agencies(hana, saki):
    PersonFactory(agency=saki.agency, family_name="高橋", given_name="太郎")
    response = client_for(hana).post(
        reverse("people:person_matches"), {"family_name": "高橋", "given_name": "太郎"}
    )
    assert "すでに登録" not in response.content.decode()


def test_correction_keeps_history(hana):
    person = PersonFactory(agency=hana.agency, family_name="旧姓", given_name="花子")
    client = client_for(hana)
    response = client.post(
        reverse("people:person_edit", args=[person.pk]),
        {**BASE, "family_name": "新姓", "version": person.version},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.family_name == "新姓" and person.version == 2
    history = person.history.order_by("history_date")
    assert [h.family_name for h in history] == ["旧姓", "新姓"]
    assert history.last().history_user == hana


def test_concurrent_edits_never_silently_overwrite(hana, masaki):
    person = PersonFactory(agency=hana.agency, family_name="同時", given_name="編集")
    seen_version = person.version
    first = client_for(hana).post(
        reverse("people:person_edit", args=[person.pk]),
        {**BASE, "family_name": "花子の修正", "version": seen_version},
    )
    second = client_for(masaki).post(
        reverse("people:person_edit", args=[person.pk]),
        {**BASE, "family_name": "正樹の修正", "version": seen_version},
    )
    assert first.status_code == 302
    assert second.status_code == 422
    assert "ほかの人が先にこの記録を更新しました" in second.content.decode()
    person.refresh_from_db()
    assert person.family_name == "花子の修正"


def test_missing_required_field_names_the_field(hana):
    response = client_for(hana).post(reverse("people:person_create"), {"preferred_language": "ja"})
    assert "氏を入力してください。" in response.content.decode()


@pytest.mark.parametrize("version", ["", "abc", "-1"])
def test_a_garbled_version_is_refused_not_a_crash(hana, version):
    person = PersonFactory(agency=hana.agency, family_name="版数")
    response = client_for(hana).post(
        reverse("people:person_edit", args=[person.pk]), {**BASE, "version": version}
    )
    assert response.status_code == 422
    person.refresh_from_db()
    assert person.family_name == "版数"


def test_a_garbled_member_row_number_is_not_found(hana):
    response = client_for(hana).get(
        reverse("people:household_create") + "?row=x", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 404


def test_after_a_conflict_saving_again_still_cannot_overwrite(hana, masaki):
    person = PersonFactory(agency=hana.agency, family_name="元")
    seen = person.version
    url = reverse("people:person_edit", args=[person.pk])
    client_for(masaki).post(url, {**BASE, "family_name": "正樹", "version": seen})
    refused = client_for(hana).post(url, {**BASE, "family_name": "花子", "version": seen})
    assert refused.status_code == 422
    assert f'name="version" value="{seen}"' in refused.content.decode()
    again = client_for(hana).post(url, {**BASE, "family_name": "花子", "version": seen})
    assert again.status_code == 422
    person.refresh_from_db()
    assert person.family_name == "正樹"


@pytest.mark.parametrize("version", ["²", "１"])
def test_non_ascii_digits_in_the_version_are_refused(hana, version):
    person = PersonFactory(agency=hana.agency)
    response = client_for(hana).post(
        reverse("people:person_edit", args=[person.pk]), {**BASE, "version": version}
    )
    assert response.status_code == 422


def test_flash_messages_never_travel_in_a_cookie(hana):
    client = client_for(hana)
    client.post(reverse("people:person_create"), {**BASE, "family_name": "旗"})
    assert "messages" not in client.cookies
