"""Number formats for scores: one place, so every page shows them the same way."""

from django import template

register = template.Library()


@register.filter
def pct(value: float | None, digits: int = 0) -> str:
    """0.4567 → '46%'; None → '—'."""
    if value is None:
        return "—"
    return f"{value * 100:.{int(digits)}f}%"


@register.filter
def score(value: float | None, digits: int = 3) -> str:
    """A Brier, log loss or skill figure with fixed decimals; None → '—'."""
    if value is None:
        return "—"
    return f"{value:.{int(digits)}f}"


@register.filter
def double(value: float | None) -> float | None:
    """Good Judgment's two-category Brier is twice ours."""
    return None if value is None else 2 * value
