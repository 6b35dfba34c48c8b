"""Nothing is lost to concurrent writes: real parallel requests against a live server on
PostgreSQL, each pair many times over, then ``check_integrity`` must find no drift.

The pairs are the ones that used to lose data (issue 11): edit × resolve, edit × revise,
edit × indicator add, resolve × resolve, indicator add × retract, create × create. Each
request runs in its own server thread with its own database connection; a barrier starts
the two sides of a round together. Every answer must be the success or the refusal the
design promises (302 done, 409 "changed by someone else", the resolve form's "someone else
resolved it"), never a 500, and the stored state must hold both sides' effects.

SQLite serialises writers and keeps the test database in memory, so this runs on
PostgreSQL only (``DATABASE_URL``; CI sets it).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from judgements.access import Role
from judgements.models import ChangeAction, Direction, Indicator, Judgement, Resolution
from tests.factories import make_judgement, make_user
from tests.live_client import Answer, LiveClient

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 15


@pytest.fixture(autouse=True)
def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (row locks and parallel connections): set DATABASE_URL (CI does)"
        )


@pytest.fixture
def lars(east_asia):
    """A second lead of East Asia, to resolve against lena."""
    return make_user("lars", Role.LEAD, teams=[east_asia], leads=[east_asia])


@pytest.fixture
def as_user(live_server):
    def make(user) -> LiveClient:
        return LiveClient(live_server.url, user)

    return make


def together(*calls: Callable[[], Answer]) -> list[Answer]:
    """Run the calls in parallel threads released by one barrier; their answers in order."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], Answer]) -> Answer:
        barrier.wait()
        try:
            return call()
        finally:
            connections.close_all()  # this thread's own, if the call read the database

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def assert_no_drift() -> None:
    out = StringIO()
    call_command("check_integrity", stdout=out)  # raises CommandError on any drift
    assert "No drift" in out.getvalue()


def url(judgement: Judgement, tail: str = "") -> str:
    return f"/judgements/{judgement.reference}/{tail}"


def edit_form(client: LiveClient, judgement: Judgement, **changes) -> dict:
    """The edit form as the user got it (with its version), with ``changes`` typed in."""
    page = client.get(url(judgement, "edit/"))
    assert page.status == 200, page.text[:500]
    judgement = Judgement.objects.get(pk=judgement.pk)  # as the page showed it, or later
    return {
        "version": page.hidden("version"),
        "statement": judgement.statement,
        "resolution_criteria": judgement.resolution_criteria,
        "assessment": "",
        "owner": judgement.owner_id,
        "window_start": judgement.window_start.isoformat(),
        "window_end": judgement.window_end.isoformat(),
        **changes,
    }


def indicator_form(summary: str, direction: str = Direction.SUPPORTS) -> dict:
    return {
        "indicator-observed_on": timezone.localdate().isoformat(),
        "indicator-direction": direction,
        "indicator-strength": "moderate",
        "indicator-summary": summary,
        "indicator-reliability": "F",
        "indicator-credibility": "6",
    }


def resolve_form(seen: str = "open") -> dict:
    return {"resolve-seen": seen, "resolve-outcome": "annulled", "resolve-note": "broke"}


def test_edit_and_resolve_at_once_keep_the_resolution(as_user, alice, lena, east_asia):
    owner, lead = as_user(alice), as_user(lena)
    outcomes = Counter()
    for n in range(ROUNDS):
        judgement = make_judgement(alice, east_asia, days_ago=30)
        form = edit_form(owner, judgement, statement=f"Edited statement {n}.")
        edit, resolve = together(
            lambda judgement=judgement, form=form: owner.post(url(judgement, "edit/"), form),
            lambda judgement=judgement: lead.post(url(judgement, "resolve/"), resolve_form()),
        )
        assert resolve.status == 302, resolve.text[:500]
        assert edit.status in (302, 409), edit.text[:500]
        outcomes[edit.status] += 1
        judgement.refresh_from_db()
        resolution = Resolution.objects.get(judgement=judgement)
        assert judgement.resolution_id == resolution.pk  # not lost: it stays resolved
        assert judgement.next_alert_at is None
        if edit.status == 302:
            assert judgement.statement == f"Edited statement {n}."
        else:
            assert "changed by someone else since you opened it" in edit.text
            assert "Resolved" in edit.text  # what changed meanwhile
        assert_no_drift()
    print(f"edit x resolve: {dict(outcomes)}")


def test_edit_and_revise_at_once_keep_both(as_user, alice, lena, judgement):
    owner, lead = as_user(alice), as_user(lena)
    for n in range(ROUNDS):
        form = edit_form(lead, judgement, statement=f"Sharper statement {n}.")
        percent = 20 + n
        edit, revise = together(
            lambda form=form: lead.post(url(judgement, "edit/"), form),
            lambda percent=percent: owner.post(
                url(judgement, "estimate/"),
                {"percent": percent, "confidence": "moderate", "rationale": f"to {percent}%"},
            ),
        )
        assert (edit.status, revise.status) == (302, 302), (edit.text[:300], revise.text[:300])
        judgement.refresh_from_db()
        assert judgement.statement == f"Sharper statement {n}."
        latest = judgement.estimates.order_by("-made_at", "-pk").first()
        assert judgement.current_estimate_id == latest.pk
        assert judgement.current_estimate.probability * 100 == percent  # not the old one
        assert_no_drift()


def test_a_hundred_indicators_racing_forty_edits_all_count(as_user, alice, lena, judgement):
    loggers = [as_user(alice) for _ in range(5)]
    editors = [as_user(lena) for _ in range(4)]

    def add_twenty(client: LiveClient, k: int) -> list[int]:
        return [
            client.post(url(judgement, "indicators/"), indicator_form(f"seen {k}-{i}")).status
            for i in range(20)
        ]

    def edit_ten(client: LiveClient, k: int) -> list[int]:
        statuses = []
        for i in range(10):
            form = edit_form(client, judgement, statement=f"Edit {k}-{i}.")
            statuses.append(client.post(url(judgement, "edit/"), form).status)
        return statuses

    calls = [lambda c=c, k=k: add_twenty(c, k) for k, c in enumerate(loggers)]
    calls += [lambda c=c, k=k: edit_ten(c, k) for k, c in enumerate(editors)]
    results = together(*calls)
    added = [status for batch in results[:5] for status in batch]
    edits = [status for batch in results[5:] for status in batch]
    assert added == [302] * 100
    assert set(edits) <= {302, 409} and 302 in edits
    judgement.refresh_from_db()
    assert Indicator.objects.filter(judgement=judgement).count() == 100
    assert (judgement.indicators_for, judgement.indicators_against) == (100, 0)
    saved = judgement.changes.filter(action=ChangeAction.EDITED).count()
    assert saved == edits.count(302)
    assert judgement.version == 1 + saved
    assert_no_drift()
    print(f"edits: {Counter(edits)}")


def test_two_leads_resolving_at_once_make_one_resolution(as_user, alice, lena, lars, east_asia):
    first, second = as_user(lena), as_user(lars)
    for _ in range(ROUNDS):
        judgement = make_judgement(alice, east_asia, days_ago=30)
        answers = together(
            lambda j=judgement: first.post(url(j, "resolve/"), resolve_form()),
            lambda j=judgement: second.post(url(j, "resolve/"), resolve_form()),
        )
        assert sorted(a.status for a in answers) == [200, 302], [a.text[:300] for a in answers]
        refused = next(a for a in answers if a.status == 200)
        assert "Someone else resolved this judgement a moment ago" in refused.text
        assert Resolution.objects.filter(judgement=judgement).count() == 1
        judgement.refresh_from_db()
        assert judgement.resolution_id == Resolution.objects.get(judgement=judgement).pk
        assert_no_drift()


def test_adding_and_retracting_at_once_keep_the_balance_true(as_user, alice, lena, judgement):
    logger, lead = as_user(alice), as_user(lena)
    for n in range(ROUNDS):
        target = logger.post(
            url(judgement, "indicators/"), indicator_form(f"against {n}", Direction.UNDERMINES)
        )
        assert target.status == 302
        indicator = Indicator.objects.filter(judgement=judgement).order_by("-pk").first()
        add, retract = together(
            lambda n=n: logger.post(url(judgement, "indicators/"), indicator_form(f"for {n}")),
            lambda pk=indicator.pk: lead.post(
                url(judgement, f"indicators/{pk}/retract/"), {f"retract-{pk}-reason": "misread"}
            ),
        )
        assert (add.status, retract.status) == (302, 302)
        judgement.refresh_from_db()
        assert (judgement.indicators_for, judgement.indicators_against) == (n + 1, 0)
        assert_no_drift()


def test_creates_at_once_get_distinct_consecutive_references(as_user, alice, lena, east_asia):
    start = timezone.localdate() - dt.timedelta(days=3)
    clients = [as_user(alice) for _ in range(4)] + [as_user(lena) for _ in range(4)]

    def create_ten(client: LiveClient, k: int) -> list[int]:
        return [
            client.post(
                "/judgements/new/",
                {
                    "statement": f"Created {k}-{i}.",
                    "team": east_asia.pk,
                    "owner": client_owner[k],
                    "window_start": start.isoformat(),
                    "percent": "65",
                    "confidence": "moderate",
                },
            ).status
            for i in range(10)
        ]

    client_owner = [alice.pk] * 4 + [lena.pk] * 4
    results = together(*[lambda c=c, k=k: create_ten(c, k) for k, c in enumerate(clients)])
    assert [status for batch in results for status in batch] == [302] * 80
    references = sorted(Judgement.objects.values_list("reference", flat=True))
    assert references == [f"KJ-{start.year}-{n:04d}" for n in range(1, 81)]
    assert_no_drift()
