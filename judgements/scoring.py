"""Scoring of resolved judgements (DESIGN section 4): pure functions, no ORM.

Inputs are plain values: the window as dates, the outcome, the estimate history as
(made_at, probability) pairs with aware datetimes, the time zone the calendar days live in.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from .dates import start_of_day

LOG_CLIP = 0.001

EstimateHistory = Sequence[tuple[dt.datetime, float]]


def opening(window_start: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """00:00 of window start."""
    return start_of_day(window_start, tz)


def close(window_end: dt.date, tz: dt.tzinfo, *, occurred_on: dt.date | None = None) -> dt.datetime:
    """00:00 of the day it occurred; otherwise 24:00 of window end."""
    if occurred_on is not None:
        return start_of_day(occurred_on, tz)
    return start_of_day(window_end + dt.timedelta(days=1), tz)


def standing_history(
    history: EstimateHistory, *, opens: dt.datetime, closes: dt.datetime
) -> list[tuple[dt.datetime, float]]:
    """The estimates that count, each from the moment it starts standing.

    Steps: sort by time; the first estimate stands from the opening whatever its timestamp;
    a revision made before the opening stands from the opening too (the latest one wins);
    revisions made at or after the close never count (no hindsight).
    """
    if not history:
        raise ValueError("a judgement needs at least one estimate to be scored")
    ordered = sorted(history, key=lambda pair: pair[0])
    steps = [(opens, float(ordered[0][1]))]
    for made_at, probability in ordered[1:]:
        if made_at >= closes:
            break
        start = max(made_at, opens)
        if start == steps[-1][0]:
            steps[-1] = (start, float(probability))
        else:
            steps.append((start, float(probability)))
    return steps


def p_final(history: EstimateHistory, *, closes: dt.datetime) -> float:
    """The estimate standing at the close."""
    ordered = sorted(history, key=lambda pair: pair[0])
    final = ordered[0][1]
    for made_at, probability in ordered[1:]:
        if made_at >= closes:
            break
        final = probability
    return float(final)


def p_initial(history: EstimateHistory) -> float:
    return float(min(history, key=lambda pair: pair[0])[1])


def brier(probability: float, occurred: bool) -> float:
    """(p − o)²: 0 is perfect, 1 is worst, always saying 50% scores 0.25."""
    return (probability - float(occurred)) ** 2


def log_loss(probability: float, occurred: bool) -> float:
    p = min(max(probability, LOG_CLIP), 1 - LOG_CLIP)
    return -math.log(p) if occurred else -math.log(1 - p)


def time_averaged_brier(
    history: EstimateHistory, occurred: bool, *, opens: dt.datetime, closes: dt.datetime
) -> float:
    """Exact integral of (p(t) − o)² over [opening, close), divided by its length."""
    if closes <= opens:
        return brier(p_initial(history), occurred)
    steps = standing_history(history, opens=opens, closes=closes)
    total = 0.0
    for (start, probability), (end, _) in zip(steps, [*steps[1:], (closes, 0.0)], strict=True):
        total += brier(probability, occurred) * (end - start).total_seconds()
    return total / (closes - opens).total_seconds()


@dataclass(frozen=True)
class JudgementScore:
    p_initial: float
    p_final: float
    brier: float
    brier_time_averaged: float
    log_loss: float


def score_judgement(
    *,
    history: EstimateHistory,
    occurred: bool,
    window_start: dt.date,
    window_end: dt.date,
    occurred_on: dt.date | None,
    tz: dt.tzinfo,
) -> JudgementScore:
    """Every per-judgement figure of DESIGN section 4 for one resolved judgement."""
    opens = opening(window_start, tz)
    closes = close(window_end, tz, occurred_on=occurred_on if occurred else None)
    final = p_final(history, closes=closes)
    return JudgementScore(
        p_initial=p_initial(history),
        p_final=final,
        brier=brier(final, occurred),
        brier_time_averaged=time_averaged_brier(history, occurred, opens=opens, closes=closes),
        log_loss=log_loss(final, occurred),
    )
