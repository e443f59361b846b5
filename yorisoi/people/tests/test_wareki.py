import datetime as dt
import itertools

import pytest

from yorisoi.people.wareki import (
    ERAS,
    FORMAT_ERROR,
    WarekiError,
    age_on,
    era_of,
    format_wareki,
    format_with_seireki,
    parse_date,
)

D = dt.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("S45.3.2", D(1970, 3, 2)),
        ("s45.3.2", D(1970, 3, 2)),
        ("S45/3/2", D(1970, 3, 2)),
        ("S45-3-2", D(1970, 3, 2)),
        ("Ｓ４５．３．２", D(1970, 3, 2)),
        ("ｓ45／3／2", D(1970, 3, 2)),
        (" S45.03.02 ", D(1970, 3, 2)),
        ("昭和45年3月2日", D(1970, 3, 2)),
        ("昭和４５年３月２日", D(1970, 3, 2)),
        ("昭和 45年 3月 2日", D(1970, 3, 2)),
        ("昭和45.3.2", D(1970, 3, 2)),
        ("昭45.3.2", D(1970, 3, 2)),
        ("㍼45年3月2日", D(1970, 3, 2)),
        ("昭和45年3月2日生", D(1970, 3, 2)),
        ("平成元年1月8日", D(1989, 1, 8)),
        ("H1.1.8", D(1989, 1, 8)),
        ("R5/4/1", D(2023, 4, 1)),
        ("令和5年4月1日", D(2023, 4, 1)),
        ("令和元年5月1日", D(2019, 5, 1)),
        ("M45.7.29", D(1912, 7, 29)),
        ("T1.7.30", D(1912, 7, 30)),
        ("大正15年12月24日", D(1926, 12, 24)),
        ("昭和元年12月25日", D(1926, 12, 25)),
        ("1970-03-02", D(1970, 3, 2)),
        ("1970/3/2", D(1970, 3, 2)),
        ("1970.3.2", D(1970, 3, 2)),
        ("1970年3月2日", D(1970, 3, 2)),
        ("西暦1970年3月2日", D(1970, 3, 2)),
        ("１９７０－０３－０２", D(1970, 3, 2)),
        ("19700302", D(1970, 3, 2)),
        ("2000.2.29", D(2000, 2, 29)),
        ("1850-01-01", D(1850, 1, 1)),
    ],
)
def test_parse(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", FORMAT_ERROR),
        ("昭和", FORMAT_ERROR),
        ("45.3.2", FORMAT_ERROR),
        ("X45.3.2", FORMAT_ERROR),
        ("S45.3", FORMAT_ERROR),
        ("70/3/2", FORMAT_ERROR),
        ("1970030", FORMAT_ERROR),
        ("令和0年4月1日", "令和0年という年はありません（元年は1年です）。"),
        ("S0.1.1", "昭和0年という年はありません（元年は1年です）。"),
        ("昭和45年2月30日", "2月30日は存在しない日付です。"),
        ("S45.13.1", "13月1日は存在しない日付です。"),
        ("S45.4.31", "4月31日は存在しない日付です。"),
        ("1970-00-10", "0月10日は存在しない日付です。"),
        ("平成31年2月29日", "平成31年はうるう年ではないため、2月29日は存在しない日付です。"),
        ("1900-02-29", "1900年はうるう年ではないため、2月29日は存在しない日付です。"),
        ("昭和65年1月1日", "昭和は1926年12月25日から1989年1月7日までです。"),
        ("昭和64年1月8日", "昭和は1926年12月25日から1989年1月7日までです。"),
        ("平成31年5月1日", "平成は1989年1月8日から2019年4月30日までです。"),
        ("H1.1.7", "平成は1989年1月8日から2019年4月30日までです。"),
        ("令和1年4月30日", "令和は2019年5月1日からです。"),
        ("明治元年1月1日", "明治は1868年1月25日から1912年7月29日までです。"),
        ("大正元年7月29日", "大正は1912年7月30日から1926年12月24日までです。"),
        ("0000-01-01", "年が正しくありません。"),
    ],
)
def test_parse_errors(text, message):
    with pytest.raises(WarekiError) as excinfo:
        parse_date(text)
    assert str(excinfo.value) == message
    assert isinstance(excinfo.value, ValueError)


BOUNDARIES = [
    (D(1868, 1, 25), "明治元年1月25日"),
    (D(1912, 7, 29), "明治45年7月29日"),
    (D(1912, 7, 30), "大正元年7月30日"),
    (D(1926, 12, 24), "大正15年12月24日"),
    (D(1926, 12, 25), "昭和元年12月25日"),
    (D(1970, 3, 2), "昭和45年3月2日"),
    (D(1989, 1, 7), "昭和64年1月7日"),
    (D(1989, 1, 8), "平成元年1月8日"),
    (D(2019, 4, 30), "平成31年4月30日"),
    (D(2019, 5, 1), "令和元年5月1日"),
    (D(2020, 1, 1), "令和2年1月1日"),
]


@pytest.mark.parametrize(("date", "text"), BOUNDARIES)
def test_format_and_parse_round_trip(date, text):
    assert format_wareki(date) == text
    assert parse_date(text) == date
    assert parse_date(date.isoformat()) == date


@pytest.mark.parametrize(
    ("date", "text"),
    [
        (D(1970, 3, 2), "昭和45年3月2日（1970年3月2日）"),
        (D(1989, 1, 8), "平成元年1月8日（1989年1月8日）"),
        (D(2019, 5, 1), "令和元年5月1日（2019年5月1日）"),
        (D(1850, 1, 1), "1850年1月1日"),
        (D(1868, 1, 24), "1868年1月24日"),
    ],
)
def test_format_with_seireki(date, text):
    assert format_with_seireki(date) == text


def test_before_meiji_is_western_only():
    assert era_of(D(1868, 1, 24)) is None
    assert format_wareki(D(1868, 1, 24)) == "1868年1月24日"


def test_format_accepts_datetime():
    assert format_wareki(dt.datetime(1970, 3, 2, 12, 0)) == "昭和45年3月2日"


def test_eras_are_contiguous():
    for earlier, later in itertools.pairwise(ERAS):
        assert earlier.end + dt.timedelta(days=1) == later.start
    assert ERAS[-1].end is None


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (D(1970, 3, 2), D(2024, 3, 1), 53),
        (D(1970, 3, 2), D(2024, 3, 2), 54),
        (D(1970, 3, 2), D(1970, 3, 2), 0),
        (D(2000, 2, 29), D(2023, 2, 28), 22),
        (D(2000, 2, 29), D(2023, 3, 1), 23),
        (D(2000, 2, 29), D(2024, 2, 29), 24),
        (D(1989, 12, 31), D(1990, 1, 1), 0),
    ],
)
def test_age_on(birth, on, age):
    assert age_on(birth, on) == age


def test_age_on_rejects_future_birth():
    with pytest.raises(ValueError, match="基準日"):
        age_on(D(2024, 1, 2), D(2024, 1, 1))
