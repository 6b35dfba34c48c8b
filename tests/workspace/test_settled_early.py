"""Did not occur, settled before the window ends (issue 15), through the judgement page."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from judgements import rules, workflows
from judgements.expiry import scan
from judgements.models import Alert, Outcome, Status
from tests.factories import make_judgement

pytestmark = pytest.mark.django_db
NOW = dt.datetime.combine(timezone.localdate(), dt.time(12), tzinfo=dt.UTC)
TODAY = NOW.date()
HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _noon():
    with time_machine.travel(NOW, tick=True):
        yield


def post(**fields) -> dict:
    data = {"outcome": "did_not_occur", "note": "The treaty vote failed; it cannot pass now."}
    data.update(fields)
    return {f"resolve-{key}": value for key, value in data.items()}


def expiring(alice, east_asia):
    """Alice's judgement whose window ends in 10 days, revised 20 days ago and 2 days ago."""
    judgement = make_judgement(alice, east_asia, "The treaty will be ratified", "0.6", ends_in=10)
    for days, p in ((20, "0.4"), (2, "0.1")):
        workflows.revise_estimate(
            judgement,
            by=alice,
            probability=Decimal(p),
            confidence="moderate",
            rationale="Vote count",
            now=NOW - dt.timedelta(days=days),
        )
    return judgement


def test_the_owner_records_did_not_occur_early_with_the_day_it_was_settled(
    client, alice, east_asia
):
    judgement = expiring(alice, east_asia)
    scan.scan(now=NOW, enqueue=None)
    assert Alert.objects.filter(judgement=judgement, sent_at=None, cancelled_at=None).exists()
    settled = TODAY - dt.timedelta(days=5)
    client.force_login(alice)
    html = client.post(
        f"/judgements/{judgement.reference}/resolve/",
        post(**{"settled_on": settled.isoformat()}),
        headers=HTMX,
    ).content.decode()
    judgement.refresh_from_db()
    resolution = judgement.resolution
    assert judgement.status(TODAY) == Status.RESOLVED
    assert (resolution.outcome, resolution.settled_on, resolution.closed_on) == (
        Outcome.DID_NOT_OCCUR,
        settled,
        settled,
    )
    # The 0.1 made two days ago came after it was settled: it never counts.
    assert resolution.p_final == pytest.approx(0.4)
    assert resolution.brier == pytest.approx(0.16)
    assert resolution.horizon == 0 and resolution.horizon_label == "< 1 month"
    # Pending alerts are cancelled as for any resolution, and the watch stops.
    pending = Alert.objects.filter(judgement=judgement, sent_at=None, skipped_at=None)
    assert pending.exists() and not pending.filter(cancelled_at=None).exists()
    assert judgement.next_alert_at is None
    assert f"settled on {settled:%-d %b %Y}" in html
    change = judgement.changes.first()
    assert change.changes["resolution"]["after"] == f"Did not occur, settled on {settled}"


def test_without_a_settled_on_day_did_not_occur_still_waits_for_the_window(
    client, alice, east_asia
):
    judgement = expiring(alice, east_asia)
    client.force_login(alice)
    html = client.post(
        f"/judgements/{judgement.reference}/resolve/", post(), headers=HTMX
    ).content.decode()
    assert "once the window has ended, or with the day it was settled" in html
    judgement.refresh_from_db()
    assert judgement.resolution is None


def test_a_bad_settled_on_day_is_refused_with_the_rules_words(client, alice, east_asia):
    judgement = expiring(alice, east_asia)
    client.force_login(alice)
    for day, message in (
        (TODAY + dt.timedelta(days=1), rules.SETTLED_FUTURE_MESSAGE),
        (judgement.window_start - dt.timedelta(days=1), "must lie inside the window"),
        ("yesterday", "Enter a valid date."),
    ):
        response = client.post(
            f"/judgements/{judgement.reference}/resolve/",
            post(settled_on=str(day)),
            headers=HTMX,
        )
        assert response.status_code == 200
        assert message in response.content.decode().replace("&#x27;", "'")
    response = client.post(
        f"/judgements/{judgement.reference}/resolve/",
        post(settled_on=(TODAY - dt.timedelta(days=1)).isoformat(), note=""),
        headers=HTMX,
    )
    assert rules.SETTLED_NOTE_MESSAGE in response.content.decode()
    judgement.refresh_from_db()
    assert judgement.resolution is None


def test_a_lead_re_resolves_a_settled_judgement_and_it_is_scored_afresh(
    client, alice, lena, east_asia
):
    judgement = expiring(alice, east_asia)
    settled = TODAY - dt.timedelta(days=5)
    workflows.resolve(
        judgement, by=alice, outcome="did_not_occur", settled_on=settled, note="Vote failed"
    )
    client.force_login(alice)
    again = post(outcome="occurred", occurred_on=TODAY.isoformat(), note="It passed after all")
    assert client.post(f"/judgements/{judgement.reference}/resolve/", again).status_code == 403
    client.force_login(lena)
    client.post(f"/judgements/{judgement.reference}/resolve/", again)
    judgement.refresh_from_db()
    current = judgement.resolution
    assert (current.outcome, current.settled_on, current.p_final) == ("occurred", None, 0.1)
    earlier = judgement.resolutions.get(is_current=False)
    assert (earlier.settled_on, earlier.p_final) == (settled, 0.4)


def test_the_window_end_is_a_day_it_may_be_settled_on(alice, east_asia):
    judgement = make_judgement(alice, east_asia, "Ends today", "0.3", ends_in=0)
    resolution = workflows.resolve(
        judgement, by=alice, outcome="did_not_occur", settled_on=TODAY, note="Deadline passed"
    )
    # It closes at 00:00 of the last day, a day earlier than the window's 24:00.
    assert resolution.closed_on == TODAY
    assert workflows.estimate_close(judgement) == rules.estimate_close(
        judgement.window_end, settled_on=TODAY
    )
