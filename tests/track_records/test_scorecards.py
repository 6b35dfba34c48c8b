"""The grouped summary feeds the same scorecard as one record per judgement."""

import datetime as dt
from decimal import Decimal

import pytest

from judgements import workflows
from judgements.core import scales, scoring
from judgements.demo.dataset import generate
from judgements.models import Assessment, Judgement, Resolution, Topic
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


def test_a_judgement_counts_once_per_topic_however_many_topics_it_and_its_assessment_have(
    alice, east_asia
):
    """Two topics on the assessment, two of its own (one shared): four topics, each once."""
    a, b, c = (Topic.objects.create(name=n, slug=n.lower()) for n in ("A", "B", "C"))
    report = Assessment.objects.create(title="R", published_on=dt.date(2025, 1, 1), team=east_asia)
    report.topics.set([a, b])
    judgement = workflows.create_judgement(
        by=alice,
        statement="S",
        team=east_asia,
        owner=alice,
        probability=Decimal("0.3"),
        assessment=report,
        window_start=dt.date(2025, 1, 1),
        window_end=dt.date(2025, 3, 1),
        topics=[b, c],
    )
    workflows.resolve(judgement, by=alice, outcome="did_not_occur", note="No")
    judgements = Judgement.objects.all()
    summary = scorecards.topic_summary(scorecards.current_resolutions(judgements))
    by_topic = dict(scoring.scorecards_by(summary, "topic", scales.PHIA))
    assert {k: v.resolved for k, v in by_topic.items()} == {"A": 1, "B": 1, "C": 1}
    full = dict(scoring.scorecards_by(scorecards.records(judgements), "topic", scales.PHIA))
    assert {k: v.resolved for k, v in full.items()} == {"A": 1, "B": 1, "C": 1}
