"""The dashboard by topic and by horizon, where we are best and worst, and the CSV (issue 15)."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from judgements import workflows
from judgements.core import scales, scoring
from judgements.dashboard.standing import sentence
from judgements.models import Topic
from judgements.track_records.breakdowns import GroupRow

pytestmark = pytest.mark.django_db
NOW = dt.datetime.combine(timezone.localdate(), dt.time(12), tzinfo=dt.UTC)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _noon():
    with time_machine.travel(NOW, tick=True):
        yield


def resolved(owner, team, p, outcome, *, topics=(), days=25, settled=None):
    start = TODAY - dt.timedelta(days=days)
    judgement = workflows.create_judgement(
        by=owner,
        statement="S",
        team=team,
        owner=owner,
        probability=Decimal(p),
        window_start=start,
        window_end=start + dt.timedelta(days=days - 1),
        topics=topics,
        now=NOW - dt.timedelta(days=days),
    )
    workflows.resolve(
        judgement,
        by=owner,
        outcome=outcome,
        occurred_on=TODAY - dt.timedelta(days=2) if outcome == "occurred" else None,
        settled_on=settled,
        note="Why",
    )
    return judgement


@pytest.fixture
def scored(alice, east_asia):
    """Korea: 10 good calls; Japan: 10 poor ones; Cyber: 3 (too few to tell)."""
    korea = Topic.objects.create(name="North Korea", slug="north-korea", kind="region")
    japan = Topic.objects.create(name="Japan", slug="japan", kind="region")
    cyber = Topic.objects.create(name="Cyber", slug="cyber")
    for _ in range(5):
        resolved(alice, east_asia, "0.9", "occurred", topics=[korea])
        resolved(alice, east_asia, "0.1", "did_not_occur", topics=[korea])
        resolved(alice, east_asia, "0.6", "did_not_occur", topics=[japan])
        resolved(alice, east_asia, "0.4", "occurred", topics=[japan])
    for _ in range(3):
        resolved(alice, east_asia, "0.5", "occurred", topics=[cyber], days=500)
    return korea, japan, cyber


def test_the_dashboard_says_where_we_are_best_and_worst(client, maya, scored):
    client.force_login(maya)
    response = client.get("/dashboard/?period=all")
    by_topic, by_horizon = response.context["standing"]
    assert by_topic == (
        "By topic, we are best on North Korea (Brier 0.010, 10 judgements) and worst on "
        "Japan (Brier 0.360, 10 judgements). Too few to tell: Cyber."
    )
    # 20 closed within a month of their estimate, 3 over a year: only one horizon to compare.
    assert by_horizon == (
        "By horizon, too few to tell: only < 1 month has 10 or more scored judgements, so "
        "there is nothing to compare it with."
    )
    html = response.content.decode()
    assert "Where we are best and worst" in html
    assert 'id="by-topic"' in html and 'id="by-horizon"' in html
    assert 'href="/topics/japan/"' in html


def test_with_no_big_group_it_is_too_few_to_tell():
    small = scoring.Scorecard.build(
        [scoring.Record("occurred", 0.7, 0.09, 0.09, 0.3, None, n=3)], scales.PHIA
    )
    rows = [GroupRow("A", small, "", "", True), GroupRow("B", small, "", "", True)]
    assert sentence(rows, by="topic", at="on") == (
        "By topic, too few to tell: no two topics have 10 or more scored judgements each."
    )


def test_the_dashboard_narrows_to_one_topic_and_keeps_it_in_its_links(client, maya, scored):
    client.force_login(maya)
    response = client.get("/dashboard/?period=all&topic=japan")
    assert response.context["card"].resolved == 10
    assert "topic=japan" in response.context["figure_url"]
    assert "topic=japan" in response.context["scope"].query
    listed = client.get(response.context["figure_url"]).context["page"].paginator.count
    assert listed == 10
    # An unknown topic means every topic.
    assert client.get("/dashboard/?period=all&topic=x").context["card"].resolved == 23


def test_a_lead_sees_only_their_teams_in_the_topic_tables(client, lena, bob, cyber, scored):
    resolved(bob, cyber, "0.9", "did_not_occur", topics=[scored[0]])
    client.force_login(lena)
    rows = {
        r.label: r.card.resolved for r in client.get("/dashboard/?period=all").context["topic_rows"]
    }
    assert rows["North Korea"] == 10


def test_the_csv_carries_topics_horizon_and_settled_on(client, maya, alice, east_asia, scored):
    korea = scored[0]
    settled = TODAY - dt.timedelta(days=5)
    early = resolved(alice, east_asia, "0.2", "did_not_occur", topics=[korea], settled=settled)
    client.force_login(maya)
    response = client.get("/dashboard/export.csv?period=all")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    row = next(r for r in rows if r["reference"] == early.reference)
    assert row["section"] == "resolved"
    assert (row["topics"], row["outcome"], row["settled_on"], row["closed_on"]) == (
        "North Korea",
        "did_not_occur",
        settled.isoformat(),
        settled.isoformat(),
    )
    assert (row["p_final"], row["brier"], row["horizon"]) == ("0.2000", "0.040000", "< 1 month")
    assert row["days_left"] == ""
    assert len([r for r in rows if r["section"] == "resolved"]) == 24
