"""The grouped summary feeds the same scorecard as one record per judgement."""

import pytest

from judgements.core import scales, scoring
from judgements.demo.dataset import generate
from judgements.models import Judgement
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
