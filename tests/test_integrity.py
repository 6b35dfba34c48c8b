"""check_integrity: every derived value recomputed; each drift reported with the reference;
--fix repairs them in one transaction. The workflows themselves leave no drift."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from judgements import integrity, workflows
from judgements.expiry import policy
from judgements.expiry import scan as scanning
from judgements.models import Direction, Estimate, Judgement, Outcome, Resolution
from judgements.notices import scan as notice_scan
from tests.factories import make_judgement

pytestmark = pytest.mark.django_db


def log(judgement, by, direction=Direction.SUPPORTS):
    return workflows.log_indicator(
        judgement, by=by, observed_on=timezone.localdate(), summary="seen", direction=direction
    )


def run(*options: str) -> tuple[str, str | None]:
    """check_integrity's output, and its error (None when it exits cleanly)."""
    out = StringIO()
    try:
        call_command("check_integrity", *options, stdout=out)
    except CommandError as error:
        return out.getvalue(), str(error)
    return out.getvalue(), None


def test_every_workflow_leaves_nothing_to_repair(judgement, alice, lena):
    log(judgement, alice)
    log(judgement, alice, Direction.UNDERMINES)
    indicator = log(judgement, lena, Direction.UNDERMINES)
    workflows.edit_indicator(indicator, by=lena, direction=Direction.SUPPORTS)
    workflows.retract_indicator(indicator, by=lena, reason="misread")
    workflows.revise_estimate(
        judgement, by=alice, probability=Decimal("0.6"), confidence="low", rationale="less sure"
    )
    log(judgement, alice, Direction.UNDERMINES)
    workflows.edit_judgement(judgement, by=alice, window_end=judgement.window_end + dt.timedelta(7))
    other = make_judgement(alice, judgement.team, ends_in=3)
    scanning.scan(now=timezone.now(), enqueue=None)
    workflows.resolve(other, by=alice, outcome=Outcome.ANNULLED, note="broke")
    workflows.resolve(other, by=lena, outcome=Outcome.ANNULLED, note="still broke")
    output, error = run()
    assert error is None, output
    assert "No drift" in output


def test_each_drift_is_reported_with_its_reference_and_fixed_in_one_go(judgement, alice, lena):
    log(judgement, alice, Direction.UNDERMINES)
    first = judgement.current_estimate
    later = workflows.revise_estimate(
        judgement, by=alice, probability=Decimal("0.5"), confidence="low", rationale="r"
    )
    log(judgement, alice, Direction.UNDERMINES)
    resolved = make_judgement(lena, judgement.team, days_ago=10)
    resolution = workflows.resolve(resolved, by=lena, outcome=Outcome.ANNULLED, note="n")
    # What lost updates used to leave behind: a stale estimate pointer, a lost increment, a
    # resolution no longer pointed at (shown as open, alerts re-armed), a moved schedule.
    Judgement.objects.filter(pk=judgement.pk).update(
        current_estimate=first, indicators_against=7, next_alert_at=None
    )
    Judgement.objects.filter(pk=resolved.pk).update(resolution=None, next_alert_at=timezone.now())
    drifts = integrity.find_drift()
    found = {(d.reference, d.field): d for d in drifts}
    assert (judgement.reference, "current_estimate") in found
    assert found[(judgement.reference, "current_estimate")].expected == later.pk
    assert found[(judgement.reference, "indicators_against")].stored == 7
    assert found[(judgement.reference, "next_alert_at")].stored is None
    assert found[(resolved.reference, "resolution")].expected == resolution.pk
    assert (resolved.reference, "resolution.is_current") in found

    output, error = run()
    assert error and "drift(s) in 2 judgement(s)" in error
    assert f"{judgement.reference}: indicators_against is 7, should be" in output
    assert f"{resolved.reference}: resolution is empty, should be {resolution.pk}" in output

    output, error = run("--fix")
    assert error is None and "Repaired" in output
    judgement.refresh_from_db()
    resolved.refresh_from_db()
    assert judgement.current_estimate_id == later.pk
    assert (judgement.indicators_for, judgement.indicators_against) == (0, 1)
    assert judgement.next_alert_at == policy.first_alert_at(judgement)
    assert resolved.resolution_id == resolution.pk and resolved.next_alert_at is None
    assert Resolution.objects.get(pk=resolution.pk).is_current
    assert run()[1] is None


def test_a_superseded_resolution_still_marked_current_is_drift(judgement, alice, lena):
    first = workflows.resolve(judgement, by=alice, outcome=Outcome.ANNULLED, note="n")
    second = workflows.resolve(judgement, by=lena, outcome=Outcome.ANNULLED, note="again")
    with transaction.atomic():
        Resolution.objects.filter(pk=second.pk).update(is_current=False)
        Resolution.objects.filter(pk=first.pk).update(is_current=True)
    (drift,) = integrity.find_drift()
    assert (drift.field, drift.stored, drift.expected) == (
        "resolution.is_current",
        str(first.pk),
        str(second.pk),
    )
    integrity.repair([drift])
    assert list(Resolution.objects.filter(is_current=True)) == [second]


def test_the_schedule_may_lag_behind_but_never_skip_a_threshold(judgement, alice):
    """next_alert_at may name an earlier threshold of the window end (the scan catches up),
    never a later one than the first without an alert row, nor a moment of another date."""
    end = judgement.window_end
    moments = [policy.due_at(end, offset) for offset in (-30, -7, 0)]
    with time_machine.travel(moments[1] + dt.timedelta(hours=1), tick=False):
        scanning.scan(now=timezone.now(), enqueue=None)  # rows for -30 and -7
    assert integrity.find_drift() == []
    Judgement.objects.filter(pk=judgement.pk).update(next_alert_at=moments[0])
    assert integrity.find_drift() == []  # a catch-up, harmless
    Judgement.objects.filter(pk=judgement.pk).update(next_alert_at=policy.due_at(end, 7))
    (skipped,) = integrity.find_drift()
    assert skipped.expected == moments[2]  # the due-day alert would have been missed
    Judgement.objects.filter(pk=judgement.pk).update(next_alert_at=moments[2] + dt.timedelta(1))
    (elsewhere,) = integrity.find_drift()
    assert elsewhere.expected == moments[2]


def test_repair_rechecks_under_its_lock_and_leaves_mended_rows_alone(judgement, alice):
    log(judgement, alice)
    Judgement.objects.filter(pk=judgement.pk).update(indicators_for=5)
    drifts = integrity.find_drift()
    Judgement.objects.filter(pk=judgement.pk).update(indicators_for=1)  # mended meanwhile
    assert integrity.repair(drifts) == []


def test_an_estimate_tied_in_time_goes_to_the_later_recorded(judgement, alice):
    at = judgement.current_estimate.made_at
    tied = Estimate.objects.create(
        judgement=judgement, probability=Decimal("0.3"), author=alice, made_at=at
    )
    (drift,) = integrity.find_drift()
    assert (drift.field, drift.expected) == ("current_estimate", tied.pk)


def test_the_freshness_watch_and_its_workflows_leave_nothing_to_repair(alice, lena, east_asia):
    """Signposts added, seen, withdrawn and lapsed, indicators, a reaffirmation, own topics,
    and the freshness scan nudging and telling: the look moments stay as recomputed."""
    start = timezone.now()
    judgement = make_judgement(alice, east_asia, days_ago=10)
    seen = workflows.add_signpost(judgement, by=alice, text="Tankers queue", direction="supports")
    withdrawn = workflows.add_signpost(judgement, by=alice, text="A strike", direction="supports")
    workflows.add_signpost(
        judgement,
        by=alice,
        text="A customs inspection",
        direction="undermines",
        expected_by=timezone.localdate() + dt.timedelta(days=3),
    )
    workflows.withdraw_signpost(withdrawn, by=alice, reason="Not telling")
    for n in range(3):
        log(judgement, lena, Direction.NEUTRAL if n else Direction.UNDERMINES)
    workflows.log_indicator(
        judgement,
        by=alice,
        observed_on=timezone.localdate(),
        summary="Six tankers queued",
        direction=Direction.SUPPORTS,
        signpost=seen,
    )
    assert run()[1] is None
    with time_machine.travel(start + dt.timedelta(days=100), tick=False):
        notice_scan.scan_looks(now=timezone.now(), enqueue=None)  # nudges, tells, lapses
        assert run()[1] is None, run()[0]
        workflows.reaffirm(judgement, by=alice, rationale="Still stands")
        assert run()[1] is None, run()[0]


def test_a_look_moment_that_would_miss_a_nudge_is_drift(judgement, alice):
    stored = Judgement.objects.get(pk=judgement.pk)
    Judgement.objects.filter(pk=judgement.pk).update(
        look_due_at=stored.look_due_at + dt.timedelta(days=1),
        next_look_at=stored.next_look_at + dt.timedelta(days=1),
    )
    found = {d.field: d for d in integrity.find_drift()}
    assert found["look_due_at"].expected == stored.look_due_at
    assert found["next_look_at"].expected == stored.next_look_at
    # Earlier is only an extra look for nothing: not drift.
    Judgement.objects.filter(pk=judgement.pk).update(
        look_due_at=stored.look_due_at, next_look_at=stored.next_look_at - dt.timedelta(days=1)
    )
    assert integrity.find_drift() == []
    Judgement.objects.filter(pk=judgement.pk).update(next_look_at=None)
    assert [d.field for d in integrity.find_drift()] == ["next_look_at"]
    assert run("--fix")[1] is None
    assert Judgement.objects.get(pk=judgement.pk).next_look_at == stored.next_look_at


def test_a_neutral_indicator_lost_from_the_count_is_drift(judgement, alice):
    log(judgement, alice, Direction.NEUTRAL)
    Judgement.objects.filter(pk=judgement.pk).update(indicators_neutral=0)
    (drift,) = integrity.find_drift()
    assert (drift.field, drift.stored, drift.expected) == ("indicators_neutral", 0, 1)
