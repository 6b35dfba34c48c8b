"""Issue 15 in a real browser: settling a judgement early, filing under topics, and reading
the topic and horizon tables and the discrimination chart."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from judgements import workflows
from judgements.models import Assessment, Topic
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_alice_records_did_not_occur_early_with_the_day_it_was_settled(page, alice, east_asia):
    today = timezone.localdate()
    judgement = workflows.create_judgement(
        by=alice,
        statement="The treaty will be ratified",
        team=east_asia,
        owner=alice,
        probability=Decimal("0.6"),
        window_start=today - dt.timedelta(days=50),
        now=timezone.now() - dt.timedelta(days=50),
    )
    log_in(page, "alice")
    page.goto(judgement.get_absolute_url())
    page.locator("#resolve > summary").click()  # the form opens on demand
    page.get_by_label("Did not occur").check()
    page.get_by_label("Settled on").fill((today - dt.timedelta(days=3)).isoformat())
    page.get_by_label("Note").fill("The ratification vote failed; it cannot come back this year.")
    page.locator("#resolve").get_by_role("button", name="Resolve").click()
    resolution = page.locator("#resolution")
    resolution.get_by_text("(before the window ended)").wait_for()
    assert page.get_by_text("Resolution recorded.").is_visible()
    assert "horizon 1–3 months" in resolution.inner_text()
    judgement.refresh_from_db()
    assert judgement.resolution.settled_on == today - dt.timedelta(days=3)


def test_lena_adds_a_topic_and_files_her_teams_assessment(page, lena, alice, east_asia):
    assessment = Assessment.objects.create(
        title="Korea outlook", published_on=timezone.localdate(), team=east_asia
    )
    log_in(page, "lena")
    page.goto("/topics/")
    page.get_by_role("link", name="Add a topic").click()
    page.get_by_label("Name").fill("North Korea")
    page.get_by_label("Kind").select_option("region")
    page.get_by_role("button", name="Add topic").click()
    page.wait_for_url("**/topics/north-korea/")
    page.goto(f"/assessments/{assessment.pk}/")
    page.get_by_text("Change the assessment's topics").click()
    page.get_by_label("Topics of the assessment").select_option(label="North Korea (region)")
    page.get_by_role("button", name="Save topics").click()
    page.get_by_role("link", name="North Korea").first.wait_for()
    assert list(assessment.topics.values_list("name", flat=True)) == ["North Korea"]


def test_maya_reads_the_tables_by_topic_and_horizon_and_filters_by_topic(
    page, maya, alice, east_asia
):
    korea = Topic.objects.create(name="North Korea", slug="north-korea", kind="region")
    japan = Topic.objects.create(name="Japan", slug="japan", kind="region")
    today = timezone.localdate()
    for n, (p, outcome, topic) in enumerate(
        [
            ("0.8", "occurred", korea),
            ("0.3", "did_not_occur", korea),
            ("0.6", "did_not_occur", japan),
        ]
    ):
        start = today - dt.timedelta(days=60)
        judgement = workflows.create_judgement(
            by=alice,
            statement=f"Statement {n}",
            team=east_asia,
            owner=alice,
            probability=Decimal(p),
            window_start=start,
            window_end=start + dt.timedelta(days=30),
            topics=[topic],
            now=timezone.now() - dt.timedelta(days=60),
        )
        workflows.resolve(
            judgement,
            by=alice,
            outcome=outcome,
            occurred_on=start + dt.timedelta(days=5) if outcome == "occurred" else None,
            note="Done",
        )
    log_in(page, "maya")
    page.goto("/dashboard/?period=all")
    by_topic = page.locator("#by-topic").locator("..")
    assert by_topic.get_by_role("link", name="North Korea").is_visible()
    assert "too few to tell" in page.locator(".standing").inner_text()
    assert page.get_by_role(
        "img", name="Final estimates of what happened (above the line) and of what did not (below)"
    ).is_visible()
    page.get_by_label("Topic", exact=True).select_option("japan")
    page.wait_for_url("**topic=japan*")
    assert page.locator(".stat.good .stat-value").inner_text() == "1"
    by_topic.get_by_role("link", name="Japan").click()
    page.wait_for_url("**/topics/japan/")
    assert page.get_by_role("heading", name="Japan").is_visible()
