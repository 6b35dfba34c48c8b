"""Estimative language scales: pure data and functions, no Django.

Each scale is a list of terms with a band of probabilities in percent (docs/design.md §3).
A number maps to the term whose band holds it, or, in a deliberate gap of the scale, to the
two terms around it ("between realistic possibility and likely"), never to a made-up term.

Boundary conventions, where the published scales leave them open:
- PHIA: bands are closed ([10, 20]) except *realistic possibility*, which is [40, 50).
- ICD 203: lower bound inclusive, upper exclusive, except the top band [95, 99], both ends.
  Numbers under 1% or over 99% are outside the scale ("below almost no chance").
- NATO: [0, 10), [10, 40), [40, 60), [60, 90], (90, 100]: "highly likely" is strictly > 90.
- Kent: centre ± spread, so [2, 12], [20, 40), [40, 60], [63, 87), [87, 99]; where two bands
  touch, the shared point belongs to the higher band.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

HUNDRED = Decimal(100)


def to_percent(probability: float | Decimal | str) -> Decimal:
    """A probability in [0, 1] as an exact percentage (0.55 -> 55, not 55.000000000000007)."""
    return Decimal(str(probability)) * HUNDRED


def percent_text(probability: float | Decimal | str) -> str:
    """How an estimate reads: 0.525 -> '52.5%', 0.85 -> '85%'.

    Two decimals at most: estimates are stored to 0.01 percentage points, and a typed
    1e-99999 must not print in full.
    """
    return f"{to_percent(probability).quantize(Decimal('0.01')).normalize():f}%"


@dataclass(frozen=True)
class Term:
    label: str
    lo: Decimal
    hi: Decimal
    lo_closed: bool = True
    hi_closed: bool = True
    aliases: tuple[str, ...] = ()
    centre: Decimal | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)

    @property
    def display(self) -> str:
        """'likely / probable' — every name the scale gives the band."""
        return " / ".join(self.names)

    @property
    def midpoint(self) -> Decimal:
        """Midpoint of the band in percent (Kent's bands use their stated centre)."""
        if self.centre is not None:
            return self.centre
        return (self.lo + self.hi) / 2

    @property
    def midpoint_probability(self) -> Decimal:
        return self.midpoint / HUNDRED

    @property
    def band_text(self) -> str:
        lo, hi = _fmt(self.lo), _fmt(self.hi)
        left = "" if self.lo_closed else ">"
        right = "" if self.hi_closed else "<"
        return f"{left}{lo}–{right}{hi}%"

    def contains(self, percent: Decimal) -> bool:
        above_lo = percent >= self.lo if self.lo_closed else percent > self.lo
        below_hi = percent <= self.hi if self.hi_closed else percent < self.hi
        return above_lo and below_hi

    def contains_probability(self, probability: float | Decimal) -> bool:
        return self.contains(to_percent(probability))


@dataclass(frozen=True)
class Placement:
    """Where a number falls on a scale: in a term's band, between two terms, or off the ends."""

    term: Term | None = None
    below: Term | None = None  # the term just under a gap, or the top term when off the top
    above: Term | None = None  # the term just over a gap, or the bottom term when off the bottom

    @property
    def is_term(self) -> bool:
        return self.term is not None

    @property
    def label(self) -> str:
        if self.term is not None:
            return self.term.label
        if self.below is not None and self.above is not None:
            return f"between {self.below.label} and {self.above.label}"
        if self.above is not None:
            return f"below {self.above.label}"
        assert self.below is not None
        return f"above {self.below.label}"

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class Scale:
    key: str
    name: str
    terms: tuple[Term, ...]

    def place(self, probability: float | Decimal | str) -> Placement:
        """The term for a probability in [0, 1], or the gap it falls in."""
        percent = to_percent(probability)
        if percent < 0 or percent > HUNDRED:
            raise ValueError(f"probability must lie in [0, 1], got {probability}")
        for term in self.terms:
            if term.contains(percent):
                return Placement(term=term)
        lower = [t for t in self.terms if _is_below(t, percent)]
        upper = [t for t in self.terms if not _is_below(t, percent)]
        return Placement(
            below=lower[-1] if lower else None,
            above=upper[0] if upper else None,
        )

    @cached_property
    def _by_name(self) -> dict[str, Term]:
        """Each term under each of its names, normalised; the first term to claim a name
        keeps it."""
        found: dict[str, Term] = {}
        for term in self.terms:
            for name in term.names:
                found.setdefault(normalise_phrase(name), term)
        return found

    def term(self, phrase: str) -> Term:
        """The term a phrase names, by any of its names or their adverb forms."""
        try:
            return self._by_name[normalise_phrase(phrase)]
        except KeyError:
            raise KeyError(f"{phrase!r} is not a term on the {self.name}") from None

    def find_term(self, phrase: str) -> Term | None:
        try:
            return self.term(phrase)
        except KeyError:
            return None


def _is_below(term: Term, percent: Decimal) -> bool:
    return term.hi < percent or (term.hi == percent and not term.hi_closed)


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _d(value: str | int) -> Decimal:
    return Decimal(str(value))


def _t(label: str, lo, hi, *, lo_closed=True, hi_closed=True, aliases=(), centre=None) -> Term:
    return Term(
        label=label,
        lo=_d(lo),
        hi=_d(hi),
        lo_closed=lo_closed,
        hi_closed=hi_closed,
        aliases=tuple(aliases),
        centre=None if centre is None else _d(centre),
    )


PHIA = Scale(
    key="phia",
    name="UK Probability Yardstick (PHIA)",
    terms=(
        _t("remote chance", 0, 5),
        _t("highly unlikely", 10, 20),
        _t("unlikely", 25, 35),
        _t("realistic possibility", 40, 50, hi_closed=False),
        _t("likely", 55, 75, aliases=("probable",)),
        _t("highly likely", 80, 90),
        _t("almost certain", 95, 100),
    ),
)

ICD203 = Scale(
    key="icd203",
    name="US ICD 203",
    terms=(
        _t("almost no chance", 1, 5, hi_closed=False, aliases=("remote",)),
        _t("very unlikely", 5, 20, hi_closed=False, aliases=("highly improbable",)),
        _t("unlikely", 20, 45, hi_closed=False, aliases=("improbable",)),
        _t("roughly even chance", 45, 55, hi_closed=False, aliases=("roughly even odds",)),
        _t("likely", 55, 80, hi_closed=False, aliases=("probable",)),
        _t("very likely", 80, 95, hi_closed=False, aliases=("highly probable",)),
        _t("almost certain", 95, 99, aliases=("nearly certain",)),
    ),
)

NATO = Scale(
    key="nato",
    name="NATO AJP-2.1",
    terms=(
        _t("highly unlikely", 0, 10, hi_closed=False),
        _t("unlikely", 10, 40, hi_closed=False),
        _t("even chance", 40, 60, hi_closed=False),
        _t("likely", 60, 90),
        _t("highly likely", 90, 100, lo_closed=False),
    ),
)

KENT = Scale(
    key="kent",
    name="Sherman Kent (1964)",
    terms=(
        _t("almost certainly not", 2, 12, centre=7),
        _t("probably not", 20, 40, hi_closed=False, centre=30),
        _t("chances about even", 40, 60, centre=50),
        _t("probable", 63, 87, hi_closed=False, centre=75),
        _t("almost certain", 87, 99, centre=93),
    ),
)

SCALES: dict[str, Scale] = {scale.key: scale for scale in (PHIA, ICD203, NATO, KENT)}
SCALE_CHOICES = [(scale.key, scale.name) for scale in SCALES.values()]


def get_scale(key: str) -> Scale:
    try:
        return SCALES[key]
    except KeyError:
        known = ", ".join(SCALES)
        raise KeyError(f"unknown scale {key!r}; known scales: {known}") from None


# Adverb forms of words in the scales' terms: "probably" is the adverb of "probable".
ADVERBS = {
    "probably": "probable",
    "certainly": "certain",
    "improbably": "improbable",
}

_SPACES = re.compile(r"\s+")


def normalise_phrase(phrase: str) -> str:
    """Lower-case, single-spaced, adverbs turned into their adjectives."""
    words = _SPACES.sub(" ", phrase.strip().lower().replace("’", "'")).split(" ")
    return " ".join(ADVERBS.get(word, word) for word in words)


# Words outside every scale: they hedge, they do not estimate (docs/design.md §3).
HEDGES = (
    "cannot be ruled out",
    "can't be ruled out",
    "cannot rule out",
    "can't rule out",
    "could",
    "may",
    "might",
    "possible",
    "possibly",
    "perhaps",
    "conceivably",
    "conceivable",
    "potentially",
    "plausibly",
    "plausible",
)
_HEDGE_RE = re.compile(
    r"\b(" + "|".join(re.escape(h) for h in sorted(HEDGES, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)


def is_hedge(phrase: str) -> bool:
    """True when a phrase is a hedge word ("may", "cannot rule out"), not an estimate."""
    return normalise_phrase(phrase) in HEDGES


def find_hedges(text: str) -> list[str]:
    """Hedge words in a text, in order, as written."""
    return [match.group(0) for match in _HEDGE_RE.finditer(text.replace("’", "'"))]
