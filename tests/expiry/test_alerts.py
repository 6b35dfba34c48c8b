"""The expiry watch: policy, scan, exactly-once sending, catch-up, re-arm, cancel, digest."""

import datetime as dt
import smtplib
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from judgements import workflows
from judgements.access import Role
from judgements.expiry import policy, sending, tasks
from judgements.expiry import scan as scanning
from judgements.expiry.policy import offsets, plan
from judgements.models import Alert, AlertKind, Digest, Direction, Judgement, Outcome, Watch
from tests.factories import make_judgement, make_user

UTC = dt.UTC
NOW = dt.datetime(2026, 6, 10, 9, 0, tzinfo=UTC)  # a Wednesday
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def queued(monkeypatch) -> list[int]:
    """Alert ids handed to the broker; unit tests send them by calling send_alert directly."""
    ids: list[int] = []
    monkeypatch.setattr(tasks, "enqueue_alerts", ids.extend)
    monkeypatch.setattr(tasks, "enqueue_digests", lambda digest_ids: None)
    return ids


def at(days: int, hour: int = 9) -> dt.datetime:
    return NOW + dt.timedelta(days=days, hours=hour - 9)


def committed():
    """Run the on-commit hooks (the enqueueing) that the test's transaction would swallow."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def scan(*, now: dt.datetime) -> scanning.ScanResult:
    with committed():
        return scanning.scan(now=now, enqueue=tasks.enqueuers().alerts)


def scan_and_send(now: dt.datetime, queued: list[int]) -> list[str]:
    """One beat tick and the workers' share of it, run in this process."""
    queued.clear()
    scan(now=now)
    return [sending.send_alert(pk, now=now) for pk in list(queued)]


# --- Policy ---------------------------------------------------------------------------------


def test_thresholds_run_30_and_7_days_before_then_weekly_after_the_window():
    series = offsets()
    assert [next(series) for _ in range(6)] == [-30, -7, 0, 7, 14, 21]


def test_each_threshold_has_its_kind():
    kinds = [policy.kind_for(offset) for offset in (-30, -7, 0, 7, 14, 21)]
    assert kinds == ["warning", "warning", "due", "overdue", "escalation", "escalation"]


def test_thresholds_follow_the_settings(settings):
    settings.YARDSTICK_ALERT_DAYS_BEFORE = [14, 1]
    settings.YARDSTICK_OVERDUE_EVERY_DAYS = 3
    settings.YARDSTICK_ESCALATE_AFTER_DAYS = 9
    series = offsets()
    assert [next(series) for _ in range(5)] == [-14, -1, 3, 6, 9]
    assert policy.kind_for(6) == AlertKind.OVERDUE
    assert policy.kind_for(9) == AlertKind.ESCALATION


def test_plan_for_a_missed_run_sends_the_most_urgent_and_skips_the_older():
    window_end = TODAY + dt.timedelta(days=3)
    since = policy.due_at(window_end, -30)
    todo = plan(window_end, since=since, now=NOW)
    assert todo.send == -7
    assert todo.skip == [-30]
    assert todo.next_at == policy.due_at(window_end, 0)


def test_plan_with_nothing_due_just_names_the_next_moment():
    window_end = TODAY + dt.timedelta(days=60)
    todo = plan(window_end, since=policy.due_at(window_end, -30), now=NOW)
    assert (todo.send, todo.skip) == (None, [])
    assert todo.next_at == policy.due_at(window_end, -30)


def test_a_threshold_falls_due_at_midnight_of_its_day():
    window_end = TODAY + dt.timedelta(days=7)
    assert plan(window_end, since=policy.due_at(window_end, -7), now=NOW).send == -7
    just_before = dt.datetime.combine(TODAY, dt.time.min, tzinfo=UTC) - dt.timedelta(seconds=1)
    assert plan(window_end, since=policy.due_at(window_end, -7), now=just_before).send is None


# --- Scan -----------------------------------------------------------------------------------


def test_it_creates_the_30_day_warning_and_arms_the_next(alice, east_asia, queued):
    judgement = make_judgement(alice, east_asia, ends_in=30)
    result = scan(now=NOW)
    alert = Alert.objects.get()
    assert (alert.kind, alert.offset_days, alert.window_end) == (
        "warning",
        -30,
        TODAY + dt.timedelta(30),
    )
    assert queued == [alert.pk]
    assert (result.judgements, result.queued, result.skipped) == (1, 1, 0)
    judgement.refresh_from_db()
    assert judgement.next_alert_at == policy.due_at(judgement.window_end, -7)


def test_a_second_scan_creates_nothing(alice, east_asia, queued):
    make_judgement(alice, east_asia, ends_in=30)
    scan(now=NOW)
    queued.clear()
    scan(now=at(0, hour=10))
    assert Alert.objects.count() == 1
    assert queued == []


def test_the_scan_is_one_query_when_nothing_is_due(
    alice, east_asia, queued, django_assert_num_queries
):
    for ends_in in (45, 90, 200):
        make_judgement(alice, east_asia, ends_in=ends_in)
    with django_assert_num_queries(1):
        result = scan(now=NOW)
    assert result.judgements == 0


def test_the_scan_runs_the_same_queries_for_5_or_50_due_judgements(alice, east_asia, queued):
    counts = []
    for ends_in in (range(25, 30), range(-20, 30)):
        Judgement.objects.update(next_alert_at=None)
        for days in ends_in:
            make_judgement(alice, east_asia, ends_in=days)
        with CaptureQueriesContext(connection) as queries:
            result = scan(now=NOW)
        assert result.judgements == len(ends_in)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 8


def test_a_scan_that_read_stale_state_cannot_double_an_alert(alice, east_asia, queued):
    """The lost race between two scans: the unique constraint keeps the second row out."""
    judgement = make_judgement(alice, east_asia, ends_in=7)
    armed_at = Judgement.objects.get(pk=judgement.pk).next_alert_at
    scan(now=NOW)
    # The other scan read the judgement before this one moved its next_alert_at on.
    Judgement.objects.filter(pk=judgement.pk).update(next_alert_at=armed_at)
    queued.clear()
    scan(now=at(0, hour=10))
    assert Alert.objects.filter(offset_days=-7).count() == 1
    assert Alert.objects.count() == 2  # the -7 warning, and the skipped -30
    assert queued == []


def test_missed_runs_catch_up_with_the_most_urgent_alert_only(alice, east_asia, queued):
    make_judgement(alice, east_asia, ends_in=3)
    assert scan_and_send(NOW, queued) == ["sent"]
    rows = {a.offset_days: a for a in Alert.objects.all()}
    assert set(rows) == {-30, -7}
    assert rows[-30].skipped_at == NOW and rows[-30].sent_at is None
    assert rows[-7].sent_at == NOW
    assert len(mail.outbox) == 1
    assert "window ends in 3 days" in mail.outbox[0].subject


def test_a_long_overdue_judgement_catches_up_with_one_escalation(alice, lena, east_asia, queued):
    make_judgement(alice, east_asia, ends_in=-20)
    assert scan_and_send(NOW, queued) == ["sent"]
    states = {a.offset_days: a.state for a in Alert.objects.all()}
    assert states == {-30: "skipped", -7: "skipped", 0: "skipped", 7: "skipped", 14: "sent"}
    message = mail.outbox[0]
    assert message.to == ["alice@example.org"]
    assert message.cc == ["lena@example.org"]
    assert message.subject.startswith("Escalated: ")
    assert "window ended 20 days ago" in message.subject


def test_a_judgement_walks_through_every_threshold_once(alice, lena, east_asia, queued):
    judgement = make_judgement(alice, east_asia, ends_in=30)
    sent_on = []
    for day in range(0, 46):
        if scan_and_send(at(day, hour=3), queued) == ["sent"]:
            sent_on.append(day)
    assert sent_on == [0, 23, 30, 37, 44]
    kinds = list(Alert.objects.filter(sent_at__isnull=False).values_list("kind", flat=True))
    assert kinds == ["warning", "warning", "due", "overdue", "escalation"]
    assert len(mail.outbox) == 5
    assert judgement.alerts.filter(skipped_at__isnull=False).count() == 0


# --- Exactly once when sending ----------------------------------------------------------------


def test_it_skips_alert_another_worker_claimed(alice, east_asia, queued):
    make_judgement(alice, east_asia, ends_in=7)
    scan(now=NOW)
    (pk,) = queued
    # Another worker claimed it a moment ago and is sending.
    Alert.objects.filter(pk=pk).update(claimed_at=NOW)
    assert sending.send_alert(pk, now=at(0, hour=9) + dt.timedelta(seconds=5)) == "taken"
    assert mail.outbox == []


def test_a_duplicate_task_message_sends_nothing_more(alice, east_asia, queued):
    make_judgement(alice, east_asia, ends_in=7)
    scan(now=NOW)
    (pk,) = queued
    assert sending.send_alert(pk, now=NOW) == "sent"
    assert sending.send_alert(pk, now=at(0, hour=11)) == "taken"
    assert sending.send_alert(pk, now=at(2)) == "taken"
    assert len(mail.outbox) == 1


def test_a_stale_claim_of_a_dead_worker_is_requeued_and_sent_once(
    alice, east_asia, queued, settings
):
    settings.YARDSTICK_ALERT_CLAIM_TIMEOUT_SECONDS = 600
    make_judgement(alice, east_asia, ends_in=7)
    scan(now=NOW)
    (pk,) = queued
    # The worker claimed it and was killed before sending: a claim without sent_at.
    Alert.objects.filter(pk=pk).update(claimed_at=NOW, attempts=1)
    queued.clear()
    assert scanning.requeue_stale(now=NOW + dt.timedelta(minutes=5), enqueue=tasks.enqueuers()) == 0
    assert sending.send_alert(pk, now=NOW + dt.timedelta(minutes=5)) == "taken"
    later = NOW + dt.timedelta(minutes=11)
    assert scanning.requeue_stale(now=later, enqueue=tasks.enqueuers()) == 1
    assert queued == [pk]
    assert sending.send_alert(pk, now=later) == "sent"
    assert sending.send_alert(pk, now=later + dt.timedelta(minutes=30)) == "taken"
    assert len(mail.outbox) == 1
    assert Alert.objects.get(pk=pk).attempts == 2


def test_an_alert_whose_message_was_lost_is_requeued(alice, east_asia, queued):
    make_judgement(alice, east_asia, ends_in=7)
    scan(now=NOW)
    (pk,) = queued
    queued.clear()  # Redis restarted without persistence: the task message is gone.
    assert scanning.requeue_stale(now=NOW + dt.timedelta(minutes=1), enqueue=tasks.enqueuers()) == 0
    assert (
        scanning.requeue_stale(now=NOW + dt.timedelta(minutes=20), enqueue=tasks.enqueuers()) == 1
    )
    assert queued == [pk]


def test_a_failed_send_records_its_error_and_does_not_block_others(
    alice, bob, east_asia, cyber, queued, monkeypatch
):
    make_judgement(alice, east_asia, ends_in=7)
    make_judgement(bob, cyber, ends_in=7)
    real_send = mail.EmailMultiAlternatives.send

    def refuse_alice(message, *args, **kwargs):
        if "alice@example.org" in message.to:
            raise smtplib.SMTPRecipientsRefused({"alice@example.org": (550, b"mailbox full")})
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", refuse_alice)
    scan(now=NOW)
    outcomes = {}
    for pk in queued:
        try:
            outcomes[pk] = sending.send_alert(pk, now=NOW)
        except sending.SendFailed:
            outcomes[pk] = "failed"
    assert sorted(outcomes.values()) == ["failed", "sent"]
    failed = Alert.objects.get(judgement__owner=alice, offset_days=-7)
    assert failed.state == "failed, retrying"
    assert "mailbox full" in failed.error
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", real_send)
    assert sending.send_alert(failed.pk, now=at(0, hour=10)) == "sent"
    failed.refresh_from_db()
    assert (failed.error, failed.attempts, failed.state) == ("", 2, "sent")


def test_retries_back_off_exponentially_up_to_an_hour():
    assert [tasks.backoff(n) for n in range(8)] == [60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_an_alert_that_kept_failing_is_no_longer_requeued(alice, east_asia, queued, settings):
    make_judgement(alice, east_asia, ends_in=7)
    scan(now=NOW)
    (pk,) = queued
    Alert.objects.filter(pk=pk).update(
        claimed_at=NOW, attempts=settings.YARDSTICK_ALERT_MAX_ATTEMPTS, error="SMTP down"
    )
    queued.clear()
    assert scanning.requeue_stale(now=at(1), enqueue=tasks.enqueuers()) == 0


# --- Re-arm and cancel ----------------------------------------------------------------------


def test_moving_the_window_end_rearms_the_alerts(alice, east_asia, queued):
    judgement = make_judgement(alice, east_asia, ends_in=30)
    scan(now=NOW)
    old = Alert.objects.get()
    new_end = TODAY + dt.timedelta(days=5)
    workflows.edit_judgement(judgement, by=alice, window_end=new_end)
    old.refresh_from_db()
    assert old.state == "cancelled"
    assert sending.send_alert(old.pk, now=NOW) == "taken"
    assert scan_and_send(at(0, hour=10), queued) == ["sent"]
    sent = Alert.objects.get(sent_at__isnull=False)
    assert (sent.window_end, sent.offset_days) == (new_end, -7)
    assert "window ends in 5 days" in mail.outbox[0].subject


def test_an_alert_claimed_after_the_window_moved_is_cancelled(alice, east_asia, queued):
    judgement = make_judgement(alice, east_asia, ends_in=7)
    scan(now=NOW)
    (pk,) = queued
    Judgement.objects.filter(pk=judgement.pk).update(window_end=TODAY + dt.timedelta(days=90))
    assert sending.send_alert(pk, now=NOW) == "cancelled"
    assert mail.outbox == []


def test_resolving_cancels_pending_alerts(alice, east_asia, queued):
    judgement = make_judgement(alice, east_asia, ends_in=7)
    scan(now=NOW)
    (pk,) = queued
    workflows.resolve(judgement, by=alice, outcome=Outcome.ANNULLED, note="Question broke.")
    assert Alert.objects.get(pk=pk).state == "cancelled"
    assert sending.send_alert(pk, now=NOW) == "taken"
    assert scan_and_send(at(30), queued) == []
    assert mail.outbox == []


def test_an_older_pending_alert_is_skipped_when_a_later_one_exists(alice, east_asia, queued):
    make_judgement(alice, east_asia, ends_in=7)
    scan(now=NOW)
    (older,) = queued  # its message sat in a queue for a week
    assert scan_and_send(at(7, hour=1), queued) == ["sent"]
    assert sending.send_alert(older, now=at(7, hour=2)) == "skipped"
    assert len(mail.outbox) == 1
    assert "window ends today" in mail.outbox[0].subject


# --- Recipients and the email ---------------------------------------------------------------


def test_owner_and_unmuted_watchers_get_it_and_leads_only_on_escalation(
    alice, lena, east_asia, queued
):
    carol = make_user("carol", Role.ANALYST, teams=[east_asia])
    dave = make_user("dave", Role.ANALYST, teams=[east_asia])
    judgement = make_judgement(alice, east_asia, ends_in=7, watchers=[carol, dave])
    Watch.objects.filter(judgement=judgement, user=dave).update(muted=True)
    scan_and_send(NOW, queued)
    message = mail.outbox[0]
    assert (message.to, message.cc) == (["alice@example.org"], ["carol@example.org"])
    assert Alert.objects.get(sent_at__isnull=False).recipients == (
        "alice@example.org, carol@example.org"
    )


def test_a_watcher_who_left_the_team_no_longer_gets_alerts(alice, bob, east_asia, queued):
    judgement = make_judgement(alice, east_asia, ends_in=7)
    workflows.set_watchers(judgement, by=alice, users=[bob])  # bob is in Cyber, not East Asia
    scan_and_send(NOW, queued)
    assert (mail.outbox[0].to, mail.outbox[0].cc) == (["alice@example.org"], [])


def test_the_email_names_reference_term_and_time_left_and_links_back(alice, east_asia, queued):
    judgement = make_judgement(alice, east_asia, ends_in=7)
    workflows.log_indicator(
        judgement,
        by=alice,
        observed_on=TODAY,
        summary="Tanker seen at Nampo.",
        direction=Direction.SUPPORTS,
    )
    workflows.log_indicator(
        judgement,
        by=alice,
        observed_on=TODAY,
        summary="Sanctions enforcement tightened.",
        direction=Direction.UNDERMINES,
    )
    scan_and_send(NOW, queued)
    message = mail.outbox[0]
    ref = judgement.reference
    assert message.subject == f"{ref} · highly likely (85%) · window ends in 7 days"
    page = f"http://testserver/judgements/{ref}/"
    for body in (message.body, message.alternatives[0].content):
        assert judgement.statement in body
        assert "85%" in body
        assert f"{page}#resolve" in body
        assert f"{page}#log-indicator" in body
        assert f"{page}#revise" in body
        assert "Tanker seen at Nampo." in body
        assert "Sanctions enforcement tightened." in body
    assert "News since the estimate: ▲ 1 for, ▼ 1 against" in message.body
    assert message.alternatives[0].mimetype == "text/html"
    assert message.extra_headers["Message-ID"].startswith("<alert-")


def test_indicators_before_the_last_estimate_are_left_out(alice, east_asia, queued, frozen):
    judgement = make_judgement(alice, east_asia, ends_in=7)
    workflows.log_indicator(
        judgement, by=alice, observed_on=TODAY, summary="Old news.", direction=Direction.SUPPORTS
    )
    frozen.shift(60)
    workflows.revise_estimate(
        judgement, by=alice, probability=Decimal("0.6"), confidence="low", rationale="Less sure."
    )
    scan_and_send(timezone.now(), queued)
    message = mail.outbox[0]
    assert "Old news." not in message.body
    assert "likely (60%)" in message.subject


def test_an_alert_with_nobody_to_send_to_is_skipped_with_a_reason(alice, east_asia, queued):
    alice.email = ""
    alice.save()
    make_judgement(alice, east_asia, ends_in=7)
    assert scan_and_send(NOW, queued) == ["skipped"]
    assert (
        "Nobody to send it to" in Alert.objects.get(skipped_at__isnull=False, offset_days=-7).error
    )


# --- Leadership digest ----------------------------------------------------------------------


def test_the_weekly_digest_goes_to_leadership_exactly_once(alice, maya, east_asia, queued):
    make_judgement(alice, east_asia, ends_in=10)
    make_judgement(alice, east_asia, ends_in=-4)
    make_judgement(alice, east_asia, ends_in=120)
    digest = scanning.queue_digest(now=NOW, enqueue=tasks.enqueuers().digests)
    assert digest is not None and digest.week_start == dt.date(2026, 6, 8)
    assert scanning.queue_digest(now=at(1), enqueue=tasks.enqueuers().digests) is None
    assert sending.send_digest(digest.pk, now=NOW) == "sent"
    assert sending.send_digest(digest.pk, now=at(0, hour=10)) == "taken"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["maya@example.org"]
    assert "1 expiring in 30 days, 1 overdue" in message.subject
    assert "10 days left" in message.body and "4 days ago" in message.body


def test_the_digest_waits_for_its_weekday_and_hour(maya, queued, settings):
    settings.YARDSTICK_DIGEST_WEEKDAY = 3  # Thursday
    assert scanning.queue_digest(now=NOW, enqueue=tasks.enqueuers().digests) is None
    assert scanning.queue_digest(now=at(1, hour=6), enqueue=tasks.enqueuers().digests) is None
    assert scanning.queue_digest(now=at(1, hour=7), enqueue=tasks.enqueuers().digests) is not None
    assert (
        scanning.queue_digest(now=at(8), enqueue=tasks.enqueuers().digests) is not None
    )  # next Thursday
    assert Digest.objects.count() == 2


# --- Command and task -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)  # real commits: the hand-over runs as it does live
def test_scan_alerts_command_queues_due_alerts(alice, east_asia, queued, capsys):
    make_judgement(alice, east_asia, ends_in=7)
    call_command("scan_alerts")
    assert len(queued) == 1
    assert "1 alert(s) committed as pending, 1 handed to the workers" in capsys.readouterr().out
    assert mail.outbox == []


def test_scan_alerts_send_sends_in_process_for_deployments_without_workers(
    alice, maya, east_asia, queued, capsys
):
    make_judgement(alice, east_asia, ends_in=7)
    call_command("scan_alerts", "--send")
    call_command("scan_alerts", "--send")
    assert queued == []

    def is_notice(message) -> bool:
        return "notice-" in message.extra_headers.get("Message-ID", "")

    expiry = [m for m in mail.outbox if not is_notice(m)]
    assert sorted(m.to[0] for m in expiry) == ["alice@example.org", "maya@example.org"]
    # The outbox's notices go out in the same run: alice's estimate is 358 days old (one
    # nudge) and her week has something to say (one digest); maya's digest is leadership's.
    notices = sorted(
        m.subject.split(" · ")[1] if " · " in m.subject else m.subject[:19]
        for m in mail.outbox
        if is_notice(m)
    )
    assert notices == ["Your Yardstick week", "due for a look"]


def test_the_scan_task_wraps_the_scan(alice, east_asia, queued):
    make_judgement(alice, east_asia, ends_in=7)
    with committed():
        summary = tasks.scan_alerts()
    assert summary == {"judgements": 1, "queued": 1, "skipped": 1, "handed_over_late": 0}


def test_a_resolved_judgement_left_armed_is_disarmed_without_alerts(alice, east_asia, queued):
    judgement = make_judgement(alice, east_asia, ends_in=3)
    workflows.resolve(judgement, by=alice, outcome=Outcome.ANNULLED, note="Question broke.")
    Judgement.objects.filter(pk=judgement.pk).update(next_alert_at=NOW - dt.timedelta(days=1))
    assert scan(now=NOW).judgements == 1
    assert Alert.objects.count() == 0
    assert Judgement.objects.get(pk=judgement.pk).next_alert_at is None


def test_the_demo_shows_its_30_day_warnings_at_the_first_scan(db, queued):
    from judgements.demo.loader import load_demo

    load_demo(today=TODAY)
    assert sorted(scan_and_send(NOW, queued)) == ["sent", "sent", "sent"]
    assert {m.subject.rsplit(" · ", 1)[1] for m in mail.outbox} == {"window ends in 21 days"}
    assert all(m.to for m in mail.outbox)


def test_scan_alerts_hands_due_alerts_to_the_celery_tasks(alice, east_asia, monkeypatch):
    """The wiring without stand-ins: the command's enqueue reaches the send task's delay."""
    delayed: list[int] = []
    monkeypatch.setattr(tasks.send_alert, "delay", delayed.append)
    monkeypatch.setattr(tasks.send_digest, "delay", lambda pk: None)
    make_judgement(alice, east_asia, ends_in=7)
    with committed():
        call_command("scan_alerts")
    assert delayed == list(
        Alert.objects.filter(sent_at=None, skipped_at=None).values_list("pk", flat=True)
    )
    assert len(delayed) == 1


@pytest.mark.django_db(transaction=True)  # real commits: the hand-over runs as it does live
def test_scan_alerts_says_what_the_broker_did_not_take_and_hands_it_over_next_time(
    alice, east_asia, monkeypatch, capsys
):
    """The broker is down when the scan commits: the command says what it committed and what
    it could not hand over, exits non-zero, and the next run hands it over (no waiting for
    the claim timeout)."""
    make_judgement(alice, east_asia, ends_in=7)
    make_judgement(alice, east_asia, ends_in=6)

    def broker_down(pk):
        raise KombuOperationalError("Error 111 connecting to 127.0.0.1:6399. Connection refused.")

    monkeypatch.setattr(tasks.send_alert, "delay", broker_down)
    monkeypatch.setattr(tasks.send_digest, "delay", broker_down)
    with pytest.raises(CommandError, match="could not be handed to the broker"):
        call_command("scan_alerts")
    out = capsys.readouterr().out
    assert "2 alert(s) committed as pending, 0 handed to the workers" in out
    assert Alert.objects.filter(sent_at=None, skipped_at=None, enqueued_at=None).count() == 2

    assert Digest.objects.get().enqueued_at is None  # this week's digest, due since Monday

    delayed: list[int] = []
    monkeypatch.setattr(tasks.send_alert, "delay", delayed.append)
    monkeypatch.setattr(tasks.send_digest, "delay", delayed.append)
    with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
        call_command("scan_alerts")  # the broker is back: no error
    assert len(delayed) == 3
    assert "3 left from earlier runs handed over" in capsys.readouterr().out
    assert Digest.objects.get().enqueued_at is not None
    assert not Alert.objects.filter(sent_at=None, skipped_at=None, enqueued_at=None).exists()
    # Handed over, they are not requeued again until the claim timeout passes.
    assert scanning.requeue_stale(now=NOW + dt.timedelta(minutes=6), enqueue=tasks.enqueuers()) == 0


def test_a_scan_hands_nothing_over_that_another_scan_just_committed(alice, east_asia, queued):
    make_judgement(alice, east_asia, ends_in=7)
    scanning.scan(now=NOW, enqueue=None)  # committed, not yet handed over
    assert (
        scanning.hand_over(now=NOW + dt.timedelta(seconds=5), enqueue=tasks.enqueuers()).alerts == 0
    )
    assert (
        scanning.hand_over(now=NOW + dt.timedelta(minutes=2), enqueue=tasks.enqueuers()).alerts == 1
    )
    assert len(queued) == 1
