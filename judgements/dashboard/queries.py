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
from judgements.models import (
    LIVE,
    Indicator,
    Judgement,
    Outcome,
    Resolution,
    Status,
    status_condition,
)

PERIODS = {
    "this-year": "This year",
    "last-12-months": "Last 12 months",
    "last-year": "Last year",
    "last-90-days": "Last 90 days",
    "all": "All time",
}
DEFAULT_PERIOD = "last-12-months"  # unless nothing was resolved in it: then all time
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
    """Live (open or expiring), expiring, awaiting resolution; resolved and annulled that
    closed in the period. Two aggregate queries (``unresolved_counts``, ``closed_counts``)."""
    return unresolved_counts(judgements, today=today) | closed_counts(resolutions, [span])[span.key]


def unresolved_counts(judgements: QuerySet[Judgement], *, today: dt.date) -> dict[str, int]:
    """One aggregate through the partial index on window end. *Live* counts open and
    expiring judgements alike: expiring ones are the live ones ending within 30 days."""

    def count(status: str) -> Count:
        return Count("pk", filter=status_condition(status, today=today))

    return judgements.filter(resolution__isnull=True).aggregate(
        live=count(LIVE), expiring=count(Status.EXPIRING), awaiting=count(Status.AWAITING)
    )


def closed_counts(
    resolutions: QuerySet[Resolution], spans: list[Period]
) -> dict[str, dict[str, int]]:
    """Resolved (scored) and annulled current resolutions that closed in each period, in one
    aggregate through the partial index on day of close: the same set the accuracy figures
    are computed over."""
    scored = Q(outcome__in=[Outcome.OCCURRED, Outcome.DID_NOT_OCCUR])
    annulled = Q(outcome=Outcome.ANNULLED)
    figures = resolutions.aggregate(
        **{
            f"{kind}__{n}": Count("pk", filter=condition & closed_within(span))
            for n, span in enumerate(spans)
            for kind, condition in (("resolved", scored), ("annulled", annulled))
        }
    )
    return {
        span.key: {kind: figures[f"{kind}__{n}"] for kind in ("resolved", "annulled")}
        for n, span in enumerate(spans)
    }


@dataclass(frozen=True)
class Chosen:
    """The period a dashboard shows, its counts of what closed in it, and why it was chosen."""

    span: Period
    closed: dict[str, int]
    note: str  # "" when the reader picked it


def choose_period(resolutions: QuerySet[Resolution], requested: str, *, today: dt.date) -> Chosen:
    """The period asked for, or by default the last 12 months, falling back to all time when
    nothing closed in them, so the accuracy half never opens blank. One query either way."""
    if requested in PERIODS:
        span = period(requested, today=today)
        return Chosen(span, closed_counts(resolutions, [span])[span.key], "")
    recent, ever = period(DEFAULT_PERIOD, today=today), period("all", today=today)
    figures = closed_counts(resolutions, [recent, ever])
    if figures[recent.key]["resolved"] or not figures[ever.key]["resolved"]:
        note = "the default" if figures[recent.key]["resolved"] else "nothing resolved yet"
        return Chosen(recent, figures[recent.key], note)
    return Chosen(
        ever, figures[ever.key], "nothing was resolved in the last 12 months, so all time"
    )


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
