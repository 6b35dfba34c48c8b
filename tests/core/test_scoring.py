"""The maths of docs/design.md §4, without a database."""

import datetime as dt
import math
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import brier_score_loss
from sklearn.metrics import log_loss as sk_log_loss

from judgements.core import scales, scoring

UTC = dt.UTC
VECTOR_P = [0.1, 0.1, 0.3, 0.3, 0.7, 0.7, 0.7, 0.9, 0.9, 0.9]
VECTOR_O = [0, 0, 0, 1, 1, 0, 1, 1, 1, 1]
VECTOR = [(p, bool(o)) for p, o in zip(VECTOR_P, VECTOR_O, strict=True)]
# One bin per distinct value of the vector: .1, .3, .7 and .9 each alone.
ONE_BIN_PER_VALUE = [(0.0, 0.2), (0.2, 0.5), (0.5, 0.8), (0.8, 1.0)]


def at(day: str, hour: int = 0) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


# --- The test vector ---------------------------------------------------------------------


def test_the_design_test_vector_brier_is_0_13():
    assert scoring.mean_brier(VECTOR) == pytest.approx(0.13, abs=1e-12)


def test_the_design_test_vector_log_loss_is_0_4005():
    mean = sum(scoring.log_loss(p, o) for p, o in VECTOR) / len(VECTOR)
    assert round(mean, 4) == 0.4005


def test_the_design_test_vector_decomposes_with_one_bin_per_value():
    m = scoring.murphy(VECTOR, bins=ONE_BIN_PER_VALUE)
    assert round(m.reliability, 4) == 0.0133
    assert round(m.resolution, 4) == 0.1233
    assert round(m.uncertainty, 4) == 0.24
    assert m.remainder == pytest.approx(0.0, abs=1e-12)


def test_the_ten_bins_give_the_same_decomposition_when_values_sit_alone():
    assert scoring.murphy(VECTOR) == pytest.approx(scoring.murphy(VECTOR, ONE_BIN_PER_VALUE))


def test_the_remainder_makes_the_identity_hold_when_bins_mix_values():
    pairs = [(0.1, False), (0.19, True), (0.5, True), (0.55, False), (0.99, True)]
    m = scoring.murphy(pairs)
    assert m.remainder != pytest.approx(0.0, abs=1e-6)
    identity = m.reliability - m.resolution + m.uncertainty + m.remainder
    assert identity == pytest.approx(scoring.mean_brier(pairs))


# --- Against scikit-learn ----------------------------------------------------------------

pairs_strategy = st.lists(
    st.tuples(st.floats(0, 1, allow_nan=False), st.booleans()), min_size=1, max_size=60
)


@settings(max_examples=200, deadline=None)
@given(pairs_strategy)
def test_brier_matches_scikit_learn(pairs):
    probabilities = [p for p, _ in pairs]
    outcomes = [int(o) for _, o in pairs]
    expected = brier_score_loss(outcomes, probabilities, labels=[0, 1])
    assert scoring.mean_brier(pairs) == pytest.approx(expected, abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(pairs_strategy)
def test_log_loss_matches_scikit_learn_with_the_same_clipping(pairs):
    clipped = [min(max(p, 0.001), 0.999) for p, _ in pairs]
    outcomes = [int(o) for _, o in pairs]
    expected = sk_log_loss(outcomes, clipped, labels=[0, 1])
    ours = sum(scoring.log_loss(p, o) for p, o in pairs) / len(pairs)
    assert ours == pytest.approx(expected, rel=1e-9)


@settings(max_examples=100, deadline=None)
@given(pairs_strategy)
def test_murphy_identity_holds_on_random_data(pairs):
    m = scoring.murphy(pairs)
    assert m.reliability >= 0 and m.resolution >= 0
    total = m.reliability - m.resolution + m.uncertainty + m.remainder
    assert total == pytest.approx(scoring.mean_brier(pairs), abs=1e-12)


# --- One judgement: opening, close, p_final ----------------------------------------------


def test_the_close_is_the_start_of_the_day_it_occurred_else_the_end_of_window_end():
    assert scoring.close(dt.date(2026, 3, 31), UTC) == at("2026-04-01")
    assert scoring.close(dt.date(2026, 3, 31), UTC, occurred_on=dt.date(2026, 2, 3)) == at(
        "2026-02-03"
    )


def test_p_final_ignores_estimates_made_at_or_after_the_close():
    history = [(at("2026-01-01", 9), 0.2), (at("2026-02-01"), 0.6), (at("2026-03-01"), 0.9)]
    assert scoring.p_final(history, closes=at("2026-03-01")) == 0.6


def test_p_final_is_the_first_estimate_when_no_revision_came_before_the_close():
    history = [(at("2026-03-05"), 0.3), (at("2026-03-06"), 0.9)]
    assert scoring.p_final(history, closes=at("2026-03-01")) == 0.3


def test_the_first_estimate_stands_from_the_opening_whatever_its_timestamp():
    history = [(at("2026-01-11"), 1.0), (at("2026-01-21"), 0.0)]
    # Window 1-30 Jan (30 days): 1.0 stands 1-20 Jan (20 days), 0.0 stands 21-30 Jan.
    score = scoring.score_judgement(
        history=history,
        occurred=False,
        window_start=dt.date(2026, 1, 1),
        window_end=dt.date(2026, 1, 30),
        occurred_on=None,
        tz=UTC,
    )
    assert score.brier_time_averaged == pytest.approx(20 / 30)
    assert score.p_initial == 1.0 and score.p_final == 0.0 and score.brier == 0.0


def test_the_time_average_is_the_first_brier_when_it_occurred_on_the_first_day():
    score = scoring.score_judgement(
        history=[(at("2026-01-01", 12), 0.8)],
        occurred=True,
        window_start=dt.date(2026, 1, 1),
        window_end=dt.date(2026, 12, 31),
        occurred_on=dt.date(2026, 1, 1),
        tz=UTC,
    )
    assert score.brier_time_averaged == pytest.approx(0.04)
    assert score.log_loss == pytest.approx(-math.log(0.8))


def test_log_loss_clips_certainty_to_a_thousandth():
    assert scoring.log_loss(0.0, True) == pytest.approx(-math.log(0.001))
    assert scoring.log_loss(1.0, False) == pytest.approx(-math.log(0.001))


def test_the_time_average_counts_real_hours_across_a_change_of_clocks():
    london = ZoneInfo("Europe/London")
    # 29 March 2026 lasts 23 hours in London; a revision at local noon splits it 11:12.
    revision = dt.datetime(2026, 3, 29, 12, tzinfo=london).astimezone(UTC)
    score = scoring.score_judgement(
        history=[(at("2026-03-01"), 1.0), (revision, 0.0)],
        occurred=False,
        window_start=dt.date(2026, 3, 29),
        window_end=dt.date(2026, 3, 30),
        occurred_on=None,
        tz=london,
    )
    # 1.0 stands 11 real hours (00:00 GMT to 12:00 BST), of 47 in the two days.
    assert score.brier_time_averaged == pytest.approx(11 / 47)


@st.composite
def revision_histories(draw):
    days = draw(st.integers(2, 120))
    start = dt.date(2025, 1, 1) + dt.timedelta(days=draw(st.integers(0, 365)))
    opens = scoring.opening(start, UTC)
    minutes = days * 24 * 60
    offsets = draw(st.lists(st.integers(-5000, minutes + 5000), min_size=0, max_size=8))
    probabilities = st.floats(0, 1, allow_nan=False)
    history = [(opens + dt.timedelta(minutes=draw(st.integers(-3000, 3000))), draw(probabilities))]
    first = history[0][0]
    history += [
        (max(first, opens + dt.timedelta(minutes=m)) + dt.timedelta(seconds=1), draw(probabilities))
        for m in offsets
    ]
    occurred = draw(st.booleans())
    occurred_on = None
    if occurred:
        occurred_on = start + dt.timedelta(days=draw(st.integers(0, days - 1)))
    return start, start + dt.timedelta(days=days - 1), history, occurred, occurred_on


def day_by_day(history, occurred, start, end, occurred_on):
    """Independent approximation: the estimate standing at the end of each day, averaged.

    The first estimate stands from the opening; later ones count from when they were made.
    """
    ordered = sorted(history, key=lambda pair: pair[0])
    last_day = (occurred_on - dt.timedelta(days=1)) if occurred_on else end
    total, days = 0.0, 0
    day = start
    while day <= last_day:
        end_of_day = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=UTC)
        standing = ordered[0][1]
        for made_at, p in ordered[1:]:
            if made_at < end_of_day:
                standing = p
        total += (standing - float(occurred)) ** 2
        days += 1
        day += dt.timedelta(days=1)
    return total / days if days else None


@settings(max_examples=200, deadline=None)
@given(revision_histories())
def test_the_exact_time_average_agrees_with_a_day_by_day_approximation(case):
    start, end, history, occurred, occurred_on = case
    score = scoring.score_judgement(
        history=history,
        occurred=occurred,
        window_start=start,
        window_end=end,
        occurred_on=occurred_on,
        tz=UTC,
    )
    approx = day_by_day(history, occurred, start, end, occurred_on)
    if approx is None:  # occurred on the first day: the first estimate's Brier
        assert score.brier_time_averaged == scoring.brier(
            min(history, key=lambda pair: pair[0])[1], occurred
        )
        return
    days = ((occurred_on or end + dt.timedelta(days=1)) - start).days
    # Each revision can shift at most one day's weight between the two methods.
    assert abs(score.brier_time_averaged - approx) <= len(history) / days + 1e-9


# --- Calibration ---------------------------------------------------------------------------


def test_the_ten_bins_are_half_open_except_the_last():
    assert scoring.bin_index(0.0) == 0
    assert scoring.bin_index(0.1) == 1
    assert scoring.bin_index(0.3) == 3
    assert scoring.bin_index(0.7) == 7
    assert scoring.bin_index(0.9999) == 9
    assert scoring.bin_index(1.0) == 9


def test_calibration_lists_every_bin_with_counts_means_and_intervals():
    bins = scoring.calibration(VECTOR)
    assert [b.n for b in bins] == [0, 2, 0, 2, 0, 0, 0, 3, 0, 3]
    seventy = bins[7]
    assert seventy.mean_forecast == pytest.approx(0.7)
    assert seventy.observed == pytest.approx(2 / 3)
    assert seventy.ci_lo < 2 / 3 < seventy.ci_hi
    assert bins[0].mean_forecast is None and bins[0].ci_lo is None


@pytest.mark.parametrize(("hits", "n"), [(0, 2), (2, 3), (3, 3), (17, 40), (1, 1)])
def test_the_wilson_bounds_solve_the_wilson_equation_at_90_percent(hits, n):
    # The bounds are where (phat - p)^2 = z^2 p (1 - p) / n, z the 95th normal percentile.
    z = 1.6448536269514722
    phat = hits / n
    for bound in scoring.wilson_interval(hits, n):
        assert (phat - bound) ** 2 == pytest.approx(z * z * bound * (1 - bound) / n, abs=1e-12)


def test_wilson_interval_for_two_misses_is_0_to_0_575():
    lo, hi = scoring.wilson_interval(0, 2)
    assert lo == 0.0 and round(hi, 3) == 0.575


# --- By term, verdicts, skill ----------------------------------------------------------------


def test_by_term_groups_by_the_term_of_p_final_with_band_and_verdict():
    pairs = [(0.6, True), (0.7, True), (0.7, False), (0.65, True), (0.1, False), (0.15, True)]
    groups = {g.term: g for g in scoring.by_term(pairs, scales.PHIA)}
    likely = groups["likely"]
    assert (likely.n, likely.lo, likely.hi, likely.band_text) == (4, 0.55, 0.75, "55–75%")
    assert likely.observed == 0.75 and likely.verdict == "within band"
    assert likely.mean_forecast == pytest.approx(0.6625)
    assert groups["highly unlikely"].observed == 0.5
    assert groups["highly unlikely"].verdict == "overconfident"


@pytest.mark.parametrize(
    ("observed", "lo", "hi", "expected"),
    [
        (0.40, 0.55, 0.75, "overconfident"),  # said likely, happened less often
        (0.95, 0.55, 0.75, "underconfident"),  # said likely, nearly always happened
        (0.40, 0.25, 0.35, "overconfident"),  # said unlikely, happened more often
        (0.05, 0.25, 0.35, "underconfident"),  # said unlikely, nearly never happened
        (0.90, 0.40, 0.60, "underconfident"),  # said even chance, reality was decisive
        (0.10, 0.40, 0.60, "underconfident"),
        (0.55, 0.55, 0.75, "within band"),
    ],
)
def test_the_verdict_says_on_which_side_the_band_was_missed(observed, lo, hi, expected):
    assert scoring.verdict(observed, lo, hi) == expected


def test_the_verdict_respects_an_open_end_of_a_band():
    # PHIA's realistic possibility is 40–<50%: an observed 50% is outside it, above.
    groups = scoring.by_term([(0.45, True), (0.45, False)], scales.PHIA)
    assert groups[0].term == "realistic possibility"
    assert groups[0].verdict == "overconfident"


def test_an_observed_frequency_on_an_open_lower_end_missed_the_band_low():
    # NATO's highly likely is (90, 100]: 9 of 10 at 95% happened, 90% observed, which the
    # band excludes from below: said highly likely, it happened less often.
    pairs = [(0.95, True)] * 9 + [(0.95, False)]
    (group,) = scoring.by_term(pairs, scales.NATO)
    assert (group.term, group.observed) == ("highly likely", 0.9)
    assert group.verdict == "overconfident"


@pytest.mark.parametrize("key", sorted(scales.SCALES))
def test_by_term_works_on_every_scale_and_names_gaps_honestly(key):
    scale = scales.get_scale(key)
    pairs = [(k / 100, k % 3 == 0) for k in range(0, 101)]
    groups = scoring.by_term(pairs, scale)
    assert sum(g.n for g in groups) == len(pairs)
    assert {g.term for g in groups if g.is_term} == {t.label for t in scale.terms}
    for g in groups:
        assert g.verdict in ("within band", "overconfident", "underconfident")
        assert g.is_term or g.term.startswith(("between", "below", "above"))
    assert [g.lo for g in groups] == sorted(g.lo for g in groups)


def test_skill_is_null_when_every_judgement_had_the_same_outcome():
    assert scoring.skill(0.1, 0.0) is None
    assert scoring.skill(0.12, 0.24) == pytest.approx(0.5)


# --- The scorecard -------------------------------------------------------------------------


def record(p, outcome, *, closed_on=dt.date(2026, 2, 1), **labels):
    if outcome == "annulled":
        return scoring.Record("annulled", None, None, None, None, closed_on, **labels)
    occurred = outcome == "occurred"
    return scoring.Record(
        outcome,
        p,
        scoring.brier(p, occurred),
        scoring.brier(p, occurred) / 2,
        scoring.log_loss(p, occurred),
        closed_on,
        **labels,
    )


def vector_records():
    return [
        record(p, "occurred" if o else "did_not_occur", team="East Asia" if i < 5 else "Cyber")
        for i, (p, o) in enumerate(VECTOR)
    ] + [record(None, "annulled", team="Cyber")]


def test_the_scorecard_json_has_exactly_the_keys_of_design_section_7():
    card = scoring.Scorecard.build(vector_records(), scales.PHIA).as_json()
    assert list(card) == [
        "resolved",
        "occurred",
        "annulled",
        "brier",
        "brier_time_averaged",
        "log_loss",
        "skill",
        "murphy",
        "calibration",
        "by_term",
        "auc",
        "discrimination",
    ]
    assert list(card["discrimination"]) == ["occurred", "did_not_occur"]
    assert list(card["murphy"]) == ["reliability", "resolution", "uncertainty", "remainder"]
    assert list(card["calibration"][0]) == [
        "lo",
        "hi",
        "n",
        "mean_forecast",
        "observed",
        "ci_lo",
        "ci_hi",
    ]
    assert list(card["by_term"][0]) == [
        "term",
        "lo",
        "hi",
        "n",
        "mean_forecast",
        "observed",
        "brier",
        "verdict",
    ]


def test_the_scorecard_counts_annulled_apart_and_scores_the_rest():
    card = scoring.Scorecard.build(vector_records(), scales.PHIA)
    assert (card.resolved, card.occurred, card.annulled) == (10, 6, 1)
    assert card.brier == pytest.approx(0.13)
    assert card.brier_time_averaged == pytest.approx(0.065)
    assert round(card.log_loss, 4) == 0.4005
    assert card.skill == pytest.approx(1 - 0.13 / 0.24)
    assert card.reference_brier == 0.25


def test_an_empty_scorecard_has_nulls_not_errors():
    card = scoring.Scorecard.build([record(None, "annulled")], scales.PHIA).as_json()
    assert card["resolved"] == 0 and card["annulled"] == 1
    assert card["brier"] is None and card["skill"] is None and card["murphy"] is None
    assert card["by_term"] == [] and len(card["calibration"]) == 10


def test_every_aggregate_is_available_by_team_owner_assessment_term_and_quarter():
    records = [
        record(
            0.7, "occurred", team="A", owner="alice", assessment="R1", closed_on=dt.date(2025, 2, 1)
        ),
        record(
            0.2,
            "did_not_occur",
            team="A",
            owner="bob",
            assessment="",
            closed_on=dt.date(2025, 5, 1),
        ),
        record(
            0.9,
            "did_not_occur",
            team="B",
            owner="alice",
            assessment="R1",
            closed_on=dt.date(2025, 5, 9),
        ),
    ]
    by = {g: dict(scoring.scorecards_by(records, g, scales.PHIA)) for g in scoring.GROUPINGS}
    assert {k: v.resolved for k, v in by["team"].items()} == {"A": 2, "B": 1}
    assert {k: v.resolved for k, v in by["owner"].items()} == {"alice": 2, "bob": 1}
    assert {k: v.resolved for k, v in by["assessment"].items()} == {"R1": 2}
    assert list(by["quarter"]) == ["2025-Q1", "2025-Q2"]
    assert by["quarter"]["2025-Q2"].brier == pytest.approx((0.04 + 0.81) / 2)
    assert list(by["term"]) == ["highly unlikely", "likely", "highly likely"]


# --- Too few to tell (issue 12) -----------------------------------------------------------------


def _group(pairs, term="highly likely"):
    groups = scoring.by_term(pairs, scales.get_scale("phia"))
    return next(g for g in groups if g.term == term)


def test_one_or_two_judgements_are_too_few_to_tell_whatever_happened():
    group = _group([(0.85, False)])
    assert group.verdict == scoring.Verdict.OVERCONFIDENT  # the rule of docs/design.md §4.4
    assert group.reading == scoring.Verdict.TOO_FEW and not group.is_firm
    assert _group([(0.85, True), (0.85, True)]).reading == scoring.Verdict.TOO_FEW


def test_a_miss_whose_interval_still_reaches_the_band_is_too_few_to_tell():
    # 4 of 6 at 85%: observed 67%, below the band, but the 90% interval reaches 80–90%.
    group = _group([(0.85, True)] * 4 + [(0.85, False)] * 2)
    assert group.verdict == scoring.Verdict.OVERCONFIDENT
    assert group.ci_hi >= 0.8 and group.reading == scoring.Verdict.TOO_FEW


def test_a_clear_miss_on_enough_judgements_is_a_verdict():
    group = _group([(0.85, True)] * 3 + [(0.85, False)] * 9)
    assert group.ci_hi < 0.8 and group.reading == scoring.Verdict.OVERCONFIDENT
    within = _group([(0.85, True)] * 17 + [(0.85, False)] * 3)
    assert within.reading == scoring.Verdict.WITHIN


def test_the_headline_term_is_the_most_used_firm_miss_else_the_most_used_firm_term():
    phia = scales.get_scale("phia")
    well = [(0.15, True)] * 3 + [(0.15, False)] * 17  # 15% of 20: within band
    missed = [(0.85, True)] * 3 + [(0.85, False)] * 9
    assert scoring.headline_term(scoring.by_term(well + missed, phia)).term == "highly likely"
    assert scoring.headline_term(scoring.by_term(well, phia)).term == "highly unlikely"
    assert scoring.headline_term(scoring.by_term([(0.65, True)], phia)) is None


def test_records_merged_across_owners_give_the_same_scorecard():
    day = dt.date(2026, 3, 1)
    rows = [
        scoring.Record("occurred", 0.7, 0.09, 0.1, 0.36, day, owner="a", n=2),
        scoring.Record("occurred", 0.7, 0.09, 0.2, 0.36, day, owner="b", n=1),
        scoring.Record("did_not_occur", 0.7, 0.49, 0.4, 1.2, day, owner="a", n=3),
    ]
    phia = scales.get_scale("phia")
    whole, merged = (
        scoring.Scorecard.build(rows, phia),
        scoring.Scorecard.build(scoring.merged(rows), phia),
    )
    assert len(scoring.merged(rows)) == 2
    assert merged.as_json() == whole.as_json()
    assert merged.brier_time_averaged == pytest.approx((0.1 * 2 + 0.2 + 0.4 * 3) / 6)
    brief = scoring.brief(rows, phia)
    assert (brief.resolved, brief.brier) == (whole.resolved, whole.brier)
    assert brief.by_term == whole.by_term
