"""A batch keeps each distinct normalised value once, and its records in record_id order."""

import pytest

from yorisoi.linkage.record import Batch, Record


def test_records_are_sorted_by_record_id_and_values_shared():
    batch = Batch.of(
        [
            Record("b", family_name="髙橋", family_kana="ﾀｶﾊｼ", birth_date="昭和45年3月2日"),
            Record("a", family_name="髙橋", family_kana="ﾀｶﾊｼ", birth_date="1970-03-02"),
        ]
    )
    assert batch.record_ids == ["a", "b"]
    assert batch.family[0] == batch.family[1] != 0
    assert batch.birth.tolist() == [19700302, 19700302]
    assert batch.given.tolist() == [0, 0]  # missing


def test_a_repeated_record_id_is_refused():
    with pytest.raises(ValueError, match="record_id"):
        Batch.of([Record("a"), Record("a")])
