"""The normalised forms two registrations of one person meet in."""

import datetime as dt

import pytest

from yorisoi.linkage import normalise


@pytest.mark.parametrize(
    "variants",
    [
        "髙高",
        "﨑崎",
        "邊邉辺",
        "齋齊斎斉",
        "濱浜",
        "澤沢",
        "櫻桜",
        "國国",
        "廣広",
        "壽寿",
        "德徳",
        "眞真",
    ],
)
def test_variant_table_folds_the_kanji_of_names(variants):
    assert len({normalise.name_variant(ch) for ch in variants}) == 1


def test_kana_key_forgives_width_script_long_vowels_voicing_and_small_kana():
    assert len({normalise.kana_key(k) for k in ["ユウコ", "ユーコ", "ゆうこ", "ﾕｳｺ"]}) == 1
    assert normalise.kana_key("タカバシ") == normalise.kana_key("タカハシ")
    assert normalise.kana_key("シヨウジ") == normalise.kana_key("ショウジ")
    assert normalise.kana_key("オーノ") == normalise.kana_key("オオノ")


@pytest.mark.parametrize(
    "text",
    [
        "1970-03-02",
        "1970/3/2",
        "19700302",
        "1970年3月2日",
        "昭和45年3月2日",
        "S45.3.2",
        "Ｓ４５．３．２",
        "s45/3/2",
        "昭45年3月2日",
    ],
)
def test_birth_date_reads_seireki_and_wareki(text):
    assert normalise.birth_date(text) == dt.date(1970, 3, 2)


def test_birth_date_reads_gannen_and_rejects_dates_outside_the_era():
    assert normalise.birth_date("平成元年1月8日") == dt.date(1989, 1, 8)
    assert normalise.birth_date("R1.5.1") == dt.date(2019, 5, 1)
    assert normalise.birth_date("平成元年1月7日") is None
    assert normalise.birth_date("1970-02-30") is None


def test_address_forms_meet():
    forms = [
        "三重県四日市市大字日永三丁目4番5号",
        "四日市市日永3-4-5",
        "四日市市 字日永３－４－５",
        "四日市市日永3丁目4番地の5",
    ]
    assert len({normalise.address(a) for a in forms}) == 1
    assert normalise.address_town(normalise.address(forms[0])) == "四日市市日永"


def test_phone_keeps_digits_only():
    assert normalise.phone("059-354-8111") == normalise.phone("＋81 59 354 8111") == "0593548111"


def test_a_full_name_in_the_family_field_is_split():
    assert normalise.split_name("山田　太郎", "") == ("山田", "太郎")
