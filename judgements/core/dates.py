"""Calendar helpers: pure functions over dates, in the site's TIME_ZONE."""

import calendar
import datetime as dt

# The years any date in Yardstick may fall in (imports, forms and a database check share them).
# Far enough apart for any real history or forecast, near enough that date arithmetic on
# them (a default window of 12 months, a close at 24:00, alert thresholds) cannot overflow.
MIN_YEAR = 1900
MAX_YEAR = 2200
MIN_DATE = dt.date(MIN_YEAR, 1, 1)
MAX_DATE = dt.date(MAX_YEAR, 12, 31)


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
