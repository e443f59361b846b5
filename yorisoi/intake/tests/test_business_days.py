"""Pending referrals are counted in office days: weekends, public holidays and 年末年始 off."""

import datetime as dt

import pytest

from yorisoi.intake.business_days import add_business_days, business_days_after, is_business_day


@pytest.mark.parametrize(
    "day, open_",
    [
        (dt.date(2026, 5, 1), True),  # Friday
        (dt.date(2026, 5, 2), False),  # Saturday
        (dt.date(2026, 5, 4), False),  # みどりの日
        (dt.date(2026, 5, 6), False),  # 振替休日 for 憲法記念日 on a Sunday
        (dt.date(2026, 5, 7), True),
        (dt.date(2026, 9, 22), False),  # 国民の休日 between 敬老の日 and 秋分の日
        (dt.date(2026, 12, 29), False),  # 年末年始: the office is closed
        (dt.date(2027, 1, 4), True),
    ],
)
def test_office_days(day, open_):
    assert is_business_day(day) is open_


def test_golden_week_is_not_counted():
    # Sent on Friday 1 May; by Friday 8 May only 7 and 8 May were office days.
    assert business_days_after(dt.date(2026, 5, 1), dt.date(2026, 5, 8)) == 2
    assert add_business_days(dt.date(2026, 5, 1), 3) == dt.date(2026, 5, 11)


def test_year_end_closure_can_be_configured(settings):
    settings.YORISOI_CLOSED_DAYS = ()
    assert is_business_day(dt.date(2026, 12, 29))
