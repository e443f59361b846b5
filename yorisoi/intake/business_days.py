"""Business days of a Japanese municipal office: no weekends, public holidays or 年末年始.

Public holidays come from the maintained `holidays` library; the year-end closure (12/29–1/3)
is the municipal custom, configurable as settings.YORISOI_CLOSED_DAYS ((month, day) pairs).
"""

from datetime import date, timedelta
from functools import cache

import holidays
from django.conf import settings

DEFAULT_CLOSED_DAYS = ((12, 29), (12, 30), (12, 31), (1, 1), (1, 2), (1, 3))


@cache
def _public_holidays(year: int):
    return holidays.Japan(years=year)


def is_business_day(day: date) -> bool:
    closed = getattr(settings, "YORISOI_CLOSED_DAYS", DEFAULT_CLOSED_DAYS)
    return (
        day.weekday() < 5
        and day not in _public_holidays(day.year)
        and ((day.month, day.day) not in closed)
    )


def business_days_after(start: date, end: date) -> int:
    """Business days in (start, end]: how many office days have passed since `start`."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_business_day(day)
    return count


def add_business_days(start: date, days: int) -> date:
    day = start
    while days > 0:
        day += timedelta(days=1)
        days -= is_business_day(day)
    return day
