"""The write workflows: nothing is overwritten, every change is in the history."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from judgements import workflows
from judgements.models import ChangeAction, Direction, Judgement, Outcome, Status

pytestmark = pytest.mark.django_db


def log(judgement, by, direction=Direction.SUPPORTS, **extra):
    values = {"observed_on": timezone.localdate(), "summary": "seen", "direction": direction}
    return workflows.log_indicator(judgement, by=by, **(values | extra))


def test_creation_gives_a_reference_a_first_estimate_and_a_history(judgement, alice):
    assert judgement.reference == f"KJ-{judgement.window_start.year}-0001"
    assert judgement.current_estimate.probability == Decimal("0.85")
    assert judgement.changes.get().action == ChangeAction.CREATED
    assert judgement.next_alert_at is not None


def test_references_count_up_within_a_year(judgement, alice, east_asia):
    second = workflows.create_judgement(
        by=alice,
        statement="Another",
        team=east_asia,
        owner=alice,
        probability=0.3,
        window_start=judgement.window_start,
    )
    assert second.reference.endswith("-0002")


def test_a_window_that_ends_before_it_starts_is_refused(alice, east_asia):
    with pytest.raises(ValidationError, match="must end after it starts"):
        workflows.create_judgement(
            by=alice,
            statement="Backwards",
            team=east_asia,
            owner=alice,
            probability=0.5,
            window_start=dt.date(2026, 5, 1),
            window_end=dt.date(2026, 4, 1),
        )
    assert not Judgement.objects.exists()


def test_edits_record_before_and_after(judgement, alice):
    workflows.edit_judgement(judgement, by=alice, statement="Sharper statement")
    change = judgement.changes.first()
    assert change.action == ChangeAction.EDITED
    assert change.changes["statement"]["after"] == "Sharper statement"
    assert change.changes["statement"]["before"].startswith("North Korea")


def test_moving_the_window_end_is_recorded_and_rearms_alerts(judgement, lena):
    old_alert_at = judgement.next_alert_at
    workflows.edit_judgement(
        judgement, by=lena, window_end=judgement.window_end + dt.timedelta(days=60)
    )
    assert judgement.changes.first().action == ChangeAction.WINDOW_CHANGED
    assert judgement.next_alert_at == old_alert_at + dt.timedelta(days=60)


def test_a_revision_adds_an_estimate_and_keeps_the_first(judgement, alice):
    workflows.revise_estimate(
        judgement, by=alice, probability=0.6, confidence="high", rationale="New reporting"
    )
    assert [e.probability for e in judgement.estimates.all()] == [Decimal("0.85"), Decimal("0.6")]
    assert judgement.current_estimate.probability == Decimal("0.6")
    assert judgement.changes.first().note == "New reporting"


def test_a_revision_after_the_window_closed_is_refused_as_hindsight(judgement, alice):
    after = timezone.now() + dt.timedelta(days=400)
    with time_machine.travel(after, tick=False), pytest.raises(ValidationError, match="hindsight"):
        workflows.revise_estimate(
            judgement, by=alice, probability=0.1, confidence="low", rationale="too late"
        )
    assert judgement.estimates.count() == 1


def test_an_indicator_in_the_future_is_refused(judgement, alice):
    with pytest.raises(ValidationError, match="future"):
        log(judgement, alice, observed_on=timezone.localdate() + dt.timedelta(days=1))


def test_retraction_keeps_the_indicator_and_needs_a_reason(judgement, alice):
    indicator = log(judgement, alice)
    with pytest.raises(ValidationError, match="Say why"):
        workflows.retract_indicator(indicator, by=alice, reason="  ")
    workflows.retract_indicator(indicator, by=alice, reason="Misread the source")
    indicator.refresh_from_db()
    assert indicator.is_retracted and indicator.retraction_reason == "Misread the source"
    with pytest.raises(ValidationError, match="already retracted"):
        workflows.retract_indicator(indicator, by=alice, reason="again")


def test_editing_an_indicator_records_the_old_value(judgement, alice):
    indicator = log(judgement, alice)
    workflows.edit_indicator(indicator, by=alice, summary="seen twice")
    change = judgement.changes.first()
    assert change.action == ChangeAction.INDICATOR_EDITED
    assert list(change.changes.values()) == [{"before": "seen", "after": "seen twice"}]


def test_the_stored_balance_follows_logging_editing_retracting_and_revising(judgement, alice):
    def balance():
        judgement.refresh_from_db()
        return judgement.indicators_for, judgement.indicators_against

    first = log(judgement, alice, Direction.SUPPORTS)
    log(judgement, alice, Direction.UNDERMINES)
    log(judgement, alice, Direction.NEUTRAL)
    assert balance() == (1, 1)
    workflows.edit_indicator(first, by=alice, direction=Direction.UNDERMINES)
    assert balance() == (0, 2)
    workflows.retract_indicator(first, by=alice, reason="wrong")
    assert balance() == (0, 1)
    Judgement.objects.filter(pk=judgement.pk).recount_balance()
    assert balance() == (0, 1)
    workflows.revise_estimate(judgement, by=alice, probability=0.5, confidence="low", rationale="")
    assert balance() == (0, 0)
    log(judgement, alice, Direction.SUPPORTS)
    Judgement.objects.filter(pk=judgement.pk).recount_balance()
    assert balance() == (1, 0)


def test_resolving_scores_the_judgement_and_cancels_alerts(judgement, alice):
    occurred_on = timezone.localdate() - dt.timedelta(days=1)
    resolution = workflows.resolve(
        judgement, by=alice, outcome=Outcome.OCCURRED, occurred_on=occurred_on, note="Seen"
    )
    judgement.refresh_from_db()
    assert judgement.status() == Status.RESOLVED
    assert judgement.next_alert_at is None
    assert resolution.p_final == pytest.approx(0.85)
    assert resolution.brier == pytest.approx(0.0225)


def test_occurred_on_outside_the_window_is_refused_with_the_window_named(judgement, alice):
    with pytest.raises(ValidationError, match="inside the window"):
        workflows.resolve(
            judgement,
            by=alice,
            outcome=Outcome.OCCURRED,
            occurred_on=judgement.window_start - dt.timedelta(days=1),
        )


def test_not_occurred_waits_for_the_window_to_end(judgement, alice):
    with pytest.raises(ValidationError, match="once the window has ended"):
        workflows.resolve(judgement, by=alice, outcome=Outcome.DID_NOT_OCCUR)


def test_re_resolving_keeps_the_earlier_resolution(judgement, alice, lena):
    workflows.resolve(judgement, by=alice, outcome=Outcome.ANNULLED, note="Question broke")
    workflows.resolve(
        judgement, by=lena, outcome=Outcome.OCCURRED, occurred_on=timezone.localdate()
    )
    assert [r.outcome for r in judgement.resolutions.all()] == ["annulled", "occurred"]
    assert [r.is_current for r in judgement.resolutions.all()] == [False, True]
    assert judgement.status() == Status.RESOLVED
    assert judgement.changes.first().action == ChangeAction.RERESOLVED


def test_watcher_changes_record_both_lists_of_names(judgement, alice, lena, maya):
    workflows.set_watchers(judgement, by=alice, users=[lena])
    workflows.set_watchers(judgement, by=alice, users=[lena, maya])
    change = judgement.changes.first()
    assert change.action == ChangeAction.WATCHERS_CHANGED
    assert change.changes["watchers"] == {"before": "lena", "after": "lena, maya"}


def test_references_pass_9999_in_order(alice, east_asia, judgement):
    from judgements.workflows import next_reference

    year = judgement.window_start.year
    Judgement.objects.filter(pk=judgement.pk).update(reference=f"KJ-{year}-9999")
    assert next_reference(year) == f"KJ-{year}-10000"
    Judgement.objects.filter(pk=judgement.pk).update(reference=f"KJ-{year}-10000")
    assert next_reference(year) == f"KJ-{year}-10001"


def test_a_resolution_made_from_a_stale_page_is_refused(judgement, alice, lena):
    stale = Judgement.objects.get(pk=judgement.pk)
    workflows.resolve(judgement, by=lena, outcome=Outcome.ANNULLED, note="Question broke")
    with pytest.raises(ValidationError, match="Someone else resolved"):
        workflows.resolve(
            stale, by=alice, outcome=Outcome.OCCURRED, occurred_on=timezone.localdate()
        )
    assert judgement.resolutions.count() == 1


def test_the_database_keeps_one_current_resolution_per_judgement(judgement, alice):
    from django.db import IntegrityError, transaction

    from judgements.models import Resolution

    workflows.resolve(judgement, by=alice, outcome=Outcome.ANNULLED, note="broke")
    with pytest.raises(IntegrityError), transaction.atomic():
        Resolution.objects.create(
            judgement=judgement,
            outcome=Outcome.ANNULLED,
            resolved_by=alice,
            window_start=judgement.window_start,
            window_end=judgement.window_end,
        )


# --- Nothing lost to a concurrent write (docs/design.md §2.10) -------------------------------


def test_an_edit_read_before_another_edit_is_refused_with_what_changed(judgement, alice, lena):
    read_at = judgement.version
    workflows.edit_judgement(judgement, by=lena, statement="Lena's wording", version=read_at)
    stale = Judgement.objects.get(pk=judgement.pk)
    with pytest.raises(workflows.EditConflict) as refused:
        workflows.edit_judgement(stale, by=alice, statement="Alice's wording", version=read_at)
    (change,) = refused.value.changes
    assert change.actor == lena
    assert change.changes["statement"]["after"] == "Lena's wording"
    assert refused.value.version == read_at + 1
    judgement.refresh_from_db()
    assert judgement.statement == "Lena's wording"
    # Sent again at the version it was shown, the edit knowingly replaces the newer one.
    workflows.edit_judgement(stale, by=alice, statement="Alice's wording", version=read_at + 1)
    judgement.refresh_from_db()
    assert judgement.statement == "Alice's wording"


def test_an_edit_writes_only_what_it_changes(judgement, alice, lena):
    stale = Judgement.objects.get(pk=judgement.pk)  # read before the resolution
    resolution = workflows.resolve(judgement, by=lena, outcome=Outcome.ANNULLED, note="broke")
    log(judgement, alice, Direction.UNDERMINES)
    workflows.edit_judgement(stale, by=alice, statement="Reworded")
    judgement.refresh_from_db()
    assert judgement.statement == "Reworded"
    assert judgement.resolution_id == resolution.pk and judgement.next_alert_at is None
    assert judgement.indicators_against == 1


def test_resolving_moves_the_version_on_and_fixes_the_window(judgement, alice):
    read_at = judgement.version
    workflows.resolve(judgement, by=alice, outcome=Outcome.ANNULLED, note="broke")
    with pytest.raises(workflows.EditConflict) as refused:
        workflows.edit_judgement(judgement, by=alice, statement="x", version=read_at)
    assert refused.value.changes[0].action == ChangeAction.RESOLVED
    later = judgement.window_end + dt.timedelta(days=5)
    with pytest.raises(ValidationError, match="The window of a resolved judgement is fixed"):
        workflows.edit_judgement(judgement, by=alice, window_end=later)


def test_a_resolution_from_a_page_read_while_it_was_open_is_refused(judgement, alice, lena):
    workflows.resolve(judgement, by=lena, outcome=Outcome.ANNULLED, note="broke")
    with pytest.raises(ValidationError, match="Someone else resolved"):
        workflows.resolve(judgement, by=lena, outcome=Outcome.ANNULLED, note="again", seen=None)
    assert judgement.resolutions.count() == 1


def test_a_revision_on_a_judgement_resolved_meanwhile_is_refused(judgement, alice, lena):
    stale = Judgement.objects.get(pk=judgement.pk)
    workflows.resolve(judgement, by=lena, outcome=Outcome.ANNULLED, note="broke")
    with pytest.raises(ValidationError, match="resolved"):
        workflows.revise_estimate(
            stale, by=alice, probability=Decimal("0.5"), confidence="low", rationale="r"
        )


def test_editing_a_stale_copy_of_a_retracted_indicator_is_refused(judgement, alice):
    indicator = log(judgement, alice)
    stale = type(indicator).objects.get(pk=indicator.pk)
    workflows.retract_indicator(indicator, by=alice, reason="misread")
    with pytest.raises(ValidationError, match="retracted"):
        workflows.edit_indicator(stale, by=alice, summary="changed")
    with pytest.raises(ValidationError, match="already retracted"):
        workflows.retract_indicator(stale, by=alice, reason="again")


def test_a_taken_reference_is_a_validation_error_not_a_database_error(judgement, alice):
    with pytest.raises(ValidationError, match="already taken"):
        workflows.create_judgement(
            by=alice,
            statement="Same reference",
            team=judgement.team,
            owner=alice,
            probability=Decimal("0.5"),
            reference=judgement.reference,
        )


def test_a_number_taken_outside_the_lock_makes_create_take_the_next(judgement, alice, monkeypatch):
    """An imported KJ number can be committed between reading the last number and inserting
    (the import holds no lock): the insert fails in its savepoint and the next is tried."""
    real = workflows.next_reference
    proposals = iter([judgement.reference])  # first proposal: already taken
    monkeypatch.setattr(
        workflows, "next_reference", lambda year: next(proposals, None) or real(year)
    )
    made = workflows.create_judgement(
        by=alice,
        statement="Made by hand",
        team=judgement.team,
        owner=alice,
        probability=Decimal("0.5"),
        window_start=judgement.window_start,
    )
    assert made.reference == f"KJ-{judgement.window_start.year}-0002"


def test_reassigning_to_a_watcher_stops_them_watching(judgement, alice, lena):
    workflows.set_watchers(judgement, by=alice, users=[lena])
    workflows.edit_judgement(judgement, by=lena, owner=lena)
    assert list(judgement.watchers.all()) == []
