"""Settled early and horizons (docs/design.md §4.2–4.4), pinned by hand-made series."""

import datetime as dt
import math
from zoneinfo import ZoneInfo

import pytest

from judgements.core import scales, scoring

UTC = dt.UTC


def at(day: str, hour: int = 0, tz=UTC) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=tz)


def score(history, *, settled_on=None, occurred=False, occurred_on=None, tz=UTC, **window):
    return scoring.score_judgement(
        history=history,
        occurred=occurred,
        window_start=window.get("start", dt.date(2026, 1, 1)),
        window_end=window.get("end", dt.date(2026, 1, 10)),
        occurred_on=occurred_on,
        settled_on=settled_on,
        tz=tz,
    )


# The worked example of §4.3: 0.2 from the opening, 0.6 from 6 January, 0.9 from 9 January noon.
SERIES = [
    (at("2025-12-20"), 0.2),
    (at("2026-01-06"), 0.6),
    (at("2026-01-09", 12), 0.9),
]


def test_the_close_of_a_settled_judgement_is_00_00_of_settled_on():
    tz = ZoneInfo("Europe/Berlin")
    close = scoring.close(dt.date(2026, 1, 10), tz, settled_on=dt.date(2026, 1, 4))
    assert close == dt.datetime(2026, 1, 4, tzinfo=tz)
    # Without it, 24:00 of window end, as before.
    assert scoring.close(dt.date(2026, 1, 10), tz) == dt.datetime(2026, 1, 11, tzinfo=tz)


def test_estimates_made_on_or_after_settled_on_never_count():
    # Settled on 6 January: the 0.6 made at 00:00 that day is at the close, so it is hindsight.
    s = score(SERIES, settled_on=dt.date(2026, 1, 6))
    assert s.p_final == 0.2
    assert s.brier == pytest.approx(0.04)
    # Time-averaged over [1 Jan, 6 Jan): five days at 0.2.
    assert s.brier_time_averaged == pytest.approx(0.04)
    assert s.log_loss == pytest.approx(-math.log(0.8))


def test_the_time_average_runs_from_the_opening_to_settled_on():
    # Settled on 9 January: 0.2 for five days, 0.6 for three; the 0.9 at noon that day never
    # counts. (5 x 0.04 + 3 x 0.36) / 8 = 0.16.
    s = score(SERIES, settled_on=dt.date(2026, 1, 9))
    assert s.p_final == 0.6
    assert s.brier == pytest.approx(0.36)
    assert s.brier_time_averaged == pytest.approx((5 * 0.04 + 3 * 0.36) / 8)
    # Not settled: the same judgement closes at 24:00 of 10 January and the 0.9 counts.
    late = score(SERIES)
    assert late.p_final == 0.9
    assert late.brier_time_averaged == pytest.approx((5 * 0.04 + 3.5 * 0.36 + 1.5 * 0.81) / 10)


def test_settled_on_the_first_day_scores_the_first_estimate():
    s = score(SERIES, settled_on=dt.date(2026, 1, 1))
    assert s.p_final == 0.2
    assert s.brier == s.brier_time_averaged == pytest.approx(0.04)


def test_settled_on_the_last_day_closes_a_day_earlier_than_the_window():
    s = score(SERIES, settled_on=dt.date(2026, 1, 10))
    assert s.p_final == 0.9
    assert s.brier_time_averaged == pytest.approx((5 * 0.04 + 3.5 * 0.36 + 0.5 * 0.81) / 9)


def test_settled_on_is_ignored_when_it_occurred():
    s = score(SERIES, occurred=True, occurred_on=dt.date(2026, 1, 9), settled_on=None)
    assert s.p_final == 0.6 and s.brier == pytest.approx(0.16)
    same = score(
        SERIES, occurred=True, occurred_on=dt.date(2026, 1, 9), settled_on=dt.date(2026, 1, 2)
    )
    assert same == s


def test_the_time_average_counts_real_hours_when_settled_across_a_change_of_clocks():
    # Berlin moves its clocks forward on 29 March 2026: that day has 23 hours.
    tz = ZoneInfo("Europe/Berlin")
    history = [(at("2026-03-28", tz=tz), 0.5), (at("2026-03-29", 12, tz=tz), 0.1)]
    s = score(
        history,
        settled_on=dt.date(2026, 3, 30),
        tz=tz,
        start=dt.date(2026, 3, 28),
        end=dt.date(2026, 4, 30),
    )
    # 28 March 00:00 to 29 March 12:00 is 35 real hours at 0.25 (24 + 11: 02:00 never came);
    # then 12 hours at 0.01 to 00:00 of 30 March, when it was settled.
    assert s.brier_time_averaged == pytest.approx((35 * 0.25 + 12 * 0.01) / 47)


# --- Horizons ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("made", "closes", "bucket"),
    [
        (at("2026-01-10", 9), at("2026-02-10", 8), 0),  # an hour short of a month
        (at("2026-01-10", 9), at("2026-02-10", 9), 1),  # exactly a month: the bucket above
        (at("2026-01-31"), at("2026-02-28"), 1),  # 31 January + 1 month is 28 February
        (at("2026-01-31"), at("2026-02-27"), 0),
        (at("2026-01-10"), at("2026-04-09"), 1),
        (at("2026-01-10"), at("2026-04-10"), 2),
        (at("2026-01-10"), at("2026-07-10"), 3),
        (at("2026-01-10"), at("2027-01-09"), 3),
        (at("2026-01-10"), at("2027-01-10"), 4),
        (at("2026-01-10"), at("2026-01-10"), 0),  # empty: < 1 month
    ],
)
def test_horizon_buckets_hold_their_lower_bound(made, closes, bucket):
    assert scoring.horizon(made, closes, UTC) == bucket


def test_a_month_is_a_calendar_month_on_the_site_clock():
    tz = ZoneInfo("America/New_York")
    made = dt.datetime(2026, 1, 15, 23, tzinfo=tz)  # 16 January 04:00 UTC
    assert scoring.horizon(made, dt.datetime(2026, 2, 15, 23, tzinfo=tz), tz) == 1
    assert scoring.horizon(made, dt.datetime(2026, 2, 15, 22, tzinfo=tz), tz) == 0


def test_the_horizon_runs_from_p_final_to_the_close():
    # Window 2026-01-01 to 2026-12-31; first estimate only: from the opening.
    first = [(at("2025-12-20"), 0.4)]
    year = {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 12, 31)}
    assert score(first, **year).horizon == 4  # 1 Jan to 1 Jan next year: 12 months
    assert score(first, **year).p_final_at == at("2026-01-01")
    # A revision on 1 October stands at the close: 3 months to 24:00 of 31 December.
    revised = [*first, (at("2026-10-01"), 0.3)]
    assert score(revised, **year).p_final_at == at("2026-10-01")
    assert score(revised, **year).horizon == 2
    # Settled on 15 October: two weeks from the revision.
    assert score(revised, settled_on=dt.date(2026, 10, 15), **year).horizon == 0
    # Settled on 1 October, the revision is hindsight: from the opening, 9 months.
    early = score(revised, settled_on=dt.date(2026, 10, 1), **year)
    assert (early.p_final, early.horizon) == (0.4, 3)


def test_every_aggregate_is_available_by_topic_and_horizon():
    records = [
        scoring.Record("occurred", 0.8, 0.04, 0.04, 0.2, None, topics=("Korea", "Missiles")),
        scoring.Record("did_not_occur", 0.3, 0.09, 0.1, 0.3, None, topics=("Korea",), horizon=4),
        scoring.Record("did_not_occur", 0.6, 0.36, 0.3, 0.9, None, horizon=0),
        scoring.Record("annulled", None, None, None, None, None, topics=("Missiles",)),
    ]
    by_topic = dict(scoring.scorecards_by(records, "topic", scales.PHIA))
    assert list(by_topic) == ["Korea", "Missiles"]
    assert (by_topic["Korea"].resolved, by_topic["Korea"].auc) == (2, 1.0)
    assert (by_topic["Missiles"].resolved, by_topic["Missiles"].annulled) == (1, 1)
    by_horizon = scoring.scorecards_by(records, "horizon", scales.PHIA)
    assert [label for label, _ in by_horizon] == ["< 1 month", "> 12 months"]
    assert "topic" in scoring.GROUPINGS and "horizon" in scoring.GROUPINGS


def _card(n: int, brier: float) -> scoring.Scorecard:
    p = brier**0.5
    return scoring.Scorecard.build(
        [scoring.Record("did_not_occur", p, brier, brier, 0.1, None, n=n)], scales.PHIA
    )


def test_best_and_worst_leave_out_groups_too_few_to_tell():
    groups = [("A", _card(10, 0.30)), ("B", _card(25, 0.10)), ("C", _card(3, 0.01))]
    standing = scoring.best_and_worst(groups)
    assert standing.best[0] == "B" and standing.worst[0] == "A"
    assert standing.too_few == ["C"]
    lonely = scoring.best_and_worst([("A", _card(40, 0.2)), ("C", _card(9, 0.01))])
    assert lonely.best is None and lonely.compared == 1 and lonely.too_few == ["C"]
