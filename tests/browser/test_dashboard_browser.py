import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from judgements import workflows
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_leadership_filters_by_team_and_follows_a_figure(page, maya, alice, bob, east_asia, cyber):
    today = timezone.localdate()
    for owner, team, text in ((alice, east_asia, "East Asia claim"), (bob, cyber, "Cyber claim")):
        start = today - dt.timedelta(days=350)
        workflows.create_judgement(
            by=owner,
            statement=text,
            team=team,
            owner=owner,
            probability=Decimal("0.8"),
            window_start=start,
            window_end=start + dt.timedelta(days=365),
        )
    log_in(page, "maya")
    page.goto("/dashboard/")
    expiring = page.locator(".stat", has_text="Expiring")
    assert expiring.locator(".stat-value").inner_text() == "2"

    page.get_by_label("Team").select_option("cyber")
    page.wait_for_url("**/dashboard/?team=cyber*")
    assert expiring.locator(".stat-value").inner_text() == "1"
    assert page.get_by_text("East Asia claim").count() == 0

    expiring.get_by_role("link").click()
    page.wait_for_url("**/judgements/?status=expiring&team=cyber")
    assert page.get_by_text("Cyber claim").first.is_visible()
    assert page.get_by_text("East Asia claim").count() == 0
