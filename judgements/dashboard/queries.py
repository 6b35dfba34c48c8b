"""What the leadership dashboard shows (docs/design.md §6), each part one query.

Every function takes the judgements the viewer may see, already narrowed by the team filter,
so the page runs the same small number of queries at 100 or 20,000 judgements.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from judgements.core.dates import start_of_day
from judgements.models import Indicator, Judgement, Outcome, Resolution, Status, status_condition

PERIODS = {
    "this-year": "This year",
    "last-12-months": "Last 12 months",
    "last-year": "Last year",
    "last-90-days": "Last 90 days",
    "all": "All time",
}
DEFAULT_PERIOD = "this-year"
LIST_LIMIT = 15


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    start: dt.date | None  # inclusive
    end: dt.date  # inclusive


def period(key: str, *, today: dt.date) -> Period:
    """The date range a period filter names; unknown keys fall back to the default."""
    if key not in PERIODS:
        key = DEFAULT_PERIOD
    label = PERIODS[key]
    if key == "this-year":
        return Period(key, label, dt.date(today.year, 1, 1), today)
    if key == "last-year":
        return Period(key, label, dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31))
    if key == "last-12-months":
        return Period(key, label, today - dt.timedelta(days=365), today)
    if key == "last-90-days":
        return Period(key, label, today - dt.timedelta(days=90), today)
    return Period(key, label, None, today)


def within(field: str, span: Period) -> Q:
    """``field`` (a datetime) falls on a day of the period: an index range, not a cast."""
    tz = timezone.get_current_timezone()
    condition = Q(**{f"{field}__lt": start_of_day(span.end + dt.timedelta(days=1), tz)})
    if span.start is not None:
        condition &= Q(**{f"{field}__gte": start_of_day(span.start, tz)})
    return condition


def closed_within(span: Period) -> Q:
    """Resolutions of judgements that closed in the period (the day it occurred, else window
    end: the quarter of close the scorecard groups by). "All time" includes closes still ahead:
    an annulled judgement whose window has not ended yet."""
    if span.start is None:
        return Q()
    return Q(closed_on__gte=span.start, closed_on__lte=span.end)


def counts(
    judgements: QuerySet[Judgement],
    resolutions: QuerySet[Resolution],
    *,
    today: dt.date,
    span: Period,
) -> dict[str, int]:
    """Open, expiring, awaiting resolution; resolved and annulled that closed in the period.

    Two aggregate queries: the unresolved judgements through the partial index on window end,
    the current resolutions through the partial index on day of close. "Resolved" is the same
    set the accuracy figures are computed over.
    """

    def count(status: Status) -> Count:
        return Count("pk", filter=status_condition(status, today=today))

    unresolved = judgements.filter(resolution__isnull=True).aggregate(
        open=count(Status.OPEN), expiring=count(Status.EXPIRING), awaiting=count(Status.AWAITING)
    )
    scored = [Outcome.OCCURRED, Outcome.DID_NOT_OCCUR]
    resolved = resolutions.filter(closed_within(span)).aggregate(
        resolved=Count("pk", filter=Q(outcome__in=scored)),
        annulled=Count("pk", filter=Q(outcome=Outcome.ANNULLED)),
    )
    return unresolved | resolved


def _listed(judgements: QuerySet[Judgement]) -> QuerySet[Judgement]:
    return judgements.select_related("owner", "team", "current_estimate")


def expiring(judgements: QuerySet[Judgement], *, today: dt.date) -> list[Judgement]:
    rows = judgements.with_status(Status.EXPIRING, today=today).order_by("window_end", "pk")
    return list(_listed(rows)[:LIST_LIMIT])


def overdue(judgements: QuerySet[Judgement], *, today: dt.date) -> list[Judgement]:
    rows = judgements.with_status(Status.AWAITING, today=today).order_by("window_end", "pk")
    return list(_listed(rows)[:LIST_LIMIT])


def contested(judgements: QuerySet[Judgement]) -> list[Judgement]:
    rows = judgements.contested().order_by("-indicators_against", "window_end")
    return list(_listed(rows)[:LIST_LIMIT])


def recent_indicators(judgements: QuerySet[Judgement], *, span: Period) -> list[Indicator]:
    rows = Indicator.objects.filter(within("logged_at", span), judgement__in=judgements)
    rows = rows.select_related("judgement", "logged_by").order_by("-logged_at")
    return list(rows[:LIST_LIMIT])
