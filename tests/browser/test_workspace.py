"""A new analyst's day in the workspace, in real headless chromium against live_server."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from judgements import workflows
from judgements.models import Indicator, Judgement, Status
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def mark_page(page) -> None:
    """Tag the window: the tag survives htmx swaps and disappears on any navigation."""
    page.evaluate("window.__samePage = 'yes'")


def assert_no_navigation(page) -> None:
    assert page.evaluate("window.__samePage") == "yes", "the page reloaded or navigated"


def chart_path(page) -> str:
    return page.locator("svg.timeline-wide path.estimate-line:not(.ahead)").get_attribute("d")


def test_a_new_analyst_creates_a_judgement_by_picking_highly_likely(page, alice, east_asia):
    log_in(page, "alice")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="New judgement").click()
    page.get_by_label("Statement").fill("North Korea will test an ICBM before the window ends.")
    page.get_by_label("Resolution criteria").fill("A launch confirmed by two governments.")
    placement = page.locator("#placement")

    page.get_by_label("Number (%)").fill("52")
    expect(placement).to_have_text(re.compile("52% — between realistic possibility and likely"))
    expect(page.get_by_label("Term")).to_have_value("")  # a gap of the scale: no term

    page.get_by_label("Term").select_option("highly likely")
    expect(placement).to_have_text(re.compile("85% — highly likely"))
    expect(page.get_by_label("Number (%)")).to_have_value("85")

    page.get_by_label("Confidence").select_option("high")
    page.get_by_role("button", name="Create judgement").click()

    expect(page.locator(".big-number")).to_have_text("85%")
    expect(page.locator(".term-line")).to_contain_text("highly likely")
    judgement = Judgement.objects.get()
    assert page.url.endswith(judgement.get_absolute_url())
    assert judgement.current_estimate.probability == Decimal("0.85")
    assert judgement.window_start == timezone.localdate()


def test_alice_adds_edits_and_retracts_an_indicator_without_a_reload(page, alice, judgement):
    log_in(page, "alice")
    page.goto(judgement.get_absolute_url())
    mark_page(page)
    # Half-written elsewhere on the page: adding an indicator must not wipe it.
    page.get_by_text("Revise the estimate").click()
    page.locator("#revise").get_by_label("Rationale").fill("Thinking about it")

    page.get_by_text("Log an indicator").click()
    add = page.locator("#log-indicator")
    add.get_by_label("Direction").select_option("supports")
    add.get_by_label("Summary").fill("Tankers seen loading at Nampo")
    add.get_by_label("Source", exact=True).fill("Commercial imagery")
    add.get_by_label("Source URL").fill("https://example.org/imagery")
    add.get_by_label("Source reliability").select_option("B")
    add.get_by_label("Information credibility").select_option("2")
    add.get_by_role("button", name="Log indicator").click()

    indicator_row = page.locator(".indicator-log > li").filter(has_text="Tankers seen loading")
    expect(indicator_row).to_be_visible()
    expect(indicator_row).to_be_focused()
    expect(page.get_by_role("status").filter(has_text="Indicator logged.")).to_be_visible()
    assert_no_navigation(page)
    indicator = Indicator.objects.get()
    assert (indicator.reliability, indicator.credibility) == ("B", 2)
    expect(page.locator("#revise").get_by_label("Rationale")).to_have_value("Thinking about it")
    expect(page.locator("#current-estimate")).to_contain_text("1 for")
    assert page.locator("svg.timeline-wide polygon.marker.supports").count() == 1  # its mark

    indicator_row.get_by_role("link", name=re.compile("^Edit")).click()
    summary = page.locator(f"#id_edit-{indicator.pk}-summary")
    expect(summary).to_be_focused()
    summary.fill("Tankers seen loading at Nampo, two of them")
    page.get_by_role("button", name="Save indicator").click()
    expect(page.locator(".indicator-log")).to_contain_text("two of them")
    assert_no_navigation(page)

    row = page.locator(f"#indicator-{indicator.pk}")
    row.get_by_role("link", name=re.compile("^Retract")).click()
    page.get_by_label("Reason for retracting").fill("Misidentified vessels")
    page.get_by_role("button", name="Retract indicator").click()
    expect(row).to_contain_text("Retracted by Alice")
    expect(row).to_contain_text("Misidentified vessels")
    expect(row.locator(".indicator-summary")).to_contain_text("two of them")  # still visible
    assert_no_navigation(page)
    indicator.refresh_from_db()
    assert indicator.is_retracted


def test_alice_revises_the_estimate_and_sees_history_and_chart_change(page, alice, judgement):
    log_in(page, "alice")
    page.goto(judgement.get_absolute_url())
    mark_page(page)
    before = chart_path(page)
    history = page.locator("#estimate-history tbody tr")
    expect(history).to_have_count(1)

    page.get_by_text("Revise the estimate").click()
    revise = page.locator("#revise")
    revise.get_by_label("Number (%)").fill("60")
    expect(page.locator("#placement")).to_have_text(re.compile("60% — likely"))
    revise.get_by_label("Rationale").fill("Fewer ships seen this month")
    revise.get_by_role("button", name="Revise estimate").click()

    expect(history).to_have_count(2)
    expect(page.locator("#estimate-history")).to_contain_text("Fewer ships seen this month")
    expect(page.locator(".big-number")).to_have_text("60%")
    expect(page.locator("#current-estimate")).to_be_focused()
    assert chart_path(page) != before
    assert page.locator("svg.timeline-wide circle.estimate-point").count() == 2
    assert_no_navigation(page)


def test_alice_resolves_a_judgement_and_sees_status_and_history_change(page, alice, judgement):
    log_in(page, "alice")
    page.goto(judgement.get_absolute_url())
    mark_page(page)
    expect(page.locator(".judgement-head .badge")).to_contain_text("days left")

    page.locator("#resolve > summary").click()
    resolution = page.locator("#resolve")
    resolution.get_by_label("Occurred", exact=True).check()
    day = timezone.localdate() - dt.timedelta(days=2)
    resolution.get_by_label("Occurred on").fill(day.isoformat())
    resolution.get_by_label("Note").fill("Confirmed by two governments.")
    resolution.get_by_label("Source URL").fill("https://example.org/confirmed")
    resolution.get_by_role("button", name="Resolve").click()

    expect(page.locator(".judgement-head .badge")).to_have_text("Resolved")
    resolution = page.locator("#resolution")
    expect(resolution).to_contain_text(f"Occurred on {day:%-d %b %Y}")
    expect(resolution).to_contain_text("Brier score")
    expect(page.locator("#current-estimate")).to_contain_text("Final estimate")
    expect(page.locator("#current-estimate")).to_be_focused()  # the outcome leads the page
    page.get_by_text("Change history").click()
    expect(page.locator("#changes .change-log > li").first).to_contain_text("Resolved")
    assert page.locator("#revise").count() == 0  # resolved: nothing left to revise
    assert_no_navigation(page)
    judgement.refresh_from_db()
    assert judgement.status() == Status.RESOLVED


def test_a_date_outside_the_window_is_refused_in_place(page, alice, judgement):
    log_in(page, "alice")
    page.goto(judgement.get_absolute_url())
    page.locator("#resolve > summary").click()
    resolution = page.locator("#resolve")
    resolution.get_by_label("Occurred", exact=True).check()
    resolution.get_by_label("Occurred on").fill("1999-01-01")
    resolution.get_by_label("Note").fill("Too early")
    resolution.get_by_role("button", name="Resolve").click()
    expect(page.get_by_role("alert")).to_contain_text("must lie inside the window")
    expect(page.locator("#resolve-errors")).to_be_focused()
    expect(resolution.get_by_label("Note")).to_have_value("Too early")


def test_leadership_sees_the_page_but_no_forms(page, maya, alice, judgement):
    workflows.log_indicator(
        judgement,
        by=alice,
        observed_on=timezone.localdate(),
        summary="Ships seen",
        direction="supports",
        strength="strong",
    )
    log_in(page, "maya")
    page.goto(judgement.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(judgement.statement)
    expect(page.locator(".indicator-log")).to_contain_text("Ships seen")
    expect(page.locator("svg.timeline-wide")).to_be_visible()
    assert page.locator("main form").count() == 0
    assert page.get_by_role("link", name=re.compile("^(Edit|Retract)")).count() == 0
    assert page.get_by_role("navigation", name="Main").get_by_text("New judgement").count() == 0


def test_keyboard_alone_adds_an_indicator(page, alice, judgement):
    log_in(page, "alice")
    page.goto(judgement.get_absolute_url())
    mark_page(page)

    def tab_to(selector: str, limit: int = 80) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"document.activeElement.matches({selector!r})"):
                return
        raise AssertionError(f"Tab never reached {selector}")

    tab_to("#log-indicator > summary")
    page.keyboard.press("Enter")  # the form opens on demand, from the keyboard too
    tab_to("#id_indicator-direction")
    page.keyboard.press("ArrowDown")  # For -> Against
    tab_to("#id_indicator-summary")
    page.keyboard.type("Official denial broadcast by KCNA")
    tab_to("#log-indicator button[type=submit]")
    page.keyboard.press("Enter")

    new_row = page.locator(".indicator-log > li").filter(has_text="Official denial")
    expect(new_row).to_be_focused()
    expect(new_row).to_contain_text("Against")
    assert_no_navigation(page)
    assert Indicator.objects.get().direction == "undermines"


def test_list_filters_update_in_place_and_the_back_button_restores_them(
    page, alice, east_asia, judgement
):
    other = workflows.create_judgement(
        by=alice,
        statement="Missile test over the sea",
        team=east_asia,
        owner=alice,
        probability=0.3,
    )
    log_in(page, "alice")
    page.goto("/judgements/")
    mark_page(page)
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(2)

    page.get_by_label("Term").select_option("unlikely")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(other.reference)
    # Only the filters in use; the URL is pushed as the swap settles, so wait for it.
    expect(page).to_have_url(re.compile(r"/judgements/\?term=unlikely$"))
    assert_no_navigation(page)

    page.get_by_label("Search").fill("nothing matches this")
    expect(page.locator("#results-summary")).to_have_text("No judgements match these filters")
    expect(page).to_have_url(re.compile(r"q=nothing"))

    page.go_back()
    expect(rows).to_have_count(1)
    expect(page).to_have_url(re.compile(r"/judgements/\?term=unlikely$"))
    page.go_back()
    expect(rows).to_have_count(2)

    page.goto("/judgements/?term=unlikely")  # the URL is a bookmark
    expect(rows).to_have_count(1)
    expect(page.get_by_label("Term")).to_have_value("unlikely")
