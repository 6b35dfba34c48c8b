import re

import pytest
from playwright.sync_api import expect

from judgements.demo.loader import SAMPLE
from judgements.models import Assessment
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_alice_pastes_the_sample_edits_one_candidate_and_tracks_all_three(page, alice, east_asia):
    errors, htmx_posts = [], []

    def on_console(message):
        # The browser's own /favicon.ico request 404s on live_server; anything else counts.
        if message.type == "error" and "favicon" not in (message.location or {}).get("url", ""):
            errors.append(message.text)

    page.on("console", on_console)
    page.on(
        "request",
        lambda r: r.method == "POST" and r.headers.get("hx-request") and htmx_posts.append(r.url),
    )
    log_in(page, "alice")
    page.get_by_role("link", name="Import report").click()
    page.get_by_label("Publication date").fill("2026-01-05")
    page.get_by_label("Paste the report").fill(SAMPLE.read_text(encoding="utf-8"))
    page.get_by_role("button", name="Find key judgements").click()

    page.get_by_role("heading", name="3 candidates").wait_for()
    assert "/judgements/extract/" in page.url and htmx_posts  # swapped in place by htmx
    marks = page.locator("blockquote.source-sentence mark")
    assert marks.first.inner_text() == "highly likely"
    second = page.locator("article.candidate").nth(1)
    assert second.get_by_label("Term").input_value() == "likely"
    second.get_by_label("Number (%)").fill("70")
    second.get_by_label("Statement").fill("North Korean espionage against Japan will continue.")
    assert page.get_by_label("Accept").count() == 3
    # Picking a term fills in its midpoint, as in the workspace, so the two never disagree.
    third = page.locator("article.candidate").nth(2)
    third.get_by_label("Term").select_option("highly likely")
    expect(third.get_by_label("Number (%)")).to_have_value("85")
    expect(third.locator(".placement")).to_have_text("85% — highly likely (band 80–90%)")

    page.get_by_role("button", name="Create the assessment and accepted judgements").click()
    page.wait_for_url(re.compile(r"/assessments/\d+/$"))
    assert page.get_by_role("heading", name="North Korean clandestine activities against Japan")
    rows = page.locator("table tbody tr")
    assert rows.count() == 3
    assert "70%" in rows.nth(1).inner_text()
    assert "North Korean espionage against Japan will continue." in rows.nth(1).inner_text()
    assert "85%" in rows.nth(2).inner_text()
    assert page.get_by_role("status").inner_text().startswith("Created the assessment and 3")

    assert errors == []  # no CSP violation, no script error
    assessment = Assessment.objects.get()
    assert assessment.judgements.count() == 3
    assert sorted(j.indicators.count() for j in assessment.judgements.all()) == [2, 3, 3]
