"""The grouped summary feeds the same scorecard as one record per judgement."""

import pytest

from judgements.core import scales, scoring
from judgements.demo.dataset import generate
from judgements.models import Judgement, Resolution
from judgements.track_records import scorecards

pytestmark = pytest.mark.django_db


def test_summary_and_full_records_give_the_same_scorecard_and_quarters():
    generate(judgements=300, indicators_per_judgement=0, seed=3)
    judgements = Judgement.objects.all()
    full = scorecards.records(judgements)
    summary = scorecards.summary(scorecards.current_resolutions(judgements))
    assert len(summary) < len(full)
    for scale in scales.SCALES.values():
        expected = scoring.Scorecard.build(full, scale).as_json(digits=9)
        assert scoring.Scorecard.build(summary, scale).as_json(digits=9) == expected
    by_quarter = scoring.scorecards_by(full, "quarter", scales.PHIA)
    summed = scoring.scorecards_by(summary, "quarter", scales.PHIA)
    assert [(q, c.as_json(digits=9)) for q, c in summed] == [
        (q, c.as_json(digits=9)) for q, c in by_quarter
    ]


def test_topic_and_horizon_summaries_give_the_same_scorecards_as_full_records():
    """The dashboard's grouped queries by topic and by horizon (own and inherited topics,
    each judgement once per topic) agree with one record per judgement."""
    generate(judgements=400, indicators_per_judgement=0, seed=15)
    judgements = Judgement.objects.all()
    full = scorecards.records(judgements)
    resolutions = scorecards.current_resolutions(judgements)
    for grouping, summary in (
        ("topic", scorecards.topic_summary(resolutions)),
        ("horizon", scorecards.horizon_summary(resolutions)),
    ):
        expected = scoring.scorecards_by(full, grouping, scales.PHIA)
        got = scoring.scorecards_by(summary, grouping, scales.PHIA)
        assert len(expected) > 2
        assert [(k, c.as_json(digits=9)) for k, c in got] == [
            (k, c.as_json(digits=9)) for k, c in expected
        ]
    assert any(r.settled_on for r in Resolution.objects.all())
