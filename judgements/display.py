"""How numbers, people and time read, in one place: pages (through the ``yardstick``
template tags), emails and forms all call these, so nothing is written two ways."""

from __future__ import annotations

from decimal import Decimal

from judgements.core import scales


def percent(probability: Decimal | float | str | None) -> str:
    """0.525 -> '52.5%'; 0.85 -> '85%'; None -> '—'."""
    if probability is None or probability == "":
        return "—"
    value = scales.to_percent(probability).quantize(Decimal("0.01")).normalize()
    return f"{value:f}%"


def person(user) -> str:
    """A person's name as the app shows it: full name, else username."""
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


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
