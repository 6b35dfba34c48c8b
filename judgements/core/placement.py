"""Where a number falls on a scale, and the term-or-number rule of docs/design.md §2 (pure).

An estimate is entered as a term **or** a number: a term gives its band's midpoint, a number
is primary and is what gets scored. Both given and disagreeing is refused, saying which to
fix, so a browser without JavaScript can never score the one the analyst did not mean.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from judgements.core import scales

STORED = Decimal("0.0001")  # probabilities are stored to 0.01 percentage points


class Disagreement(ValueError):
    """A term and a number that do not agree."""


def entered_probability(
    scale: scales.Scale, term: scales.Term | None, percent: Decimal | None
) -> Decimal | None:
    """The probability an entry means: the number, else the term's midpoint, else None.

    Raises ``Disagreement`` when both are given and the number lies outside the term's band.
    """
    if percent is not None and term is not None and not term.contains(percent):
        typed = f"{percent.normalize():f}%"
        placed = scale.place(percent / 100)
        raise Disagreement(
            f"{typed} is not {term.label}, which is {term.band_text} on the {scale.name}; "
            f"{typed} is {placed.label}. Change the number or the term."
        )
    chosen = percent if percent is not None else term.midpoint if term is not None else None
    return None if chosen is None else (chosen / 100).quantize(STORED)


def in_step(
    scale: scales.Scale, *, changed: str, label: str, number: str
) -> tuple[scales.Term | None, Decimal | None, str]:
    """Term, number and placement text after the analyst changed one of the two fields.

    Picking a term fills in its midpoint (whatever the number was, a typo included); typing
    a number selects its term (or none, in a gap of the scale). Garbage or a number outside
    0–100 leaves both fields as they are.
    """
    term = scale.find_term(label) if label else None
    if changed == "term" and term is not None:
        return term, term.midpoint, placement_text(term.midpoint / 100, scale)
    try:
        percent: Decimal | None = Decimal(number.strip()) if number.strip() else None
    except InvalidOperation:
        return term, None, "Give a number from 0 to 100."
    if percent is not None and not (percent.is_finite() and 0 <= percent <= 100):
        return term, None, "Give a number from 0 to 100."
    if changed == "percent" and percent is not None:
        term = scale.place(percent / 100).term
    text = placement_text(percent / 100, scale) if percent is not None else ""
    return term, percent, text


def placement_text(probability: Decimal | None, scale: scales.Scale) -> str:
    """'52% — between realistic possibility and likely' (empty without a number)."""
    if probability is None:
        return ""
    placement = scale.place(probability)
    percent = scales.percent_text(probability)
    if placement.term is not None:
        return f"{percent} — {placement.label} (band {placement.term.band_text})"
    return f"{percent} — {placement.label}"
