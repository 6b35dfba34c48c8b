import datetime as dt
from decimal import Decimal

import pytest

from judgements import workflows
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_maya_opens_a_track_record_sees_the_chart_and_switches_scale(page, maya, alice, east_asia):
    for n, (p, outcome) in enumerate([("0.7", "occurred"), ("0.2", "did_not_occur")]):
        judgement = workflows.create_judgement(
            by=alice,
            statement=f"S{n}",
            team=east_asia,
            owner=alice,
            probability=Decimal(p),
            window_start=dt.date(2025, 1, 1),
            window_end=dt.date(2025, 6, 30),
            reference=f"KJ-2025-{n:04d}",
        )
        occurred_on = dt.date(2025, 2, 1) if outcome == "occurred" else None
        workflows.resolve(judgement, by=alice, outcome=outcome, occurred_on=occurred_on)
    log_in(page, "maya")
    page.goto("/track-record/alice/")
    assert page.get_by_role(
        "img", name="Calibration: forecast against how often it happened"
    ).is_visible()
    assert page.locator("svg.calibration-chart circle.point").count() == 2
    page.get_by_text("Calibration as a table").click()
    assert page.get_by_role("row", name="70%–80% 1 70% 100%").is_visible()
    page.get_by_label("Scale").select_option("icd203")
    page.get_by_role("button", name="Show").click()
    assert "scale=icd203" in page.url
    assert page.get_by_text("When Alice says unlikely, it happened 0% of the time").is_visible()
