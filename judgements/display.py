"""How numbers, people and time read, in one place: pages and emails (through the
``yardstick`` template tags), forms, charts and commands all call these, so nothing is
written two ways. Plain values in, text out; no database."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from judgements.core import scales

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


# --- History ----------------------------------------------------------------------------------


def change_rows(changes: dict[str, Any] | None) -> list[tuple[str, Any, Any]]:
    """A ChangeRecord's {"field": {"before", "after"}} as (field, before, after) rows; a
    probability (stored as "0.7000") reads as an estimate (70%)."""
    rows = []
    for field, values in (changes or {}).items():
        if not isinstance(values, dict):
            continue
        before, after = values.get("before"), values.get("after")
        if field == "probability":
            before = percent(before) if before is not None else None
            after = percent(after) if after is not None else None
        rows.append((field.replace("_", " "), before, after))
    return rows
