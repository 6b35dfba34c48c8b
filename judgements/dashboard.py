"""What the leadership dashboard shows (DESIGN section 6), each part one query.

Every function takes the judgements the viewer may see, already narrowed by the team filter,
so the page runs the same small number of queries at 100 or 20,000 judgements.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from .models import Indicator, Judgement, Status, status_condition

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


def counts(judgements: QuerySet[Judgement], *, today: dt.date, span: Period) -> dict[str, int]:
    """Open, expiring, awaiting resolution, resolved and annulled, in one aggregate query."""
    in_period = Q(resolution__resolved_at__date__lte=span.end)
    if span.start is not None:
        in_period &= Q(resolution__resolved_at__date__gte=span.start)

    def count(status: Status, extra: Q | None = None) -> Count:
        condition = status_condition(status, today=today)
        return Count("pk", filter=condition & extra if extra is not None else condition)

    return judgements.aggregate(
        open=count(Status.OPEN),
        expiring=count(Status.EXPIRING),
        awaiting=count(Status.AWAITING),
        resolved=count(Status.RESOLVED, in_period),
        annulled=count(Status.ANNULLED, in_period),
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
    rows = judgements.contested().order_by("-n_against", "window_end")
    return list(_listed(rows)[:LIST_LIMIT])


def recent_indicators(judgements: QuerySet[Judgement], *, span: Period) -> list[Indicator]:
    rows = Indicator.objects.filter(judgement__in=judgements, logged_at__date__lte=span.end)
    if span.start is not None:
        rows = rows.filter(logged_at__date__gte=span.start)
    return list(
        rows.select_related("judgement", "logged_by").order_by("-logged_at", "-pk")[:LIST_LIMIT]
    )
