"""Fresh estimates and signposts through the outbox: staleness reasons, reaffirmation,
episodes, lapses, catch-up without bursts, exactly-once sending and the weekly digest."""

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

from judgements import rules, workflows
from judgements.access import Role
from judgements.expiry import tasks as alert_tasks
from judgements.models import (
    ChangeAction,
    Direction,
    Judgement,
    Notice,
    NoticeKind,
    Outcome,
    Signpost,
    SignpostState,
    Watch,
)
from judgements.notices import outbox, scan, sending, tasks
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
    """Notice ids handed to the broker; the tests send them by calling send_notice."""
    ids: list[int] = []
    monkeypatch.setattr(tasks, "enqueue_notices", ids.extend)
    return ids


def committed():
    return TestCase.captureOnCommitCallbacks(execute=True)


def look(now: dt.datetime) -> scan.LookResult:
    with committed():
        return scan.scan_looks(now=now, enqueue=tasks.enqueuer())


def look_and_send(now: dt.datetime, queued: list[int]) -> list[str]:
    """One beat tick of the freshness scan and the workers' share of it."""
    queued.clear()
    look(now)
    return [sending.send_notice(pk, now=now) for pk in list(queued)]


def fresh(owner, team, **fields) -> Judgement:
    """A judgement whose estimate was made now, window of a year from 10 days ago."""
    return workflows.create_judgement(
        by=owner,
        statement="The port will reopen to tankers.",
        team=team,
        owner=owner,
        probability=Decimal("0.65"),
        window_start=TODAY - dt.timedelta(days=10),
        window_end=TODAY + dt.timedelta(days=355),
        **fields,
    )


def later(days: float) -> dt.datetime:
    return NOW + dt.timedelta(days=days)


def log(judgement, by, direction=Direction.UNDERMINES, **fields):
    return workflows.log_indicator(
        judgement,
        by=by,
        observed_on=timezone.localdate(),
        summary=fields.pop("summary", "Something happened."),
        direction=direction,
        **fields,
    )


def nudges() -> list:
    return [m for m in mail.outbox if "due for a look" in m.subject]


# --- Each reason -------------------------------------------------------------------------------


def test_an_estimate_is_due_for_a_look_90_days_after_it_was_made(alice, east_asia, frozen):
    judgement = fresh(alice, east_asia)
    assert judgement.look_due_at == NOW + dt.timedelta(days=90)
    frozen.move_to(later(89.9))
    assert not Judgement.objects.due_for_a_look(timezone.now()).exists()
    frozen.move_to(later(90))
    assert list(Judgement.objects.due_for_a_look(timezone.now())) == [judgement]
    judgement.refresh_from_db()
    (reason,) = rules.stale_reasons(
        made_at=judgement.current_estimate.made_at,
        now=timezone.now(),
        counts=(0, 0, 0),
        nth_indicator_at=None,
        signposts=[],
    )
    assert (reason.code, reason.text) == ("age", "90 days since the last estimate")


def test_the_stale_days_setting_moves_the_moment(alice, east_asia, settings):
    settings.YARDSTICK_STALE_DAYS = 30
    judgement = fresh(alice, east_asia)
    assert judgement.look_due_at == NOW + dt.timedelta(days=30)


def test_three_indicators_since_the_estimate_make_it_due_with_their_balance(
    alice, east_asia, frozen, queued
):
    judgement = fresh(alice, east_asia)
    frozen.move_to(later(1))
    log(judgement, alice, Direction.SUPPORTS)
    log(judgement, alice)
    assert not Judgement.objects.due_for_a_look(timezone.now()).exists()
    frozen.move_to(later(2))
    log(judgement, alice)
    assert list(Judgement.objects.due_for_a_look(timezone.now())) == [judgement]
    assert look_and_send(timezone.now(), queued) == ["sent"]
    (message,) = nudges()
    assert message.to == ["alice@example.org"]
    assert "3 indicators since the last estimate, 1 for, 2 against" in message.body
    assert f"http://testserver/judgements/{judgement.reference}/#look" in message.body
    assert f"http://testserver/judgements/{judgement.reference}/#revise" in message.body


def test_a_retracted_indicator_no_longer_counts(alice, east_asia, frozen):
    judgement = fresh(alice, east_asia)
    frozen.move_to(later(1))
    indicators = [log(judgement, alice) for _ in range(3)]
    assert Judgement.objects.due_for_a_look(timezone.now()).exists()
    workflows.retract_indicator(indicators[0], by=alice, reason="Wrong port.")
    assert not Judgement.objects.due_for_a_look(timezone.now()).exists()
    judgement.refresh_from_db()
    assert judgement.look_due_at == NOW + dt.timedelta(days=90)


def test_neutral_indicators_count_too(alice, east_asia, frozen):
    judgement = fresh(alice, east_asia)
    frozen.move_to(later(1))
    for _ in range(3):
        log(judgement, alice, Direction.NEUTRAL)
    judgement.refresh_from_db()
    assert judgement.indicators_neutral == 3
    assert judgement.is_due_for_a_look(timezone.now())


def test_a_signpost_seen_makes_it_due_and_tells_owner_and_watchers_once(
    alice, lena, east_asia, frozen, queued
):
    carol = make_user("carol", Role.ANALYST, teams=[east_asia])
    dave = make_user("dave", Role.ANALYST, teams=[east_asia])
    judgement = fresh(alice, east_asia, watchers=[carol, dave])
    Watch.objects.filter(judgement=judgement, user=dave).update(muted=True)
    signpost = workflows.add_signpost(
        judgement, by=alice, text="Tankers queue at the port", direction=Direction.SUPPORTS
    )
    frozen.move_to(later(5))
    indicator = log(
        judgement, carol, Direction.SUPPORTS, summary="Six tankers queued.", signpost=signpost
    )
    signpost.refresh_from_db()
    assert (signpost.state(), signpost.seen_on, signpost.seen_indicator) == (
        SignpostState.SEEN,
        timezone.localdate(),
        indicator,
    )
    assert Judgement.objects.due_for_a_look(timezone.now()).get() == judgement
    assert sorted(look_and_send(timezone.now(), queued)) == ["sent", "sent"]
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.org", "carol@example.org"]
    owner_copy = next(m for m in mail.outbox if m.to == ["alice@example.org"])
    assert owner_copy.subject == (
        f"{judgement.reference} · signpost seen: Tankers queue at the port"
    )
    assert "Six tankers queued." in owner_copy.body
    assert "Your estimate is now due for a look" in owner_copy.body
    # No nudge on top of it: the signpost email is the news.
    assert nudges() == []
    assert look_and_send(later(5.1), queued) == []
    assert len(mail.outbox) == 2
    assert ChangeAction.SIGNPOST_SEEN in judgement.changes.values_list("action", flat=True)


def test_a_signpost_lapses_the_day_after_it_was_expected_unseen(
    alice, lena, east_asia, frozen, queued
):
    judgement = fresh(alice, east_asia, watchers=[lena])
    signpost = workflows.add_signpost(
        judgement,
        by=alice,
        text="A second customs inspection",
        direction=Direction.UNDERMINES,
        expected_by=TODAY + dt.timedelta(days=20),
    )
    judgement.refresh_from_db()
    assert judgement.look_due_at == signpost.lapse_at()
    frozen.move_to(later(20))
    assert signpost.state(timezone.localdate()) == SignpostState.NOT_SEEN
    assert look_and_send(timezone.now(), queued) == []
    frozen.move_to(dt.datetime.combine(TODAY + dt.timedelta(days=21), dt.time(0, 5), tzinfo=UTC))
    assert sorted(look_and_send(timezone.now(), queued)) == ["sent", "sent"]
    signpost.refresh_from_db()
    assert (signpost.state(), signpost.lapsed_on) == (
        SignpostState.LAPSED,
        TODAY + dt.timedelta(days=21),
    )
    assert all("signpost lapsed: A second customs inspection" in m.subject for m in mail.outbox)
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.org", "lena@example.org"]
    reasons = rules.stale_reasons(
        made_at=judgement.current_estimate.made_at,
        now=timezone.now(),
        counts=(0, 0, 0),
        nth_indicator_at=None,
        signposts=[signpost],
    )
    assert [r.text for r in reasons] == [
        "signpost lapsed (undermines it): A second customs inspection"
    ]
    lapse = judgement.changes.get(action=ChangeAction.SIGNPOST_LAPSED)
    assert lapse.actor is None
    assert look_and_send(later(40), queued) == []
    assert len(mail.outbox) == 2


def test_a_withdrawn_signpost_neither_lapses_nor_counts(alice, east_asia, frozen, queued):
    judgement = fresh(alice, east_asia)
    signpost = workflows.add_signpost(
        judgement,
        by=alice,
        text="A ministerial visit",
        direction=Direction.SUPPORTS,
        expected_by=TODAY + dt.timedelta(days=5),
    )
    workflows.withdraw_signpost(signpost, by=alice, reason="The visit was cancelled for us.")
    judgement.refresh_from_db()
    assert judgement.look_due_at == NOW + dt.timedelta(days=90)
    assert look_and_send(later(10), queued) == []
    signpost.refresh_from_db()
    assert (signpost.state(), signpost.lapsed_on) == (SignpostState.WITHDRAWN, None)


def test_retracting_the_indicator_that_showed_a_signpost_unsees_it(alice, east_asia):
    judgement = fresh(alice, east_asia)
    signpost = workflows.add_signpost(judgement, by=alice, text="A", direction="supports")
    indicator = log(judgement, alice, Direction.SUPPORTS, signpost=signpost)
    workflows.retract_indicator(indicator, by=alice, reason="Misread imagery.")
    signpost.refresh_from_db()
    assert (signpost.state(), signpost.seen_indicator) == (SignpostState.NOT_SEEN, None)


# --- Reaffirm and episodes ---------------------------------------------------------------------


def test_reaffirming_adds_the_same_number_and_ends_the_episode(alice, east_asia, frozen, queued):
    judgement = fresh(alice, east_asia)
    frozen.move_to(later(91))
    assert look_and_send(timezone.now(), queued) == ["sent"]
    before = judgement.current_estimate
    estimate = workflows.reaffirm(judgement, by=alice, rationale="Nothing has moved.")
    judgement.refresh_from_db()
    assert (estimate.probability, estimate.confidence) == (before.probability, before.confidence)
    assert judgement.current_estimate == estimate
    assert judgement.estimates.count() == 2
    assert not judgement.is_due_for_a_look(timezone.now())
    assert judgement.look_due_at == timezone.now() + dt.timedelta(days=90)
    change = judgement.changes.first()
    assert (change.action, change.note) == (ChangeAction.ESTIMATE_REAFFIRMED, "Nothing has moved.")
    # A new episode: 90 days on it is nudged again, once.
    assert look_and_send(later(150), queued) == []
    assert look_and_send(later(181.5), queued) == ["sent"]
    assert look_and_send(later(182), queued) == []
    assert len(nudges()) == 2


def test_reaffirming_leaves_the_scores_as_they_were(alice, east_asia, frozen):
    scored = []
    for reaffirmed in (False, True):
        judgement = make_judgement(alice, east_asia, days_ago=200, length=190)
        if reaffirmed:
            frozen.move_to(later(-20))
            workflows.reaffirm(judgement, by=alice, rationale="Still right.")
            frozen.move_to(NOW)
        resolution = workflows.resolve(judgement, by=alice, outcome=Outcome.DID_NOT_OCCUR, note="")
        scored.append((resolution.brier, resolution.brier_time_averaged, resolution.log_loss))
    assert scored[0] == scored[1]


def test_reaffirming_needs_a_rationale_and_an_open_window(alice, east_asia):
    judgement = fresh(alice, east_asia)
    with pytest.raises(workflows.ValidationError):
        workflows.reaffirm(judgement, by=alice, rationale="  ")
    closed = make_judgement(alice, east_asia, ends_in=-2, length=100)
    with pytest.raises(workflows.ValidationError):
        workflows.reaffirm(closed, by=alice, rationale="Still right.")
    assert closed.estimates.count() == 1


def test_one_nudge_per_episode_and_reason(alice, east_asia, frozen, queued):
    judgement = fresh(alice, east_asia)
    frozen.move_to(later(91))
    assert look_and_send(timezone.now(), queued) == ["sent"]
    assert look_and_send(later(95), queued) == []
    # A new reason in the same episode is a new nudge; the old one is not repeated.
    frozen.move_to(later(96))
    for _ in range(3):
        log(judgement, alice)
    assert look_and_send(timezone.now(), queued) == ["sent"]
    assert look_and_send(later(97), queued) == []
    assert [("days since the last" in m.body, "3 indicators" in m.body) for m in nudges()] == [
        (True, False),
        (True, True),
    ]
    assert Judgement.objects.get(pk=judgement.pk).nudged == "age,indicators"


def test_a_revision_before_the_nudge_goes_cancels_it(alice, east_asia, frozen, queued):
    judgement = fresh(alice, east_asia)
    frozen.move_to(later(91))
    look(timezone.now())
    (pk,) = queued
    workflows.revise_estimate(
        judgement, by=alice, probability=Decimal("0.4"), confidence="low", rationale="Less sure."
    )
    assert sending.send_notice(pk, now=timezone.now()) == "cancelled"
    assert mail.outbox == []


def test_resolving_cancels_pending_notices_and_stops_the_watch(alice, east_asia, frozen, queued):
    judgement = fresh(alice, east_asia)
    frozen.move_to(later(91))
    look(timezone.now())
    (pk,) = queued
    workflows.resolve(judgement, by=alice, outcome=Outcome.ANNULLED, note="Question broke.")
    assert Notice.objects.get(pk=pk).state == "cancelled"
    assert sending.send_notice(pk, now=timezone.now()) == "taken"
    judgement.refresh_from_db()
    assert (judgement.look_due_at, judgement.next_look_at) == (None, None)


def test_a_closed_window_is_not_due_for_a_look(alice, east_asia, frozen, queued):
    make_judgement(alice, east_asia, ends_in=-3, length=200)
    assert not Judgement.objects.due_for_a_look(timezone.now()).exists()
    assert look_and_send(NOW, queued) == []


# --- Catch-up without bursts ------------------------------------------------------------------


def test_a_missed_week_catches_up_with_one_email(alice, east_asia, frozen, queued):
    judgement = fresh(alice, east_asia)
    frozen.move_to(later(85))
    for _ in range(3):
        log(judgement, alice)
    workflows.add_signpost(
        judgement, by=alice, text="A", direction="supports", expected_by=TODAY + dt.timedelta(88)
    )
    # Nobody scanned for a week: age, indicators and a lapsed signpost all came due.
    assert sorted(look_and_send(later(92), queued)) == ["sent", "sent"]
    (nudge,) = nudges()
    assert "90 days since the last estimate" not in nudge.body  # 92 by now
    assert "92 days since the last estimate" in nudge.body
    assert "3 indicators since the last estimate" in nudge.body
    assert len(mail.outbox) == 2  # the nudge and the signpost email, not one per day missed
    assert look_and_send(later(93), queued) == []


def test_an_imported_estimate_100_days_old_gets_one_nudge(alice, east_asia, tmp_path, queued):
    from judgements.interchange.importing import import_judgements

    start = TODAY - dt.timedelta(days=100)
    (tmp_path / "judgements.csv").write_text(
        "reference,statement,owner,team,window_start,probability\n"
        f"IMP-1,Imported claim,alice,east-asia,{start},0.7\n"
    )
    import_judgements(tmp_path)
    judgement = Judgement.objects.get(reference="IMP-1")
    assert judgement.is_due_for_a_look(NOW)
    assert look_and_send(NOW, queued) == ["sent"]
    assert look_and_send(later(1), queued) == []
    assert len(nudges()) == 1
    assert "100 days since the last estimate" in nudges()[0].body


# --- Exactly once -----------------------------------------------------------------------------


def test_a_scan_that_read_stale_state_cannot_double_a_nudge(alice, east_asia, frozen, queued):
    judgement = fresh(alice, east_asia)
    frozen.move_to(later(91))
    armed = Judgement.objects.get(pk=judgement.pk)
    look(timezone.now())
    # The other scan read the judgement before this one recorded its nudge.
    Judgement.objects.filter(pk=judgement.pk).update(
        next_look_at=armed.next_look_at, nudged=armed.nudged
    )
    queued.clear()
    look(later(91.01))
    assert Notice.objects.filter(kind=NoticeKind.NUDGE).count() == 1
    assert queued == []


def test_a_duplicate_task_message_sends_nothing_more(alice, east_asia, frozen, queued):
    fresh(alice, east_asia)
    frozen.move_to(later(91))
    look(timezone.now())
    (pk,) = queued
    assert sending.send_notice(pk, now=timezone.now()) == "sent"
    assert sending.send_notice(pk, now=later(91.1)) == "taken"
    assert len(mail.outbox) == 1
    assert Notice.objects.get(pk=pk).recipients == "alice@example.org"


def test_a_stale_claim_is_requeued_and_a_failed_send_retried(
    alice, east_asia, frozen, queued, monkeypatch
):
    fresh(alice, east_asia)
    frozen.move_to(later(91))
    look(timezone.now())
    (pk,) = queued
    queued.clear()
    real_send = mail.EmailMultiAlternatives.send

    def refuse(message, *args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({"alice@example.org": (450, b"try later")})

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", refuse)
    with pytest.raises(sending.SendFailed):
        sending.send_notice(pk, now=timezone.now())
    notice = Notice.objects.get(pk=pk)
    assert (notice.state, notice.attempts) == ("failed, retrying", 1)
    assert "try later" in notice.error
    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", real_send)
    # A worker claimed it again and died: the claim is honoured, then swept.
    Notice.objects.filter(pk=pk).update(claimed_at=timezone.now(), error="")
    assert outbox.requeue_stale(now=timezone.now(), enqueue=queued.extend) == 0
    assert sending.send_notice(pk, now=timezone.now()) == "taken"
    sweep = timezone.now() + dt.timedelta(minutes=11)
    assert outbox.requeue_stale(now=sweep, enqueue=queued.extend) == 1
    assert sending.send_notice(queued[0], now=sweep) == "sent"
    assert len(mail.outbox) == 1
    assert Notice.objects.get(pk=pk).attempts == 2


def test_the_scan_is_one_query_when_nothing_is_due(alice, east_asia, django_assert_num_queries):
    for _ in range(3):
        fresh(alice, east_asia)
    with django_assert_num_queries(1):
        assert scan.scan_looks(now=NOW, enqueue=None).judgements == 0


def test_the_scan_runs_the_same_queries_for_5_or_50_due_judgements(alice, lena, east_asia, frozen):
    counts = []
    for number in (5, 50):
        Judgement.objects.update(next_look_at=None)
        frozen.move_to(NOW)
        made = [fresh(alice, east_asia, watchers=[lena]) for _ in range(number)]
        for judgement in made:
            workflows.add_signpost(
                judgement,
                by=alice,
                text="Lapses",
                direction="supports",
                expected_by=TODAY + dt.timedelta(days=3),
            )
        with CaptureQueriesContext(connection) as queries:
            result = scan.scan_looks(now=later(91), enqueue=None)
        assert (result.judgements, result.nudges, result.lapsed) == (number, number, number)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 14


def test_the_scan_task_and_the_command_run_the_freshness_scan(alice, east_asia, frozen, queued):
    from django.core.management import call_command

    fresh(alice, east_asia)
    frozen.move_to(later(91))
    with committed():
        call_command("scan_alerts")
    assert len(queued) == 2  # the nudge, and alice's weekly digest (it is Wednesday)
    kinds = sorted(Notice.objects.values_list("kind", flat=True))
    assert kinds == [NoticeKind.NUDGE, NoticeKind.WEEKLY]
    with committed():
        assert tasks.scan_notices()["looked"] == 0


def test_signposts_keep_their_rules(alice, east_asia):
    judgement = fresh(alice, east_asia)
    with pytest.raises(workflows.ValidationError) as refused:
        workflows.add_signpost(
            judgement,
            by=alice,
            text="Too early",
            direction="supports",
            expected_by=TODAY - dt.timedelta(days=1),
        )
    assert "expected_by" in refused.value.error_dict
    with pytest.raises(workflows.ValidationError):
        workflows.add_signpost(judgement, by=alice, text="Neutral?", direction="neutral")
    with pytest.raises(workflows.ValidationError):
        workflows.add_signpost(
            judgement,
            by=alice,
            text="After the window",
            direction="supports",
            expected_by=judgement.window_end + dt.timedelta(days=1),
        )
    assert not Signpost.objects.exists()
    signpost = workflows.add_signpost(judgement, by=alice, text="Fine", direction="supports")
    workflows.edit_signpost(
        signpost, by=alice, text="Fine, sharper", direction="undermines", expected_by=None
    )
    edited = judgement.changes.filter(action=ChangeAction.SIGNPOST_EDITED).get()
    assert edited.changes[f"signpost {signpost.pk} text"] == {
        "before": "Fine",
        "after": "Fine, sharper",
    }
    log(judgement, alice, signpost=signpost)
    signpost.refresh_from_db()
    with pytest.raises(workflows.ValidationError):
        workflows.edit_signpost(
            signpost, by=alice, text="Rewrite", direction="supports", expected_by=None
        )
    with pytest.raises(workflows.ValidationError):
        workflows.withdraw_signpost(signpost, by=alice, reason=" ")
    workflows.withdraw_signpost(signpost, by=alice, reason="Superseded.")
    with pytest.raises(workflows.ValidationError):
        workflows.withdraw_signpost(signpost, by=alice, reason="Again.")


def test_a_resolved_judgement_keeps_its_signposts_as_they_were(alice, east_asia, queued):
    judgement = fresh(alice, east_asia)
    signpost = workflows.add_signpost(
        judgement, by=alice, text="A", direction="supports", expected_by=TODAY + dt.timedelta(3)
    )
    workflows.resolve(judgement, by=alice, outcome=Outcome.ANNULLED, note="Question broke.")
    judgement.refresh_from_db()
    with pytest.raises(workflows.ValidationError):
        log(judgement, alice, Direction.SUPPORTS, signpost=signpost)
    with pytest.raises(workflows.ValidationError):
        workflows.add_signpost(judgement, by=alice, text="B", direction="supports")
    # Its signposts' days pass without news: nothing lapses, nobody is emailed.
    Judgement.objects.filter(pk=judgement.pk).update(next_look_at=NOW)
    assert look_and_send(later(10), queued) == []
    signpost.refresh_from_db()
    assert signpost.lapsed_on is None


# --- The broker ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)  # real commits: the hand-over runs as it does live
def test_a_nudge_written_while_the_broker_was_down_is_handed_over_at_the_next_scan(
    alice, east_asia, frozen, monkeypatch, capsys
):
    """scan_alerts says the broker did not take the nudge and exits non-zero; the notice is
    committed, and the next run, with the broker back, hands it over."""
    fresh(alice, east_asia)
    frozen.move_to(later(91))

    def broker_down(pk):
        raise KombuOperationalError("Error 111 connecting to 127.0.0.1:6399. Connection refused.")

    for task in (tasks.send_notice, alert_tasks.send_alert, alert_tasks.send_digest):
        monkeypatch.setattr(task, "delay", broker_down)
    with pytest.raises(CommandError, match="could not be handed to the broker"):
        call_command("scan_alerts")
    assert "1 nudge(s)" in capsys.readouterr().out
    nudge = Notice.objects.get(kind="nudge")
    assert (nudge.enqueued_at, nudge.sent_at) == (None, None)

    delayed: list[int] = []
    monkeypatch.setattr(tasks.send_notice, "delay", delayed.append)
    for task in (alert_tasks.send_alert, alert_tasks.send_digest):
        monkeypatch.setattr(task, "delay", lambda pk: None)
    frozen.move_to(later(91.01))  # cron's next run, 15 minutes on
    call_command("scan_alerts")
    assert nudge.pk in delayed
    assert "left from earlier runs handed over" in capsys.readouterr().out.split("Freshness")[1]
    nudge.refresh_from_db()
    assert nudge.enqueued_at is not None
