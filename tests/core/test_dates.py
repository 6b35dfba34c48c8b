import datetime as dt

from judgements.core.dates import add_months
from judgements.rules import default_window_end


def test_default_window_is_twelve_calendar_months():
    assert default_window_end(dt.date(2026, 3, 15)) == dt.date(2027, 3, 15)


def test_leap_day_window_ends_on_28_february():
    assert default_window_end(dt.date(2028, 2, 29)) == dt.date(2029, 2, 28)


def test_add_months_clamps_to_month_end_and_goes_backwards():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 12, 17), -12) == dt.date(2025, 12, 17)
