"""Failed htmx requests show a message in the page and keep what was typed; the error pages
are styled. In real headless chromium against live_server."""

import re

import pytest
from playwright.sync_api import expect

from judgements import workflows
from judgements.models import Indicator
from tests.browser.axe import assert_accessible
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def fill_indicator(page, summary: str):
    panel = page.locator("#log-indicator")
    if panel.get_attribute("open") is None:
        page.get_by_text("Log an indicator").click()
    add = page.locator("#log-indicator form")
    add.get_by_label("Direction").select_option("undermines")
    add.get_by_label("Summary").fill(summary)
    return add


def test_a_refused_request_says_why_in_the_page_and_keeps_the_typing(
    page, alice, east_asia, judgement
):
    log_in(page, "alice")
    page.goto(judgement.get_absolute_url())
    add = fill_indicator(page, "Convoy seen heading north")
    east_asia.members.remove(alice)  # while the page is open, she leaves the team
    add.get_by_role("button", name="Log indicator").click()
    alert = page.locator("#request-error")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("This judgement belongs to the East Asia team")
    expect(alert).to_contain_text("What you typed is still in the form.")
    expect(alert).to_be_focused()
    expect(page.locator("#log-indicator #request-error + form")).to_be_visible()  # beside it
    expect(add.get_by_label("Summary")).to_have_value("Convoy seen heading north")
    assert not Indicator.objects.exists()


def test_no_answer_at_all_says_so_and_the_next_success_clears_it(page, alice, judgement):
    log_in(page, "alice")
    page.goto(judgement.get_absolute_url())
    add = fill_indicator(page, "Convoy seen heading north")
    page.route(re.compile(r".*/indicators/$"), lambda route: route.abort("connectionrefused"))
    add.get_by_role("button", name="Log indicator").click()
    alert = page.locator("#request-error")
    expect(alert).to_contain_text("Yardstick could not be reached")
    expect(add.get_by_label("Summary")).to_have_value("Convoy seen heading north")

    page.unroute(re.compile(r".*/indicators/$"))
    add.get_by_role("button", name="Log indicator").click()
    expect(page.locator(".indicator-log")).to_contain_text("Convoy seen heading north")
    expect(alert).to_be_hidden()
    # The swap took the form away but not the message box: the next failure still shows.
    page.route(re.compile(r".*/indicators/$"), lambda route: route.abort("connectionrefused"))
    fill_indicator(page, "A second convoy").get_by_role("button", name="Log indicator").click()
    expect(alert).to_contain_text("Yardstick could not be reached")


def test_a_server_error_on_an_htmx_request_is_shown_not_swallowed(page, alice, judgement):
    log_in(page, "alice")
    page.goto(judgement.get_absolute_url())
    add = fill_indicator(page, "Convoy seen heading north")
    page.route(
        re.compile(r".*/indicators/$"),
        lambda route: route.fulfill(status=503, body="", content_type="text/html"),
    )
    add.get_by_role("button", name="Log indicator").click()
    expect(page.locator("#request-error")).to_contain_text("Yardstick is busy just now")
    expect(add.get_by_label("Summary")).to_have_value("Convoy seen heading north")


def test_the_404_page_is_styled_and_leads_back(page, alice, settings):
    settings.DEBUG = False
    log_in(page, "alice")
    response = page.goto("/judgements/KJ-1999-0404/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    page.get_by_role("link", name="Back to the judgements").click()
    expect(page).to_have_url(re.compile(r"/judgements/$"))


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_pages_of_failure_pass_axe_at_both_sizes(
    sized, size, alice, lena, east_asia, judgement, settings
):
    """The error pages, a refused request's message in the judgement page, and an edit
    refused over a newer version: 0 axe violations, at 1366 and 390 px."""
    settings.DEBUG = False
    page = sized(size)
    log_in(page, "alice")
    page.goto("/judgements/KJ-1999-0404/")
    assert_accessible(page, "the 404 page")
    page.goto("/dashboard/")
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    assert_accessible(page, "the 403 page")

    page.goto(judgement.get_absolute_url())
    add = fill_indicator(page, "Convoy seen heading north")
    east_asia.members.remove(alice)
    add.get_by_role("button", name="Log indicator").click()
    expect(page.locator("#request-error")).to_be_visible()
    assert_accessible(page, "the judgement page with a refused request's message")
    east_asia.members.add(alice)

    page.goto(judgement.get_absolute_url() + "edit/")
    page.get_by_label("Statement").fill("Alice's sharper statement")
    workflows.edit_judgement(judgement, by=lena, resolution_criteria="Lena's criteria")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("changed by someone else since you opened it")).to_be_visible()
    expect(page.get_by_label("Resolution criteria")).to_have_value("Lena's criteria")
    expect(page.get_by_label("Statement")).to_have_value("Alice's sharper statement")
    assert_accessible(page, "an edit refused over a newer version")
