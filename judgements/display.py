"""How numbers, people and time read, in one place: pages and emails (through the
``yardstick`` template tags), forms, charts and commands all call these, so nothing is
written two ways. Plain values in, text out; no database."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from judgements.core import scales, scoring

MISSING = "—"  # a figure that does not exist (no estimate, nothing resolved yet)


# --- Numbers ----------------------------------------------------------------------------------


def percent(probability: Decimal | float | str | None) -> str:
    """An estimate, exactly as entered: 0.525 -> '52.5%'; 0.85 -> '85%'; None -> '—'."""
    if probability is None or probability == "":
        return MISSING
    return scales.percent_text(probability)


def rounded_percent(share: float | None, digits: int = 0) -> str:
    """A share worked out over many judgements (how often it happened, a mean forecast):
    0.4567 -> '46%'; None -> '—'."""
    if share is None:
        return MISSING
    return f"{share * 100:.{int(digits)}f}%"


def score(value: float | None, digits: int = 3) -> str:
    """A Brier, log loss or skill figure with fixed decimals: 0.12345 -> '0.123'; None -> '—'."""
    if value is None:
        return MISSING
    return f"{value:.{int(digits)}f}"


def good_judgment_brier(brier: float | None) -> float | None:
    """Our Brier as Good Judgment's two-category form, which is twice ours."""
    return None if brier is None else 2 * brier


# --- People -----------------------------------------------------------------------------------


def person(user: Any) -> str:
    """A person's name as the app shows it: full name, else username."""
    if user is None:
        return MISSING
    return user.get_full_name() or user.get_username()


# --- Dates and times ------------------------------------------------------------------------


def day(value: dt.date | dt.datetime | str | None) -> str:
    """A calendar day: '5 Jan 2026' (an ISO text '2026-01-05' reads the same); None -> '—'."""
    if value is None or value == "":
        return MISSING
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return f"{value.day} {value:%b %Y}"


def moment(value: dt.datetime | None) -> str:
    """A moment in site time: '5 Jan 2026, 14:30'; None -> '—'."""
    if value is None:
        return MISSING
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{day(local.date())}, {local:%H:%M}"


# --- Time left --------------------------------------------------------------------------------


def time_left(days: int) -> str:
    """'window ends in 7 days', 'window ends today', 'window ended 14 days ago'."""
    if days > 1:
        return f"window ends in {days} days"
    if days == 1:
        return "window ends tomorrow"
    if days == 0:
        return "window ends today"
    if days == -1:
        return "window ended yesterday"
    return f"window ended {-days} days ago"


def days_left(days: int) -> str:
    """'7 days left', '1 day left', 'ended 3 days ago' (after a progress bar)."""
    if days >= 0:
        return f"{days} day{'' if days == 1 else 's'} left"
    return f"ended {-days} day{'' if days == -1 else 's'} ago"


@dataclass(frozen=True)
class Badge:
    text: str
    css: str  # the stylesheet colours a badge by this class


def status_badge(status: str, days: int) -> Badge:
    """A judgement's status as a badge: 'Resolved', 'Awaiting resolution', 'Ends today',
    '12 days left'. ``status`` is a ``models.Status`` value; ``days`` its days left."""
    if status == "resolved":
        return Badge("Resolved", "resolved")
    if status == "annulled":
        return Badge("Annulled", "annulled")
    if status == "awaiting":
        return Badge("Awaiting resolution", "awaiting")
    if days == 0:
        return Badge("Ends today", "expiring")
    return Badge(days_left(days), status)


# --- Calibration read-outs ------------------------------------------------------------------


def says(speaker: str) -> str:
    """'you say', 'we say', 'Alice says', 'the team says'."""
    return f"{speaker} say" if speaker in ("you", "we", "they", "I") else f"{speaker} says"


def term_sentence(group: scoring.TermGroup, speaker: str) -> str:
    """'When we say highly likely, it happened 38% of the time (5 of 13): overconfident.'"""
    text = (
        f"When {says(speaker)} {group.term}, it happened {rounded_percent(group.observed)} "
        f"of the time ({group.occurred} of {group.n}); the band is {group.band_text}"
    )
    return f"{text}: {group.reading}."


def calibration_sentence(card: scoring.Scorecard | scoring.Brief, speaker: str) -> str:
    """One line on how well-calibrated a person, team or organisation is."""
    if not card.resolved:
        return "Nothing resolved yet."
    group = scoring.headline_term(card.by_term)
    if group is None:
        if card.resolved < scoring.MIN_FOR_VERDICT:
            judgements = "judgement" if card.resolved == 1 else "judgements"
            return f"Too few to tell: {card.resolved} resolved {judgements} so far."
        return (
            f"Too few to tell: {card.resolved} resolved, but no term has enough of them "
            "to miss its band by more than chance."
        )
    misses = [g for g in card.by_term if g.is_firm and g.reading != scoring.Verdict.WITHIN]
    if not misses:
        # "Well calibrated" only when every term has enough judgements to say so.
        lead = "Well calibrated" if all(g.is_firm for g in card.by_term) else "Within band so far"
        return (
            f"{lead}: when {says(speaker)} {group.term}, it happened "
            f"{rounded_percent(group.observed)} of the time (band {group.band_text})."
        )
    return (
        f"{group.reading.capitalize()}: when {says(speaker)} {group.term}, it happened "
        f"{rounded_percent(group.observed)} of the time (band {group.band_text})."
    )


# --- History ----------------------------------------------------------------------------------

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PEOPLE_FIELDS = ("owner", "watchers")


def history_value(field: str, value: Any, people: dict[str, str] | None = None) -> Any:
    """One value of a change as the page reads it: estimates as percentages, days as
    '5 Jan 2026', people by name."""
    if value is None:
        return None
    if field == "probability":
        return percent(value)
    if field in PEOPLE_FIELDS and isinstance(value, str) and people:
        return ", ".join(people.get(name, name) for name in value.split(", "))
    if isinstance(value, str) and _ISO_DAY.match(value):
        return day(value)
    if field == "confidence" and isinstance(value, str):
        return value.capitalize()
    return value


def change_rows(
    changes: dict[str, Any] | None, people: dict[str, str] | None = None
) -> list[tuple[str, Any, Any]]:
    """A ChangeRecord's {"field": {"before", "after"}} as (field, before, after) rows, in the
    page's words; fields whose value did not change are left out. ``people`` maps usernames
    (as the history stores them) to names."""
    rows = []
    for field, values in (changes or {}).items():
        if not isinstance(values, dict):
            continue
        before, after = values.get("before"), values.get("after")
        if before == after:
            continue
        # Indicator changes are stored as "indicator 12" and "indicator 12 summary".
        label = re.sub(r"^indicator \d+ ?", "", field) or "indicator"
        before = history_value(label, before, people)
        after = history_value(label, after, people)
        if before == after:
            continue
        rows.append((label.replace("_", " "), before, after))
    return rows


def history_usernames(changes: list[dict[str, Any]]) -> set[str]:
    """The usernames a list of ChangeRecord.changes mention (owner, watchers)."""
    found: set[str] = set()
    for change in changes:
        for field in PEOPLE_FIELDS:
            values = (change or {}).get(field)
            if isinstance(values, dict):
                for value in (values.get("before"), values.get("after")):
                    if isinstance(value, str) and value != "nobody":
                        found.update(value.split(", "))
    return found
