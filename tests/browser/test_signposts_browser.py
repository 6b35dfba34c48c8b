"""Signposts and a look at a stale estimate, walked in chromium as an analyst and a lead."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from judgements.models import Signpost, SignpostState
from tests.browser.conftest import log_in
from tests.factories import make_judgement

pytestmark = pytest.mark.django_db(transaction=True)


def test_alice_writes_a_signpost_sees_it_and_reaffirms(page, alice, east_asia):
    judgement = make_judgement(alice, east_asia, "The port reopens to tankers.", days_ago=120)
    log_in(page, "alice")
    page.goto("/judgements/?look=due")
    row = page.get_by_role("row").filter(has_text=judgement.reference)
    expect(row).to_contain_text("120 days since the last estimate")
    row.get_by_role("link", name=judgement.statement).click()

    look = page.locator("#look")
    expect(look).to_contain_text("Due for a look")
    signposts = page.locator("#signposts")
    signposts.get_by_label("Signpost").fill("Dredgers arrive in the channel")
    signposts.get_by_label("If seen, it").select_option("supports")
    expected = timezone.localdate() + dt.timedelta(days=30)
    signposts.get_by_label("Expected by").fill(expected.isoformat())
    signposts.get_by_role("button", name="Add signpost").click()
    expect(page.locator(".signpost")).to_contain_text("Not seen")
    # Drawn on both sizes of the chart; the desktop one is shown here.
    expect(page.locator(".timeline-wide .signpost-mark.not_seen")).to_have_count(1)

    page.get_by_text("Log an indicator").click()  # the form opens on demand
    add = page.locator("#log-indicator")
    add.get_by_label("Direction").select_option("supports")
    add.get_by_label("Summary").fill("Two dredgers seen in the channel.")
    add.get_by_label("Shows a signpost").select_option(label="Dredgers arrive in the channel (for)")
    add.get_by_role("button", name="Log indicator").click()
    expect(page.locator(".signpost")).to_contain_text("Seen")
    expect(page.locator("#look")).to_contain_text("signpost seen (supports it)")
    assert Signpost.objects.get().state() == SignpostState.SEEN

    look.get_by_label("Why it still stands").fill("Dredgers were expected; nothing else moved.")
    look.get_by_role("button", name="Still 85%, looked at today").click()
    expect(page.locator("#look")).to_contain_text("Estimate is fresh")
    expect(page.locator("#estimate-history tbody tr")).to_have_count(2)


def test_a_lead_finds_the_longest_due_on_the_dashboard(page, lena, alice, east_asia):
    old = make_judgement(alice, east_asia, "Old estimate.", days_ago=200)
    make_judgement(alice, east_asia, "Fresh estimate.", days_ago=5)
    log_in(page, "lena")
    page.goto("/dashboard/")
    panel = page.locator("#due-for-a-look")
    expect(panel).to_contain_text("200 days since the last estimate")
    expect(panel).not_to_contain_text("Fresh estimate.")
    panel.get_by_role("link", name="live judgement due for a look").click()
    page.wait_for_url("**/judgements/?look=due")
    expect(page.get_by_role("link", name=old.statement)).to_be_visible()
