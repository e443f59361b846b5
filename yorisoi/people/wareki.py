"""Japanese era (和暦) dates: parsing what staff type, and formatting for display."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import NamedTuple

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class WarekiError(ValueError):
    """Input that is not a valid date; str() is a message for the user.

    The message is in the active language: Japanese unless the screen was asked for English.
    """


class Era(NamedTuple):
    name: str
    letter: str
    start: dt.date
    end: dt.date | None  # None: the current era


# First and last Gregorian days of each era.
# 明治: the 1868-10-23 edict applied from 慶応4年1月1日 (= 1868-01-25). Japan kept the lunisolar
#   calendar until 明治5年12月2日, so 明治 dates before 1873 are read as Gregorian here, not as the
#   historical calendar date; no living person is affected.
# 大正 1912-07-30 and 昭和 1926-12-25: the day of the emperor's death (改元の詔).
# 平成 1989-01-08: 元号を改める政令 (昭和64年政令第1号).
# 令和 2019-05-01: 元号を改める政令 (平成31年政令第143号).
ERAS: tuple[Era, ...] = (
    Era("明治", "M", dt.date(1868, 1, 25), dt.date(1912, 7, 29)),
    Era("大正", "T", dt.date(1912, 7, 30), dt.date(1926, 12, 24)),
    Era("昭和", "S", dt.date(1926, 12, 25), dt.date(1989, 1, 7)),
    Era("平成", "H", dt.date(1989, 1, 8), dt.date(2019, 4, 30)),
    Era("令和", "R", dt.date(2019, 5, 1), None),
)

_ERA_BY_KEY = {key: era for era in ERAS for key in (era.name, era.name[0], era.letter.lower())}

FORMAT_ERROR = _("生年月日は「S45.3.2」「昭和45年3月2日」「1970-03-02」のように入力してください。")
YEAR_ERROR = _("年が正しくありません。")

# IMEs produce many look-alike dashes, and ー is easy to type by mistake in place of a hyphen.
_SEP = r"[./\-‐‑‒–—―−ー]"
_TAIL = r"\s*日?\s*(?:生まれ|生)?"
_ERA_RE = re.compile(
    rf"(?P<era>[a-z]|明治|大正|昭和|平成|令和|[明大昭平令])\s*(?P<year>[0-9]{{1,3}}|元)\s*"
    rf"(?:年|{_SEP})\s*(?P<month>[0-9]{{1,2}})\s*(?:月|{_SEP})\s*(?P<day>[0-9]{{1,2}}){_TAIL}"
)
_WESTERN_RE = re.compile(
    rf"(?:西暦)?\s*(?P<year>[0-9]{{4}})\s*(?:年|{_SEP})\s*(?P<month>[0-9]{{1,2}})\s*"
    rf"(?:月|{_SEP})\s*(?P<day>[0-9]{{1,2}}){_TAIL}"
)
_COMPACT_RE = re.compile(r"(?P<year>[0-9]{4})(?P<month>[0-9]{2})(?P<day>[0-9]{2})")


def _jp(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _build_date(year: int, month: int, day: int, year_label: str) -> dt.date:
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise WarekiError(YEAR_ERROR)
    try:
        return dt.date(year, month, day)
    except ValueError:
        if month == 2 and day == 29:
            msg = gettext("%(year)sはうるう年ではないため、2月29日は存在しない日付です。") % {
                "year": year_label
            }
            raise WarekiError(msg) from None
        msg = gettext("%(month)s月%(day)s日は存在しない日付です。") % {"month": month, "day": day}
        raise WarekiError(msg) from None


def _era_range(era: Era) -> str:
    if era.end is None:
        return gettext("%(era)sは%(start)sからです。") % {"era": era.name, "start": _jp(era.start)}
    return gettext("%(era)sは%(start)sから%(end)sまでです。") % {
        "era": era.name,
        "start": _jp(era.start),
        "end": _jp(era.end),
    }


def parse_date(text: str) -> dt.date:
    """Parse 和暦 (S45.3.2, 昭和45年3月2日, 平成元年…) or 西暦 (1970-03-02, 19700302, …).

    Raises WarekiError with a Japanese message. Does not judge plausibility (future dates etc.).
    """
    # NFKC: full-width digits, letters and punctuation, and ㍼/㋿-style era ligatures.
    s = unicodedata.normalize("NFKC", text).strip().lower()
    if m := _ERA_RE.fullmatch(s):
        era = _ERA_BY_KEY.get(m["era"])
        if era is None:
            raise WarekiError(FORMAT_ERROR)
        era_year = 1 if m["year"] == "元" else int(m["year"])
        if era_year == 0:
            msg = gettext("%(era)s0年という年はありません（元年は1年です）。") % {"era": era.name}
            raise WarekiError(msg)
        label = f"{era.name}{'元' if era_year == 1 else era_year}年"
        d = _build_date(era.start.year + era_year - 1, int(m["month"]), int(m["day"]), label)
        if d < era.start or (era.end is not None and d > era.end):
            raise WarekiError(_era_range(era))
        return d
    if m := _WESTERN_RE.fullmatch(s) or _COMPACT_RE.fullmatch(s):
        year = int(m["year"])
        return _build_date(year, int(m["month"]), int(m["day"]), f"{year}年")
    raise WarekiError(FORMAT_ERROR)


def era_of(d: dt.date) -> Era | None:
    """The era containing `d`, or None before 明治."""
    if isinstance(d, dt.datetime):
        d = d.date()
    for era in reversed(ERAS):
        if d >= era.start:
            return era
    return None


def format_wareki(d: dt.date) -> str:
    """昭和45年3月2日 / 平成元年1月8日; dates before 明治 as 西暦 (1850年1月1日)."""
    era = era_of(d)
    if era is None:
        return _jp(d)
    year = d.year - era.start.year + 1
    return f"{era.name}{'元' if year == 1 else year}年{d.month}月{d.day}日"


def format_with_seireki(d: dt.date) -> str:
    """昭和45年3月2日（1970年3月2日）; dates before 明治 only once, as 西暦."""
    if era_of(d) is None:
        return _jp(d)
    return f"{format_wareki(d)}（{_jp(d)}）"


def age_on(birth: dt.date, on: dt.date) -> int:
    """Completed years at `on`. A 2月29日 birthday counts from 3月1日 in common years.

    Raises ValueError if `on` is before `birth`.
    """
    if isinstance(birth, dt.datetime):
        birth = birth.date()
    if isinstance(on, dt.datetime):
        on = on.date()
    if on < birth:
        raise ValueError("基準日が生年月日より前です。")
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
