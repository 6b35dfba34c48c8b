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
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone

from judgements.core import scoring
from judgements.core.dates import MAX_YEAR, MIN_YEAR, add_months
from judgements.models import (
    REFERENCE_PATTERN,
    SIGNPOST_DIRECTIONS,
    Direction,
    Indicator,
    Outcome,
    Signpost,
    SignpostState,
)

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
RESOLVED_WINDOW_MESSAGE = "The window of a resolved judgement is fixed."
URL_CREDENTIALS_MESSAGE = (
    "Leave the user name and password out of the address (nothing before an '@' in it)."
)
URL_HIDDEN_CHARACTERS_MESSAGE = (
    "The address contains invisible or direction-changing characters; type it again."
)


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


def check_window_editable(*, resolved: bool, moved: bool) -> None:
    """The window of a resolved judgement is fixed: its resolution was scored on it."""
    if resolved and moved:
        raise RuleBroken("window_end", RESOLVED_WINDOW_MESSAGE)


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


def _hidden_character(char: str) -> bool:
    """Characters that change how an address reads without showing: bidi controls
    (U+202A–202E, U+2066–2069, U+200E/F, U+061C), zero-width ones and other format
    characters (Unicode category Cf), and control characters."""
    return unicodedata.category(char) in ("Cf", "Cc")


def check_source_url(value: str) -> None:
    """A source address is a well-formed http or https URL that reads as what it is: nothing
    a browser would run, no user name or password in it (``https://user:pass@host`` hides
    the real host after the '@'), no invisible or direction-changing characters."""
    value = value.strip()
    if not value:
        return
    if any(_hidden_character(char) for char in value):
        raise RuleBroken("source_url", URL_HIDDEN_CHARACTERS_MESSAGE)
    if not value.lower().startswith(("http://", "https://")):
        raise RuleBroken("source_url", URL_MESSAGE)
    if "@" in urlsplit(value).netloc:
        raise RuleBroken("source_url", URL_CREDENTIALS_MESSAGE)
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


# --- Signposts (docs/design.md §2.10) ----------------------------------------------------------

SIGNPOST_TEXT_MAX = 1000
EXPECTED_BY_PAST_MESSAGE = "A signpost looks ahead: give an expected-by day that has not passed."


def check_signpost_text(text: str) -> None:
    """Say what you would expect to see, in at most 1,000 characters."""
    if not text.strip():
        raise RuleBroken("text", "Say what you would expect to see.")
    if len(text) > SIGNPOST_TEXT_MAX:
        raise RuleBroken("text", f"Keep a signpost under {SIGNPOST_TEXT_MAX} characters.")


def check_signpost_direction(direction: str) -> None:
    """A signpost points one way: seeing it supports the judgement or undermines it."""
    if direction not in SIGNPOST_DIRECTIONS:
        raise RuleBroken("direction", "Say whether seeing it supports or undermines it.")


def check_expected_by(
    expected_by: dt.date | None, *, written_on: dt.date, window_end: dt.date
) -> None:
    """Optional; not before the day the signpost is written, nor after the window ends."""
    if expected_by is None:
        return
    check_year(expected_by, field="expected_by")
    if expected_by < written_on:
        raise RuleBroken("expected_by", EXPECTED_BY_PAST_MESSAGE)
    if expected_by > window_end:
        raise RuleBroken(
            "expected_by", f"Give a day inside the judgement's window (it ends {window_end})."
        )


def check_signpost_changeable(signpost: Signpost) -> None:
    """Only a signpost still waiting to be seen can be edited; the others are evidence."""
    if signpost.withdrawn_at is not None:
        raise RuleBroken(None, "This signpost was withdrawn; it can no longer change.")
    if signpost.state() != SignpostState.NOT_SEEN:
        raise RuleBroken(
            None,
            f"This signpost is {signpost.state().label.lower()}: that is evidence now, so it "
            "cannot be edited. Withdraw it with a reason and add a new one instead.",
        )


def check_seen_by(signpost: Signpost, indicator: Indicator) -> None:
    """A signpost is seen through an active indicator of its own judgement, once."""
    if indicator.judgement_id != signpost.judgement_id:
        raise RuleBroken("signpost", "That signpost belongs to another judgement.")
    if indicator.retracted_at is not None:
        raise RuleBroken("signpost", "A retracted indicator shows nothing.")
    if signpost.withdrawn_at is not None:
        raise RuleBroken("signpost", "That signpost was withdrawn.")
    if signpost.seen_on is not None:
        raise RuleBroken("signpost", "That signpost has already been seen.")


# --- Fresh estimates (docs/design.md §5.12) ------------------------------------------------------

AGE, INDICATORS, SIGNPOSTS = "age", "indicators", "signposts"


@dataclass(frozen=True)
class StaleReason:
    """Why an estimate is due for a look: ``code`` is age, indicators or signposts."""

    code: str
    text: str
    since: dt.datetime


def stale_after() -> dt.timedelta:
    return dt.timedelta(days=settings.YARDSTICK_STALE_DAYS)


def stale_reasons(
    *,
    made_at: dt.datetime,
    now: dt.datetime,
    counts: tuple[int, int, int],
    nth_indicator_at: dt.datetime | None,
    signposts: list[Signpost],
) -> list[StaleReason]:
    """What holds since the estimate made at ``made_at``, at ``now``:

    - *age*: ``YARDSTICK_STALE_DAYS`` days have passed;
    - *indicators*: ``YARDSTICK_STALE_INDICATORS`` active indicators were logged since
      (``counts``: the stored for, against and neutral; ``nth_indicator_at``, when known, the
      moment the last of them was logged);
    - *signposts*: each signpost seen, or lapsed, after the estimate was made.
    """
    reasons = []
    due = made_at + stale_after()
    if due <= now:
        days = (now - made_at).days
        reasons.append(StaleReason(AGE, f"{days} days since the last estimate", due))
    total = sum(counts)
    if total >= settings.YARDSTICK_STALE_INDICATORS:
        parts = [f"{n} {word}" for n, word in zip(counts[:2], ("for", "against"), strict=True) if n]
        text = f"{total} indicators since the last estimate" + "".join(f", {p}" for p in parts)
        reasons.append(StaleReason(INDICATORS, text, nth_indicator_at or made_at))
    today = timezone.localdate(now)
    for signpost in signposts:
        moment = signpost.news_at(today)
        if moment is None or moment <= made_at or moment > now:
            continue
        state = signpost.state(today)
        way = "supports" if signpost.direction == Direction.SUPPORTS else "undermines"
        text = f"signpost {state.label.lower()} ({way} it): {signpost.text}"
        reasons.append(StaleReason(SIGNPOSTS, text, moment))
    return reasons


def look_due_at(
    *, made_at: dt.datetime, nth_indicator_at: dt.datetime | None, signposts: list[Signpost]
) -> dt.datetime:
    """The moment the estimate made at ``made_at`` is, or will be, due for a look: the first
    of its age, its Nth indicator, and any signpost seen or lapsing after it was made."""
    moments = [made_at + stale_after()]
    if nth_indicator_at is not None:
        moments.append(nth_indicator_at)
    for signpost in signposts:
        if signpost.withdrawn_at is not None:
            continue
        moment = signpost.seen_at if signpost.seen_on is not None else signpost.lapse_at()
        if moment is not None and moment > made_at:
            moments.append(moment)
    return min(moments)


def next_look_at(
    *,
    made_at: dt.datetime,
    nth_indicator_at: dt.datetime | None,
    signposts: list[Signpost],
    nudged: set[str],
    close: dt.datetime,
) -> dt.datetime | None:
    """When the freshness watch next has news to tell: the age or indicator reason not yet
    nudged in this episode, a seen signpost nobody was told about, a signpost still to lapse.
    Nothing at or after the close: a closed window is no longer revised (§4.2)."""
    moments = []
    if AGE not in nudged:
        moments.append(made_at + stale_after())
    if INDICATORS not in nudged and nth_indicator_at is not None:
        moments.append(nth_indicator_at)
    for signpost in signposts:
        if signpost.withdrawn_at is not None:
            continue
        if signpost.seen_on is not None:
            if signpost.notified_at is None and signpost.seen_at is not None:
                moments.append(signpost.seen_at)
        elif signpost.lapsed_on is None and signpost.lapse_at() is not None:
            moments.append(signpost.lapse_at())
    moments = [m for m in moments if m < close]
    return min(moments) if moments else None


def check_reaffirmation(rationale: str) -> None:
    """Reaffirming says why the number still stands, in a few words."""
    if not rationale.strip():
        raise RuleBroken("rationale", "Say in a few words why the estimate still stands.")


# --- Imported reports -----------------------------------------------------------------------

# One request creates at most this much (docs/design.md §6.5): bounded work per request.
MAX_REPORT_JUDGEMENTS = 80
MAX_INDICATORS_PER_JUDGEMENT = 50


def check_report_size(indicator_counts: list[int]) -> None:
    """A report imported at once: at most ``MAX_REPORT_JUDGEMENTS`` judgements, each with at
    most ``MAX_INDICATORS_PER_JUDGEMENT`` indicators (one count per judgement)."""
    if len(indicator_counts) > MAX_REPORT_JUDGEMENTS:
        raise RuleBroken(
            None,
            f"A report can create at most {MAX_REPORT_JUDGEMENTS} judgements at once; this "
            f"one has {len(indicator_counts)}. Import the rest as a separate report.",
        )
    for count in indicator_counts:
        check_indicator_count(count)


def check_indicator_count(count: int) -> None:
    if count > MAX_INDICATORS_PER_JUDGEMENT:
        raise RuleBroken(
            "indicators",
            f"At most {MAX_INDICATORS_PER_JUDGEMENT} indicators per judgement; this one has "
            f"{count}. Keep the ones that matter most.",
        )


# --- People ---------------------------------------------------------------------------------


def check_username(username: str) -> None:
    """A username as Django's own user model would take it: at most its field's length, of
    letters, digits and @ . + - _ (so it fits in the URL of a track record)."""
    field = get_user_model()._meta.get_field(get_user_model().USERNAME_FIELD)
    try:
        if not username:
            raise ValidationError("it is empty.")
        if len(username) > field.max_length:
            raise ValidationError(f"use at most {field.max_length} characters.")
        field.run_validators(username)
    except ValidationError as error:
        detail = " ".join(error.messages)
        raise RuleBroken("username", f"{username!r} is not a valid username: {detail}") from None
