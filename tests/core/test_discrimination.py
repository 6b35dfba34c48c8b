"""Discrimination (docs/design.md §4.4): ROC AUC of p_final, ties counted half, and the counts
of p_final per calibration bin by outcome. Checked against scikit-learn and numpy on random
data, and by hand."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import roc_auc_score

from judgements.core import scales, scoring

# Forecasts as Yardstick stores them (4 decimals), drawn from a few values so ties are common.
forecast = st.one_of(
    st.sampled_from([0.0, 0.05, 0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 1.0]),
    st.integers(0, 10_000).map(lambda n: n / 10_000),
)
pairs = st.lists(st.tuples(forecast, st.booleans()), min_size=1, max_size=300)


@settings(max_examples=300, deadline=None)
@given(pairs)
def test_auc_matches_scikit_learn(data):
    outcomes = [o for _, o in data]
    auc = scoring.auc(data)
    if all(outcomes) or not any(outcomes):
        assert auc is None
    else:
        expected = roc_auc_score(outcomes, [p for p, _ in data])
        assert auc == pytest.approx(expected, abs=1e-12)


@settings(max_examples=300, deadline=None)
@given(pairs)
def test_discrimination_counts_match_a_histogram_on_the_ten_bins(data):
    counts = scoring.discrimination(data)
    # numpy's last bin is closed, like ours: [0.9, 1.0].
    edges = [k / 10 for k in range(11)]  # as the bins are written: 3 / 10 == 0.3
    for happened, ours in ((True, counts.occurred), (False, counts.did_not_occur)):
        values = [p for p, o in data if o == happened]
        expected, _ = np.histogram(values, bins=edges)
        assert ours == expected.tolist()
    assert sum(counts.occurred) + sum(counts.did_not_occur) == len(data)


def test_all_ties_give_one_half():
    data = [(0.7, True), (0.7, False), (0.7, True), (0.7, False), (0.7, False)]
    assert scoring.auc(data) == 0.5


def test_one_outcome_only_has_no_auc():
    assert scoring.auc([(0.2, True), (0.9, True)]) is None
    assert scoring.auc([(0.2, False)]) is None
    assert scoring.auc([]) is None


def test_perfect_and_perfectly_wrong_ordering():
    assert scoring.auc([(0.9, True), (0.8, True), (0.2, False)]) == 1.0
    assert scoring.auc([(0.1, True), (0.8, False), (0.9, False)]) == 0.0


def test_a_tie_between_an_occurred_and_a_did_not_occur_counts_one_half():
    # Pairs (occurred, did not): (0.6, 0.6) half, (0.6, 0.2) win, (0.1, 0.6) loss, (0.1, 0.2)
    # loss: 1.5 of 4.
    assert scoring.auc([(0.6, True), (0.1, True), (0.6, False), (0.2, False)]) == 0.375


def test_the_design_vector_by_hand():
    vector = [(0.1, 0), (0.1, 0), (0.3, 0), (0.3, 1), (0.7, 1), (0.7, 0), (0.7, 1)]
    vector += [(0.9, 1), (0.9, 1), (0.9, 1)]
    data = [(p, bool(o)) for p, o in vector]
    # 6 occurred x 4 did not = 24 pairs. Occurred 0.3: beats two 0.1, ties one 0.3, loses to
    # 0.7 = 2.5; each occurred 0.7 (two): beats 0.1, 0.1, 0.3, ties 0.7 = 3.5; each 0.9
    # (three): 4. Total 2.5 + 7 + 12 = 21.5.
    assert scoring.auc(data) == pytest.approx(21.5 / 24)
    counts = scoring.discrimination(data)
    assert counts.occurred == [0, 0, 0, 1, 0, 0, 0, 2, 0, 3]
    assert counts.did_not_occur == [0, 2, 0, 1, 0, 0, 0, 1, 0, 0]


def test_the_last_bin_holds_certainty_and_the_first_holds_zero():
    counts = scoring.discrimination([(1.0, True), (0.0, False), (0.1, False)])
    assert counts.occurred[9] == 1
    assert counts.did_not_occur[:2] == [1, 1]


def test_the_scorecard_json_carries_auc_and_discrimination():
    records = [
        scoring.Record("occurred", 0.8, 0.04, 0.04, 0.22, None),
        scoring.Record("did_not_occur", 0.3, 0.09, 0.09, 0.36, None),
        scoring.Record("did_not_occur", 0.8, 0.64, 0.64, 1.6, None, n=2),
        scoring.Record("annulled", None, None, None, None, None),
    ]
    card = scoring.Scorecard.build(records, scales.PHIA).as_json()
    # One occurred at 0.8 against three did not: beats 0.3, ties the two at 0.8: 2 of 3.
    assert card["auc"] == pytest.approx(round(2 / 3, 6))
    assert card["discrimination"] == {
        "occurred": [0, 0, 0, 0, 0, 0, 0, 0, 1, 0],
        "did_not_occur": [0, 0, 0, 1, 0, 0, 0, 0, 2, 0],
    }
    empty = scoring.Scorecard.build(records[-1:], scales.PHIA).as_json()
    assert empty["auc"] is None
    assert empty["discrimination"] == {"occurred": [0] * 10, "did_not_occur": [0] * 10}
