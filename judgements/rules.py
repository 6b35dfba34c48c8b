"""The domain rules, each defined once, as plain functions (docs/design.md §2 and §4).

Forms, workflows and the importer all call these; a rule that refuses a value raises
``RuleBroken`` naming the field to fix and saying how. Callers translate it into their own
kind of error: a form error on that field, a ``ValidationError`` from a workflow, a
``file:line: column: message`` row error from the importer. The message is the same in all
three, so the web, the shell and the files give the same answer.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone

from judgements.core import scoring
from judgements.core.dates import MAX_YEAR, MIN_YEAR, add_months
from judgements.models import REFERENCE_PATTERN, Outcome

YEARS_MESSAGE = f"Give a date between {MIN_YEAR} and {MAX_YEAR}."
WINDOW_MESSAGE = "The window must end after it starts."
HINDSIGHT_MESSAGE = (
    "The window has closed, so a new estimate would be hindsight. Resolve the judgement "
    "instead, or extend its window first."
)
FUTURE_INDICATOR_MESSAGE = "An indicator cannot be observed in the future."
URL_MESSAGE = "Give an http:// or https:// address."
NOT_OCCURRED_EARLY_MESSAGE = (
    "It can only be resolved as not occurred once the window has ended, or with the day it "
    "was settled (when it became certain that it would not happen)."
)
SETTLED_ONLY_NOT_OCCURRED_MESSAGE = "Give the day it was settled only when it did not occur."
SETTLED_FUTURE_MESSAGE = "It cannot have been settled in the future."
SETTLED_NOTE_MESSAGE = "Say why it can no longer happen: the note is required when settled early."


class RuleBroken(ValueError):
    """A value a domain rule refuses: ``field`` is what to fix (None: the whole thing)."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


# --- Dates and windows ----------------------------------------------------------------------


def check_year(day: dt.date | None, *, field: str | None = None) -> None:
    """Every date and time lies in the years Yardstick supports (1900–2200)."""
    if day is not None and not MIN_YEAR <= day.year <= MAX_YEAR:
        raise RuleBroken(field, YEARS_MESSAGE)


def default_window_end(start: dt.date) -> dt.date:
    """Twelve calendar months after the start (29 February -> 28 February)."""
    return add_months(start, 12)


def check_window(start: dt.date, end: dt.date) -> None:
    """Both ends in the supported years, and the window ends after it starts."""
    check_year(start, field="window_start")
    check_year(end, field="window_end")
    if end <= start:
        raise RuleBroken("window_end", WINDOW_MESSAGE)


# --- Estimates ------------------------------------------------------------------------------


def estimate_close(
    window_end: dt.date,
    *,
    occurred_on: dt.date | None = None,
    settled_on: dt.date | None = None,
) -> dt.datetime:
    """After this moment no estimate counts: 24:00 of window end, or 00:00 of the day it
    occurred or was settled (docs/design.md §4.2), in the site's time zone."""
    tz = timezone.get_current_timezone()
    return scoring.close(window_end, tz, occurred_on=occurred_on, settled_on=settled_on)


def check_not_hindsight(made_at: dt.datetime, *, close: dt.datetime) -> None:
    """An estimate made at or after the close would be hindsight."""
    if made_at >= close:
        raise RuleBroken(None, HINDSIGHT_MESSAGE)


# --- Indicators -----------------------------------------------------------------------------


def check_observed_on(observed_on: dt.date, *, today: dt.date) -> None:
    """An indicator is observed on a day that has come."""
    check_year(observed_on, field="observed_on")
    if observed_on > today:
        raise RuleBroken("observed_on", FUTURE_INDICATOR_MESSAGE)


_HTTP_URL = URLValidator(schemes=["http", "https"])


def check_source_url(value: str) -> None:
    """A source address is a well-formed http or https URL (nothing a browser would run)."""
    value = value.strip()
    if not value:
        return
    if not value.lower().startswith(("http://", "https://")):
        raise RuleBroken("source_url", URL_MESSAGE)
    try:
        _HTTP_URL(value)
    except ValidationError:
        raise RuleBroken("source_url", URL_MESSAGE) from None


# --- Resolutions ----------------------------------------------------------------------------


def check_resolution(
    outcome: str,
    *,
    occurred_on: dt.date | None,
    window_start: dt.date,
    window_end: dt.date,
    resolved_on: dt.date,
    settled_on: dt.date | None = None,
    note: str = "",
) -> None:
    """When each outcome may be recorded, on the day ``resolved_on`` (docs/design.md §2.7).

    - *occurred* needs the day it occurred, inside the window and not after the day it is
      recorded (from that day on the outcome is known);
    - *did not occur* once the window has ended; or before, when it was settled: the day it
      became certain that it would not happen (``settled_on``), inside the window and not
      after the day it is recorded, with a note saying why;
    - *annulled* at any time (the question itself broke).
    """
    if outcome not in Outcome.values:
        raise RuleBroken("outcome", f"Unknown outcome {outcome!r}.")
    if outcome == Outcome.OCCURRED:
        if occurred_on is None:
            raise RuleBroken("occurred_on", "Give the date it occurred.")
        _check_inside_window(
            occurred_on, "occurred_on", "occurred", window_start, window_end, resolved_on
        )
    elif occurred_on is not None:
        raise RuleBroken("occurred_on", "Give the date it occurred only when it occurred.")
    if settled_on is not None:
        if outcome != Outcome.DID_NOT_OCCUR:
            raise RuleBroken("settled_on", SETTLED_ONLY_NOT_OCCURRED_MESSAGE)
        _check_inside_window(
            settled_on, "settled_on", "been settled", window_start, window_end, resolved_on
        )
        if not note.strip():
            raise RuleBroken("note", SETTLED_NOTE_MESSAGE)
    elif outcome == Outcome.DID_NOT_OCCUR and resolved_on <= window_end:
        raise RuleBroken("outcome", NOT_OCCURRED_EARLY_MESSAGE)


def _check_inside_window(
    day: dt.date,
    field: str,
    verb: str,
    window_start: dt.date,
    window_end: dt.date,
    resolved_on: dt.date,
) -> None:
    """The day it occurred (or was settled) lies in the window and has come."""
    check_year(day, field=field)
    what = "The date it occurred" if field == "occurred_on" else "The day it was settled"
    if not window_start <= day <= window_end:
        raise RuleBroken(
            field, f"{what} must lie inside the window ({window_start} to {window_end})."
        )
    if day > resolved_on:
        if resolved_on >= timezone.localdate():
            raise RuleBroken(field, f"It cannot have {verb} in the future.")
        raise RuleBroken(
            field, f"It cannot have {verb} after the day it was resolved ({resolved_on})."
        )


# --- Estimates as numbers -------------------------------------------------------------------


def check_probability(probability: Decimal) -> None:
    if not (probability.is_finite() and 0 <= probability <= 1):
        raise RuleBroken("probability", "Give a probability from 0% to 100%.")


# --- References -----------------------------------------------------------------------------

REFERENCE_RE = re.compile(rf"{REFERENCE_PATTERN}\Z")
REFERENCE_MESSAGE = "Use only letters, digits, '.', '_' and '-' in a reference."


def check_reference(reference: str) -> None:
    """References go into URLs and emails: letters, digits, '.', '_', '-'."""
    if not REFERENCE_RE.match(reference):
        raise RuleBroken("reference", REFERENCE_MESSAGE)
