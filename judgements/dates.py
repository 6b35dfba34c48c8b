"""Calendar helpers: pure functions over dates, in the site's TIME_ZONE."""

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months later, clamped to the month's end.

    >>> add_months(dt.date(2024, 2, 29), 12)
    datetime.date(2025, 2, 28)
    """
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def start_of_day(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """00:00 of ``day`` in ``tz``, as an aware datetime."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=tz)


def quarter_label(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
