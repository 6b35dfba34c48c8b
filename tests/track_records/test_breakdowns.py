"""By topic, by horizon and discrimination on the track record pages (issue 15)."""

import datetime as dt
from decimal import Decimal

import pytest

from judgements import workflows
from judgements.models import Topic
from judgements.track_records.charts import discrimination_chart

pytestmark = pytest.mark.django_db


def resolved(owner, team, p, outcome, n, *, topics=(), length=100):
    judgement = workflows.create_judgement(
        by=owner,
        statement=f"Statement {n}",
        team=team,
        owner=owner,
        probability=Decimal(p),
        window_start=dt.date(2025, 1, 1),
        window_end=dt.date(2025, 1, 1) + dt.timedelta(days=length),
        reference=f"KJ-2025-{n:04d}",
        topics=topics,
    )
    workflows.resolve(
        judgement,
        by=owner,
        outcome=outcome,
        occurred_on=dt.date(2025, 1, 20) if outcome == "occurred" else None,
        note="Done",
    )
    return judgement


@pytest.fixture
def history(alice, east_asia):
    korea = Topic.objects.create(name="North Korea", slug="north-korea", kind="region")
    japan = Topic.objects.create(name="Japan", slug="japan", kind="region")
    resolved(alice, east_asia, "0.8", "occurred", 1, topics=[korea])
    resolved(alice, east_asia, "0.3", "did_not_occur", 2, topics=[korea, japan])
    resolved(alice, east_asia, "0.6", "did_not_occur", 3, topics=[japan], length=400)
    return korea, japan


def test_the_track_record_shows_scores_by_topic_and_by_horizon(client, alice, history):
    client.force_login(alice)
    response = client.get("/track-record/alice/")
    rows = {row.label: row for row in response.context["topic_rows"]}
    assert {k: r.card.resolved for k, r in rows.items()} == {"Japan": 2, "North Korea": 2}
    assert rows["North Korea"].card.auc == 1.0 and rows["Japan"].card.auc is None
    assert rows["Japan"].too_few  # fewer than 10 scored judgements
    assert rows["Japan"].url == "/topics/japan/"
    assert rows["Japan"].figure_url.endswith("&topic=japan")
    horizons = {row.label: row.card.resolved for row in response.context["horizon_rows"]}
    # Occurred on 20 January: under a month. The others closed at window end: 3–6 and > 12.
    assert horizons == {"< 1 month": 1, "3–6 months": 1, "> 12 months": 1}
    html = response.content.decode()
    assert 'id="by-topic"' in html and 'id="by-horizon"' in html
    assert 'href="/topics/north-korea/"' in html and "(too few to tell)" in html
    assert 'class="discrimination-chart"' in html and "ROC AUC 1.000" in html


def test_the_team_track_record_has_the_same_tables_from_full_records(client, lena, history):
    client.force_login(lena)
    response = client.get("/track-record/team/east-asia/")
    assert {r.label for r in response.context["topic_rows"]} == {"Japan", "North Korea"}
    assert len(response.context["horizon_rows"]) == 3


def test_a_track_record_can_be_narrowed_to_one_topic(client, alice, history):
    client.force_login(alice)
    response = client.get("/track-record/alice/?topic=japan")
    assert response.context["card"].resolved == 2
    assert response.context["figure_url"].endswith("topic=japan")
    assert client.get("/track-record/alice/?topic=atlantis").context["card"].resolved == 3


def test_the_count_links_to_the_judgements_of_the_horizon(client, alice, history):
    client.force_login(alice)
    row = client.get("/track-record/alice/").context["horizon_rows"][0]
    listed = client.get(row.figure_url).context["page"].object_list
    assert [j.reference for j in listed] == ["KJ-2025-0001"]


def test_the_discrimination_chart_puts_what_happened_above_the_line():
    chart = discrimination_chart([0, 0, 0, 0, 0, 0, 0, 2, 0, 1], [1, 3, 0, 0, 0, 0, 0, 0, 0, 0])
    assert [b.n for b in chart.occurred] == [2, 1]
    assert all(b.y + b.height == chart.middle for b in chart.occurred)
    assert all(b.y == chart.middle for b in chart.did_not_occur)
    tallest = max(chart.did_not_occur, key=lambda b: b.n)
    assert tallest.height == pytest.approx(chart.middle - chart.top)
    assert chart.occurred[0].x > chart.did_not_occur[-1].x
    empty = discrimination_chart([0] * 10, [0] * 10)
    assert empty.occurred == [] and empty.did_not_occur == []
