"""One test per kind of noise: the second registration of 髙橋祐子 is still linked to the first."""

from dataclasses import replace

from yorisoi.linkage import link
from yorisoi.linkage.tests.world import HANAKO, linked, town


def second(**changes):
    return replace(HANAKO, record_id="b-1", agency="kosodate-02", **changes)


def test_variant_kanji_family_name_is_linked():
    assert linked(HANAKO, second(family_name="高橋"))


def test_half_width_kana_is_linked():
    assert linked(HANAKO, second(family_kana="ﾀｶﾊｼ", given_kana="ﾕｳｺ"))


def test_hiragana_kana_is_linked():
    assert linked(HANAKO, second(family_kana="たかはし", given_kana="ゆうこ"))


def test_long_vowel_spelled_with_bar_is_linked():
    assert linked(HANAKO, second(given_kana="ユーコ"))


def test_voicing_mark_dropped_is_linked():
    assert linked(HANAKO, second(family_kana="タカバシ"))


def test_family_and_given_name_swapped_is_linked():
    assert linked(
        HANAKO,
        second(family_name="祐子", given_name="髙橋", family_kana="ユウコ", given_kana="タカハシ"),
    )


def test_full_name_typed_in_one_field_is_linked():
    assert linked(
        HANAKO,
        second(
            family_name="髙橋 祐子", given_name="", family_kana="タカハシ ユウコ", given_kana=""
        ),
    )


def test_wareki_birth_date_is_linked():
    assert linked(HANAKO, second(birth_date="昭和45年3月2日"))
    assert linked(HANAKO, second(birth_date="Ｓ４５．３．２"))


def test_day_and_month_swapped_is_linked_and_explained():
    assert linked(HANAKO, second(birth_date="1970-02-03", phone=""))
    (found,) = [
        x
        for x in link([*town(), HANAKO, second(birth_date="1970-02-03")])
        if x.record_id_b == "b-1"
    ]
    assert any(r.startswith("生年月日：日と月が入れ替わっている（+") for r in found.reasons)


def test_one_digit_wrong_in_birth_date_is_linked():
    assert linked(HANAKO, second(birth_date="1970-03-05", phone=""))


def test_surname_changed_by_marriage_is_linked():
    assert linked(HANAKO, second(family_name="森田", family_kana="モリタ", phone=""))


def test_moved_address_is_linked():
    assert linked(HANAKO, second(address="三重県鈴鹿市白子町3丁目2番1号", phone="090-1111-2222"))


def test_address_written_another_way_is_linked():
    assert linked(HANAKO, second(address="四日市市諏訪町一丁目5-3", phone=""))


def test_missing_fields_are_linked():
    assert linked(HANAKO, second(family_kana="", given_kana="", phone="", address=""))
    assert linked(HANAKO, second(birth_date="", phone=""))


def test_kana_typo_under_the_same_kanji_is_linked():
    assert linked(HANAKO, second(given_kana="ユウキ", phone=""))


def test_marriage_with_a_missing_birth_date_at_the_same_address_is_linked():
    assert linked(HANAKO, second(family_name="森田", family_kana="モリタ", birth_date=""))
