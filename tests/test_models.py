"""A bad row is rejected by the database itself, not only by a form."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from judgements.models import (
    Alert,
    AlertKind,
    Estimate,
    Indicator,
    Judgement,
    Outcome,
    Resolution,
    Watch,
)

pytestmark = pytest.mark.django_db


def rejected(**kwargs):
    """Assert that creating the row raises IntegrityError, without breaking the test's atomic."""
    model = kwargs.pop("model")
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**kwargs)


def test_probability_above_one_is_rejected(judgement, alice):
    rejected(model=Estimate, judgement=judgement, probability=Decimal("1.2"), author=alice)


def test_negative_probability_is_rejected(judgement, alice):
    rejected(model=Estimate, judgement=judgement, probability=Decimal("-0.1"), author=alice)


def test_window_end_before_start_is_rejected(alice, east_asia):
    rejected(
        model=Judgement,
        reference="KJ-X-1",
        statement="s",
        owner=alice,
        team=east_asia,
        window_start=dt.date(2026, 5, 1),
        window_end=dt.date(2026, 5, 1),
    )


def test_duplicate_reference_is_rejected(judgement, alice, east_asia):
    rejected(
        model=Judgement,
        reference=judgement.reference,
        statement="another",
        owner=alice,
        team=east_asia,
        window_start=dt.date(2026, 5, 1),
        window_end=dt.date(2027, 5, 1),
    )


def _resolution(judgement, alice, **kwargs):
    values = {
        "judgement": judgement,
        "resolved_by": alice,
        "window_start": judgement.window_start,
        "window_end": judgement.window_end,
    }
    return {**values, **kwargs}


def test_occurred_on_outside_the_window_is_rejected(judgement, alice):
    after = judgement.window_end + dt.timedelta(days=1)
    rejected(
        model=Resolution,
        **_resolution(judgement, alice, outcome=Outcome.OCCURRED, occurred_on=after),
    )


def test_occurred_without_a_date_is_rejected(judgement, alice):
    rejected(model=Resolution, **_resolution(judgement, alice, outcome=Outcome.OCCURRED))


def test_unknown_outcome_is_rejected(judgement, alice):
    rejected(model=Resolution, **_resolution(judgement, alice, outcome="maybe"))


def test_a_resolution_inside_the_window_is_accepted(judgement, alice):
    resolution = Resolution.objects.create(
        **_resolution(
            judgement, alice, outcome=Outcome.OCCURRED, occurred_on=judgement.window_start
        )
    )
    assert resolution.pk


def test_second_alert_for_the_same_threshold_and_window_end_is_rejected(judgement):
    values = {
        "judgement": judgement,
        "kind": AlertKind.WARNING,
        "offset_days": -7,
        "window_end": judgement.window_end,
        "due_at": timezone.now(),
    }
    Alert.objects.create(**values)
    rejected(model=Alert, **values)


def test_indicator_grading_outside_the_6x6_system_is_rejected(judgement, alice):
    base = {
        "model": Indicator,
        "judgement": judgement,
        "observed_on": dt.date(2026, 1, 1),
        "summary": "s",
        "direction": "supports",
        "logged_by": alice,
    }
    rejected(**base, reliability="G")
    rejected(**base, credibility=7)
    rejected(**{**base, "direction": "sideways"})


def test_retraction_without_reason_is_rejected(judgement, alice):
    rejected(
        model=Indicator,
        judgement=judgement,
        observed_on=dt.date(2026, 1, 1),
        summary="s",
        direction="supports",
        logged_by=alice,
        retracted_at=timezone.now(),
    )


def test_watching_twice_is_rejected(judgement, lena):
    Watch.objects.create(judgement=judgement, user=lena)
    rejected(model=Watch, judgement=judgement, user=lena)
