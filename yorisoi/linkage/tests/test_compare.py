"""Comparators: the level each kind of noise lands on, for whole columns of pairs at once."""

from dataclasses import replace

import numpy as np

from yorisoi.linkage.compare import BIRTH, FAMILY, GIVEN, compare
from yorisoi.linkage.record import Batch, Record
from yorisoi.linkage.tests.world import HANAKO


def levels_of(a: Record, b: Record):
    batch = Batch.of([a, b])
    found = compare(batch, np.array([0]), np.array([1]))
    return {field: int(column[0]) for field, column in found._asdict().items()}


def person(record_id="a", **fields):
    return replace(HANAKO, record_id=record_id, address="", phone="", **fields)


def test_same_kanji_with_a_kana_slip_is_its_own_level_above_a_typo():
    assert levels_of(person(), person("b", given_kana="ユウキ"))["given"] == GIVEN["kanji"]
    assert (
        levels_of(person(), person("b", given_name="祐二", given_kana="ユウジ"))["given"]
        == GIVEN["typo"]
    )


def test_variant_kanji_and_reading_levels():
    assert levels_of(person(), person("b", family_name="高橋"))["family"] == FAMILY["variant"]
    assert levels_of(person(), person("b", given_name="優子"))["given"] == GIVEN["reading"]


def test_missing_name_is_missing():
    found = levels_of(person(), person("b", given_name="", given_kana=""))
    assert found["given"] == GIVEN["missing"]


def test_names_typed_the_other_way_round_are_matched_crossed():
    crossed = person(
        "b", family_name="祐子", given_name="髙橋", family_kana="ユウコ", given_kana="タカハシ"
    )
    found = levels_of(person(), crossed)
    assert found["swapped"] and found["family"] == found["given"] == 0


def test_birth_date_levels():
    assert levels_of(person(), person("b", birth_date="1970-02-03"))["birth"] == BIRTH["swapped"]
    assert levels_of(person(), person("b", birth_date="1970-03-07"))["birth"] == BIRTH["one_digit"]
    assert levels_of(person(), person("b", birth_date="1981-11-20"))["birth"] == BIRTH["different"]
    assert levels_of(person(), person("b", birth_date=""))["birth"] == BIRTH["missing"]


def test_a_new_family_name_with_given_name_and_birth_date_agreeing_reads_as_changed():
    married = person("b", family_name="森田", family_kana="モリタ")
    assert levels_of(person(), married)["family"] == FAMILY["changed"]
    undated = person("b", family_name="森田", family_kana="モリタ", birth_date="")
    assert levels_of(person(), undated)["family"] == FAMILY["different"]
