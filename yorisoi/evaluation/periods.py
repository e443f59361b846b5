"""Periods the city counts by: the fiscal year (April to March, 年度), a month, or any range
of days. A period is half-open, [start, end), in local dates (Asia/Tokyo); its moments are
local midnights, so an event at 2026-03-31 23:59 JST belongs to fiscal year 2025.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

FISCAL_YEAR_FIRST_MONTH = 4


class PeriodError(ValueError):
    """A period that cannot exist (end before start, a month 13 …); the message is for users."""


@dataclass(frozen=True)
class Period:
    kind: str  # "fiscal_year" | "month" | "range"
    start: date
    end: date  # exclusive

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def start_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.end, time.min))

    @property
    def label(self) -> str:
        if self.kind == "fiscal_year":
            return _("%(year)s年度") % {"year": self.start.year}
        if self.kind == "month":
            return _("%(year)s年%(month)s月") % {"year": self.start.year, "month": self.start.month}
        return _("%(start)s〜%(end)s") % {
            "start": self.start.isoformat(),
            "end": self.last_day.isoformat(),
        }

    @property
    def key(self) -> str:
        """A short text that names the period in URLs and files (no personal data)."""
        if self.kind == "fiscal_year":
            return f"FY{self.start.year}"
        if self.kind == "month":
            return self.start.strftime("%Y-%m")
        return f"{self.start.isoformat()}_{self.last_day.isoformat()}"

    def previous(self, count: int) -> list["Period"]:
        """The `count` periods of the same kind and length before this one, oldest first."""
        out, current = [], self
        for _i in range(count):
            current = current._before()
            out.append(current)
        return out[::-1]

    def _before(self) -> "Period":
        if self.kind == "fiscal_year":
            return fiscal_year(self.start.year - 1)
        if self.kind == "month":
            prior = self.start - timedelta(days=1)
            return month(prior.year, prior.month)
        length = self.end - self.start
        return Period("range", self.start - length, self.start)


def fiscal_year(year: int) -> Period:
    """年度 `year`: 1 April `year` to 31 March `year + 1`."""
    if not 1900 <= year <= 9998:
        raise PeriodError(_("年度は1900から9998の間で指定してください。"))
    return Period(
        "fiscal_year",
        date(year, FISCAL_YEAR_FIRST_MONTH, 1),
        date(year + 1, FISCAL_YEAR_FIRST_MONTH, 1),
    )


def fiscal_year_of(day: date) -> int:
    return day.year if day.month >= FISCAL_YEAR_FIRST_MONTH else day.year - 1


def month(year: int, month_number: int) -> Period:
    if not 1 <= month_number <= 12 or not 1900 <= year <= 9998:
        raise PeriodError(_("月の指定が正しくありません。"))
    start = date(year, month_number, 1)
    end = date(year + (month_number == 12), month_number % 12 + 1, 1)
    return Period("month", start, end)


def day_range(first: date, last: date) -> Period:
    """From `first` to `last`, both included."""
    if last < first:
        raise PeriodError(_("終了日は開始日以降の日付にしてください。"))
    if (last - first).days > 366 * 20:
        raise PeriodError(_("期間は20年以内にしてください。"))
    return Period("range", first, last + timedelta(days=1))


def current_fiscal_year() -> Period:
    return fiscal_year(fiscal_year_of(timezone.localdate()))


def parse(key: str) -> Period:
    """The inverse of Period.key: FY2025, 2025-04, 2025-04-01_2025-09-30."""
    try:
        if key.startswith("FY"):
            return fiscal_year(int(key[2:]))
        if len(key) == 7:
            return month(int(key[:4]), int(key[5:]))
        first, last = key.split("_")
        return day_range(date.fromisoformat(first), date.fromisoformat(last))
    except (ValueError, TypeError) as error:
        if isinstance(error, PeriodError):
            raise
        raise PeriodError(_("期間の指定が読み取れません。")) from error
