"""The personal weekly digest: contents per role, nothing to say -> no email, once a week."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.test import TestCase
from django.utils import timezone

from judgements import workflows
from judgements.access import Role
from judgements.models import Direction, Notice, NoticeKind
from judgements.notices import scan, sending, tasks
from tests.factories import make_judgement, make_user

UTC = dt.UTC
NOW = dt.datetime(2026, 6, 10, 9, 0, tzinfo=UTC)  # a Wednesday; the digest fell due Monday 07:00
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def queued(monkeypatch) -> list[int]:
    ids: list[int] = []
    monkeypatch.setattr(tasks, "enqueue_notices", ids.extend)
    return ids


def queue_and_send(now: dt.datetime, queued: list[int]) -> dict[str, str]:
    """This week's digests, each sent; {username: outcome}."""
    queued.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        scan.queue_weekly(now=now, enqueue=tasks.enqueuer())
    outcomes = {}
    for pk in list(queued):
        username = Notice.objects.get(pk=pk).recipient.username
        outcomes[username] = sending.send_notice(pk, now=now)
    return outcomes


def digest_to(username: str):
    (message,) = [m for m in mail.outbox if m.to == [f"{username}@example.org"]]
    return message


@pytest.fixture
def week(alice, lena, east_asia, frozen):
    """Alice's judgements: one due for a look, one closing, one awaiting resolution, one with a
    signpost seen this week; and one quiet one of lena's."""
    stale = make_judgement(alice, east_asia, "Stale claim.", days_ago=120)
    closing = make_judgement(alice, east_asia, "Closing claim.", ends_in=10, length=40)
    awaiting = make_judgement(alice, east_asia, "Awaiting claim.", ends_in=-5, length=40)
    watched = make_judgement(alice, east_asia, "Signposted claim.", days_ago=20)
    signpost = workflows.add_signpost(
        watched, by=alice, text="Convoy crosses the border", direction=Direction.UNDERMINES
    )
    frozen.move_to(NOW - dt.timedelta(days=1))
    workflows.log_indicator(
        watched,
        by=alice,
        observed_on=TODAY - dt.timedelta(days=1),
        summary="Convoy seen at the crossing.",
        direction=Direction.UNDERMINES,
        signpost=signpost,
    )
    frozen.move_to(NOW)
    quiet = workflows.create_judgement(
        by=lena,
        statement="Lena's fresh claim.",
        team=east_asia,
        owner=lena,
        probability=Decimal("0.3"),
    )
    return {
        "stale": stale,
        "closing": closing,
        "awaiting": awaiting,
        "watched": watched,
        "quiet": quiet,
    }


def test_an_analyst_reads_their_own_week(week, alice, lena, maya, bob, queued):
    outcomes = queue_and_send(NOW, queued)
    assert outcomes["alice"] == "sent"
    message = digest_to("alice")
    assert message.subject == (
        "Your Yardstick week: 2 due for a look, 1 signpost, 1 closing, 1 awaiting resolution"
    )
    body = message.body
    stale = week["stale"]
    assert f"- {stale.reference}" in body and "120 days since the last estimate" in body
    assert "why: signpost seen (undermines it): Convoy crosses the border" in body  # due, and why
    assert "seen: Convoy crosses the border" in body  # and among the week's signposts
    assert f"{week['closing'].reference}  ends" in body and "(in 10 days)" in body
    assert f"{week['awaiting'].reference}  ended" in body and "(5 days ago)" in body
    assert "Lena's fresh claim." not in body
    assert "http://testserver/judgements/?look=due" in body
    assert message.alternatives[0].mimetype == "text/html"


def test_a_lead_reads_the_week_of_the_teams_they_lead(week, alice, lena, queued):
    queue_and_send(NOW, queued)
    body = digest_to("lena").body
    assert week["stale"].reference in body
    assert week["closing"].reference in body


def test_leadership_and_admins_get_no_personal_digest(week, maya, queued):
    make_user("root", Role.ADMIN)
    both = make_user("boss", Role.LEADERSHIP)
    both.groups.add(*make_user("x", Role.ANALYST).groups.all())  # an analyst promoted
    outcomes = queue_and_send(NOW, queued)
    assert set(outcomes) == {"alice", "lena", "x"}


def test_nothing_to_say_sends_nothing(bob, queued):
    assert queue_and_send(NOW, queued) == {"bob": "skipped"}
    assert mail.outbox == []
    assert Notice.objects.get().error == "Nothing to say this week."


def test_it_goes_once_a_week(week, alice, lena, queued, frozen):
    assert queue_and_send(NOW, queued) == {"alice": "sent", "lena": "sent"}
    assert queue_and_send(NOW + dt.timedelta(hours=5), queued) == {}
    for pk in Notice.objects.filter(kind=NoticeKind.WEEKLY).values_list("pk", flat=True):
        assert sending.send_notice(pk, now=NOW + dt.timedelta(hours=6)) == "taken"
    assert len(mail.outbox) == 2
    frozen.move_to(NOW + dt.timedelta(days=7))
    assert set(queue_and_send(timezone.now(), queued)) == {"alice", "lena"}
    assert Notice.objects.filter(kind=NoticeKind.WEEKLY).count() == 4


def test_a_missed_week_sends_one_digest_not_two(week, alice, queued, frozen):
    with TestCase.captureOnCommitCallbacks(execute=True):
        scan.queue_weekly(now=NOW, enqueue=tasks.enqueuer())
    stuck = list(queued)  # the workers were down all week: these never went
    frozen.move_to(NOW + dt.timedelta(days=7))
    queue_and_send(timezone.now(), queued)
    late = [sending.send_notice(pk, now=timezone.now()) for pk in stuck]
    assert set(late) == {"skipped"}
    assert len([m for m in mail.outbox if m.to == ["alice@example.org"]]) == 1


def test_the_digest_waits_for_its_weekday_and_hour(alice, settings, queued):
    settings.YARDSTICK_DIGEST_WEEKDAY = 3  # Thursday
    assert scan.queue_weekly(now=NOW, enqueue=None) == 0
    thursday = NOW + dt.timedelta(days=1)
    assert scan.queue_weekly(now=thursday.replace(hour=6), enqueue=None) == 0
    assert scan.queue_weekly(now=thursday.replace(hour=7), enqueue=None) == 1
