"""The fingerprints an import stores (plan.fingerprint) stay what refs already stored hold: the
fast paths for text, times and lists of codes write the JSON text json.dumps writes."""

import datetime as dt
import hashlib
import json
from zoneinfo import ZoneInfo

import pytest

from yorisoi.imports import plan

TOKYO = ZoneInfo("Asia/Tokyo")


def as_before(value) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@pytest.mark.parametrize(
    "value",
    [
        "",
        "山田 太郎",
        '𠮷野家の前で「会った」\n\t\\ "quoted" \u2028 \x00',
        "x" * 200,
        None,
        True,
        False,
        0,
        1,
        12345678901234567890,
        1.5,
        dt.date(2024, 4, 1),
        dt.datetime(2024, 4, 1, 9, 30, tzinfo=TOKYO),
        dt.datetime(2024, 4, 1, 9, 30, 15, 123456, tzinfo=dt.UTC),
        [],
        ["care", "income"],
        ["H0001", "head"],
        ["H0001", None],
        [1, "a"],
        {"b": 1, "a": [dt.date(2024, 1, 2)]},
    ],
)
def test_a_fingerprint_is_the_one_json_dumps_gives(value):
    assert plan.fingerprint(value) == as_before(value)
    assert plan.fingerprint(value) == as_before(value)  # again: a cached one too


def test_true_and_one_differ_though_equal():
    assert plan.fingerprint(True) != plan.fingerprint(1)


def test_nothing_of_a_file_stays_in_the_caches(hana, issues):
    """The caches that spare a large file's repeated values hold names too (a short name is as
    short as a channel): they are emptied once the file is checked and once it is written."""
    from django.db import transaction

    from yorisoi.imports import checking, reading, services
    from yorisoi.imports.models import ImportJob

    from .conftest import csv_bytes, row

    content = csv_bytes([row()])
    checked = checking.check(reading.read(content, "a.csv"), actor=hana)
    assert not checked.errors
    for cache in (checking._clean_repeated, checking._choice, plan._repeated):
        assert cache.cache_info().currsize == 0, cache
    job = ImportJob.objects.create(
        created_by=hana, agency=hana.agency, file_name="a.csv", sha256="0" * 64,
        file_format="csv", rows=1,
    )  # fmt: skip
    with transaction.atomic():
        services._write(checked, actor=hana, job=job, request=None)
    for cache in (checking._clean_repeated, checking._choice, plan._repeated):
        assert cache.cache_info().currsize == 0, cache
