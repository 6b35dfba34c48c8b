"""Scoring of resolved judgements (docs/design.md §4): pure functions, no ORM.

Inputs are plain values: the window as dates, the outcome, the estimate history as
(made_at, probability) pairs with aware datetimes, the time zone the calendar days live in.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from judgements.core import scales
from judgements.core.dates import add_months, start_of_day

LOG_CLIP = 0.001

EstimateHistory = Sequence[tuple[dt.datetime, float]]


def opening(window_start: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """00:00 of window start."""
    return start_of_day(window_start, tz)


def close(
    window_end: dt.date,
    tz: dt.tzinfo,
    *,
    occurred_on: dt.date | None = None,
    settled_on: dt.date | None = None,
) -> dt.datetime:
    """00:00 of the day it occurred; 00:00 of the day it was settled, when it did not occur
    and that was certain before the window ended; otherwise 24:00 of window end."""
    if occurred_on is not None:
        return start_of_day(occurred_on, tz)
    if settled_on is not None:
        return start_of_day(settled_on, tz)
    return start_of_day(window_end + dt.timedelta(days=1), tz)


def standing_history(
    history: EstimateHistory, *, opens: dt.datetime, closes: dt.datetime
) -> list[tuple[dt.datetime, float]]:
    """The estimates that count, each from the moment it starts standing.

    Steps: sort by time; the first estimate stands from the opening whatever its timestamp;
    a revision made before the opening stands from the opening too (the latest one wins);
    revisions made at or after the close never count (no hindsight).
    """
    if not history:
        raise ValueError("a judgement needs at least one estimate to be scored")
    ordered = sorted(history, key=lambda pair: pair[0])
    steps = [(opens, float(ordered[0][1]))]
    for made_at, probability in ordered[1:]:
        if made_at >= closes:
            break
        start = max(made_at, opens)
        if start == steps[-1][0]:
            steps[-1] = (start, float(probability))
        else:
            steps.append((start, float(probability)))
    return steps


def p_final(history: EstimateHistory, *, closes: dt.datetime) -> float:
    """The estimate standing at the close."""
    ordered = sorted(history, key=lambda pair: pair[0])
    final = ordered[0][1]
    for made_at, probability in ordered[1:]:
        if made_at >= closes:
            break
        final = probability
    return float(final)


def p_final_at(history: EstimateHistory, *, opens: dt.datetime, closes: dt.datetime) -> dt.datetime:
    """When p_final began to stand: the moment it was made, or the opening for the first
    estimate (and for a revision made before the window opened)."""
    ordered = sorted(history, key=lambda pair: pair[0])
    made = opens
    for made_at, _ in ordered[1:]:
        if made_at >= closes:
            break
        made = max(made_at, opens)
    return made


# --- Horizon: from p_final to the close, in calendar months ------------------------------

# Lower bounds in calendar months: < 1, 1–3, 3–6, 6–12, > 12 (a bucket holds its lower bound).
HORIZON_MONTHS = (0, 1, 3, 6, 12)
HORIZON_LABELS = ("< 1 month", "1–3 months", "3–6 months", "6–12 months", "> 12 months")


def horizon(made: dt.datetime, closes: dt.datetime, tz: dt.tzinfo) -> int:
    """The horizon bucket (0–4) of a forecast standing from ``made`` to ``closes``.

    Months are calendar months on the site's wall clock: from 10 March 09:00, one month is
    10 April 09:00 (31 January + 1 month is 28 or 29 February, as for windows). A close
    exactly on a boundary falls in the bucket above it: the bucket holds its lower bound.
    """
    start = made.astimezone(tz)
    end = closes.astimezone(dt.UTC)
    bucket = 0
    for index, months in enumerate(HORIZON_MONTHS[1:], start=1):
        day = add_months(start.date(), months)
        boundary = dt.datetime.combine(day, start.time(), tzinfo=tz)
        if end >= boundary.astimezone(dt.UTC):
            bucket = index
    return bucket


def horizon_label(bucket: int) -> str:
    return HORIZON_LABELS[bucket]


def p_initial(history: EstimateHistory) -> float:
    return float(min(history, key=lambda pair: pair[0])[1])


def brier(probability: float, occurred: bool) -> float:
    """(p − o)²: 0 is perfect, 1 is worst, always saying 50% scores 0.25."""
    return (probability - float(occurred)) ** 2


def log_loss(probability: float, occurred: bool) -> float:
    p = min(max(probability, LOG_CLIP), 1 - LOG_CLIP)
    return -math.log(p) if occurred else -math.log(1 - p)


def time_averaged_brier(
    history: EstimateHistory, occurred: bool, *, opens: dt.datetime, closes: dt.datetime
) -> float:
    """Exact integral of (p(t) − o)² over [opening, close), divided by its length.

    Everything is moved to UTC first: Python subtracts two datetimes that share a tzinfo as
    wall-clock times, which would make a day with a DST change 23 or 25 hours long in some
    segments and not in others.
    """
    opens, closes = opens.astimezone(dt.UTC), closes.astimezone(dt.UTC)
    if closes <= opens:
        return brier(p_initial(history), occurred)
    history = [(made_at.astimezone(dt.UTC), p) for made_at, p in history]
    steps = standing_history(history, opens=opens, closes=closes)
    total = 0.0
    for (start, probability), (end, _) in zip(steps, [*steps[1:], (closes, 0.0)], strict=True):
        total += brier(probability, occurred) * (end - start).total_seconds()
    return total / (closes - opens).total_seconds()


@dataclass(frozen=True)
class JudgementScore:
    p_initial: float
    p_final: float
    brier: float
    brier_time_averaged: float
    log_loss: float
    p_final_at: dt.datetime
    horizon: int


def score_judgement(
    *,
    history: EstimateHistory,
    occurred: bool,
    window_start: dt.date,
    window_end: dt.date,
    occurred_on: dt.date | None,
    tz: dt.tzinfo,
    settled_on: dt.date | None = None,
) -> JudgementScore:
    """Every per-judgement figure of docs/design.md §4 for one resolved judgement.

    The close is 00:00 of ``occurred_on`` when it occurred, 00:00 of ``settled_on`` when it
    did not occur and was settled early, otherwise 24:00 of window end.
    """
    opens = opening(window_start, tz)
    closes = close(
        window_end,
        tz,
        occurred_on=occurred_on if occurred else None,
        settled_on=None if occurred else settled_on,
    )
    final = p_final(history, closes=closes)
    final_at = p_final_at(history, opens=opens, closes=closes)
    return JudgementScore(
        p_initial=p_initial(history),
        p_final=final,
        brier=brier(final, occurred),
        brier_time_averaged=time_averaged_brier(history, occurred, opens=opens, closes=closes),
        log_loss=log_loss(final, occurred),
        p_final_at=final_at,
        horizon=horizon(final_at, closes, tz),
    )


# --- Aggregates over many resolved judgements (docs/design.md §4) -------------------------

REFERENCE_BRIER = 0.25  # the Brier of always answering 50%
WILSON_Z = 1.6448536269514722  # two-sided 90%: the 95th percentile of the standard normal

Bin = tuple[float, float]
# [0, 0.1), [0.1, 0.2), … [0.9, 1.0]: the last bin is closed.
TEN_BINS: tuple[Bin, ...] = tuple((k / 10, (k + 1) / 10) for k in range(10))


class Verdict:
    WITHIN = "within band"
    OVERCONFIDENT = "overconfident"
    UNDERCONFIDENT = "underconfident"
    TOO_FEW = "too few to tell"


MIN_FOR_VERDICT = 5  # fewer judgements on a term are "too few to tell" (docs/design.md §4.4)


@dataclass(frozen=True)
class Record:
    """One resolved judgement as the aggregates see it: plain values, no ORM.

    ``outcome`` is ``occurred``, ``did_not_occur`` or ``annulled``; scores are None when
    annulled. ``closed_on`` is the day of the close (the day it occurred or was settled, else
    window end); None in summaries that are not grouped by quarter.
    """

    outcome: str
    p_final: float | None
    brier: float | None
    brier_time_averaged: float | None
    log_loss: float | None
    closed_on: dt.date | None
    team: str = ""
    owner: str = ""
    assessment: str = ""
    # How many judgements this record stands for: a summary of n judgements with the same
    # outcome, p_final and quarter of close carries their mean scores (see scorecards.summary).
    n: int = 1
    # The judgement's topics (its own and its assessment's) and its horizon bucket (0–4,
    # ``HORIZON_LABELS``; None when annulled).
    topics: tuple[str, ...] = ()
    horizon: int | None = None

    @property
    def is_scored(self) -> bool:
        return self.outcome != "annulled" and self.p_final is not None

    @property
    def occurred(self) -> bool:
        return self.outcome == "occurred"


def wilson_interval(successes: int, n: int, z: float = WILSON_Z) -> tuple[float, float]:
    """Wilson score interval for a proportion (90% by default)."""
    if n == 0:
        raise ValueError("no observations")
    phat = successes / n
    denominator = 1 + z * z / n
    centre = (phat + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def bin_index(probability: float, bins: Sequence[Bin] = TEN_BINS) -> int:
    """Which bin holds a probability: [lo, hi), except the last bin, which is closed."""
    for index, (lo, hi) in enumerate(bins):
        if lo <= probability < hi:
            return index
    last_lo, last_hi = bins[-1]
    if last_lo <= probability <= last_hi:
        return len(bins) - 1
    raise ValueError(f"{probability} lies in no bin")


@dataclass(frozen=True)
class CalibrationBin:
    lo: float
    hi: float
    n: int
    mean_forecast: float | None
    observed: float | None
    ci_lo: float | None
    ci_hi: float | None

    @property
    def occurred(self) -> int:
        return round((self.observed or 0.0) * self.n)


Pairs = Sequence[tuple[float, bool]] | Counter[tuple[float, bool]]


def _tally(pairs: Pairs) -> Counter[tuple[float, bool]]:
    """How many judgements share each (forecast, outcome): the loops below run over the few
    distinct forecasts, not over every judgement. A Counter passed in is used as it is."""
    return pairs if isinstance(pairs, Counter) else Counter(pairs)


def calibration(pairs: Pairs, bins: Sequence[Bin] = TEN_BINS) -> list[CalibrationBin]:
    """Per bin of the forecast: count, mean forecast, observed frequency, 90% Wilson interval.

    Every bin is listed, empty ones with None figures, so charts keep their axis.
    """
    counts, hits, sums = [0] * len(bins), [0] * len(bins), [0.0] * len(bins)
    for (probability, occurred), n in _tally(pairs).items():
        k = bin_index(probability, bins)
        counts[k] += n
        hits[k] += n if occurred else 0
        sums[k] += probability * n
    result = []
    for (lo, hi), n, hit, total in zip(bins, counts, hits, sums, strict=True):
        if n == 0:
            result.append(CalibrationBin(lo, hi, 0, None, None, None, None))
            continue
        ci_lo, ci_hi = wilson_interval(hit, n)
        result.append(CalibrationBin(lo, hi, n, total / n, hit / n, ci_lo, ci_hi))
    return result


@dataclass(frozen=True)
class Murphy:
    reliability: float
    resolution: float
    uncertainty: float
    remainder: float


def mean_brier(pairs: Pairs) -> float:
    tally = _tally(pairs)
    return sum(brier(p, o) * n for (p, o), n in tally.items()) / sum(tally.values())


def murphy(pairs: Pairs, bins: Sequence[Bin] = TEN_BINS) -> Murphy:
    """REL, RES, UNC on the bins, and BS − (REL − RES + UNC), the within-bin remainder."""
    tally = _tally(pairs)
    total = sum(tally.values())
    if not total:
        raise ValueError("nothing to decompose")
    base_rate = sum(n for (_, o), n in tally.items() if o) / total
    reliability = resolution = 0.0
    for group in calibration(tally, bins):
        if group.n:
            assert group.mean_forecast is not None and group.observed is not None
            reliability += group.n * (group.mean_forecast - group.observed) ** 2
            resolution += group.n * (group.observed - base_rate) ** 2
    reliability, resolution = reliability / total, resolution / total
    uncertainty = base_rate * (1 - base_rate)
    remainder = mean_brier(tally) - (reliability - resolution + uncertainty)
    return Murphy(reliability, resolution, uncertainty, remainder)


def skill(brier_score: float, uncertainty: float) -> float | None:
    """Brier skill score against the base rate: 1 − BS / UNC (None when UNC is 0)."""
    if uncertainty == 0:
        return None
    return 1 - brier_score / uncertainty


def verdict(observed: float, lo: float, hi: float, *, inside: bool | None = None) -> str:
    """Within band, or on which side the observed frequency missed it.

    Observed further from 50% than the band (said *likely*, it nearly always happened) is
    underconfident; observed nearer 50% or beyond it is overconfident. A band that straddles
    50% can only be missed by being underconfident.
    """
    if inside if inside is not None else lo <= observed <= hi:
        return Verdict.WITHIN
    middle = (lo + hi) / 2
    # Outside the band, at or below its lower end is the low side (an open end excluded it).
    if observed <= lo:
        return Verdict.OVERCONFIDENT if middle > 0.5 else Verdict.UNDERCONFIDENT
    return Verdict.OVERCONFIDENT if middle < 0.5 else Verdict.UNDERCONFIDENT


@dataclass(frozen=True)
class TermGroup:
    term: str
    lo: float
    hi: float
    n: int
    mean_forecast: float
    observed: float
    brier: float
    verdict: str
    band_text: str
    is_term: bool
    ci_lo: float = 0.0  # the 90% Wilson interval of ``observed``
    ci_hi: float = 1.0

    @property
    def occurred(self) -> int:
        return round(self.observed * self.n)

    @property
    def reading(self) -> str:
        """The verdict as pages read it out: "too few to tell" when there are fewer than
        ``MIN_FOR_VERDICT`` judgements, or when the 90% interval of how often it happened
        still reaches into the band (the miss could be chance)."""
        if self.n < MIN_FOR_VERDICT:
            return Verdict.TOO_FEW
        if self.verdict != Verdict.WITHIN and self.ci_lo <= self.hi and self.ci_hi >= self.lo:
            return Verdict.TOO_FEW
        return self.verdict

    @property
    def is_firm(self) -> bool:
        return self.reading != Verdict.TOO_FEW


def _band_of(placement: scales.Placement) -> tuple[float, float, str]:
    """The band of a term, or of the gap (or end) of the scale a number fell into."""
    if placement.term is not None:
        term = placement.term
        return float(term.lo) / 100, float(term.hi) / 100, term.band_text
    lo = float(placement.below.hi) / 100 if placement.below else 0.0
    hi = float(placement.above.lo) / 100 if placement.above else 1.0
    return lo, hi, f"{lo * 100:g}–{hi * 100:g}%"


_PLACED: dict[tuple[str, float], scales.Placement] = {}


def _place(scale: scales.Scale, probability: float) -> scales.Placement:
    """``scale.place``, remembered by scale key and number: the dashboard places the same few
    hundred distinct forecasts once per group of every table. (Keyed on the key, not the
    scale: hashing a scale's terms costs more than placing the number.)"""
    key = (scale.key, probability)
    placed = _PLACED.get(key)
    if placed is None:
        if len(_PLACED) > 50_000:
            _PLACED.clear()
        placed = _PLACED[key] = scale.place(probability)
    return placed


def by_term(pairs: Pairs, scale: scales.Scale) -> list[TermGroup]:
    """Group by the term of p_final on a scale; numbers in a gap form their own group."""
    groups: dict[str, Counter[tuple[float, bool]]] = {}
    placements: dict[str, scales.Placement] = {}
    for (probability, occurred), n in _tally(pairs).items():
        placement = _place(scale, probability)
        groups.setdefault(placement.label, Counter())[(probability, occurred)] += n
        placements.setdefault(placement.label, placement)
    result = []
    for label, members in groups.items():
        placement = placements[label]
        lo, hi, band_text = _band_of(placement)
        n = sum(members.values())
        hits = sum(k for (_, o), k in members.items() if o)
        observed = hits / n
        ci_lo, ci_hi = wilson_interval(hits, n)
        inside = placement.term.contains(scales.to_percent(observed)) if placement.term else None
        result.append(
            TermGroup(
                term=label,
                lo=lo,
                hi=hi,
                n=n,
                mean_forecast=sum(p * k for (p, _), k in members.items()) / n,
                observed=observed,
                brier=mean_brier(members),
                verdict=verdict(observed, lo, hi, inside=inside),
                band_text=band_text,
                is_term=placement.term is not None,
                ci_lo=ci_lo,
                ci_hi=ci_hi,
            )
        )
    return sorted(result, key=lambda group: (group.lo, group.hi))


# --- Discrimination: does the team tell what happens from what does not? ------------------


def auc(pairs: Pairs) -> float | None:
    """ROC AUC of the forecasts against the outcomes: the chance that a judgement that
    occurred got a higher forecast than one that did not, a tie counting one half.

    None when only one outcome is present. Exact, over the distinct forecasts: the pairs are
    sorted once and each occurred forecast is compared with the did-not-occur ones below it.
    """
    tally = _tally(pairs)
    by_value: dict[float, list[int]] = {}
    for (probability, occurred), n in tally.items():
        by_value.setdefault(float(probability), [0, 0])[0 if occurred else 1] += n
    positives = sum(pos for pos, _ in by_value.values())
    negatives = sum(neg for _, neg in by_value.values())
    if not positives or not negatives:
        return None
    wins = 0.0
    below = 0  # did-not-occur judgements with a lower forecast
    for value in sorted(by_value):
        pos, neg = by_value[value]
        wins += pos * (below + neg / 2)
        below += neg
    return wins / (positives * negatives)


@dataclass(frozen=True)
class Discrimination:
    """How many judgements that occurred, and that did not, had p_final in each bin."""

    occurred: list[int]
    did_not_occur: list[int]

    @property
    def rows(self) -> list[tuple[Bin, int, int]]:
        return list(zip(TEN_BINS, self.occurred, self.did_not_occur, strict=True))


def discrimination(pairs: Pairs, bins: Sequence[Bin] = TEN_BINS) -> Discrimination:
    """The two distributions of p_final, by outcome, on the calibration bins."""
    occurred, did_not = [0] * len(bins), [0] * len(bins)
    for (probability, happened), n in _tally(pairs).items():
        (occurred if happened else did_not)[bin_index(probability, bins)] += n
    return Discrimination(occurred, did_not)


def headline_term(groups: Sequence[TermGroup]) -> TermGroup | None:
    """What a one-line read-out speaks of: the most used firm miss, else firm term, or None."""
    firm = [g for g in groups if g.is_firm]
    misses = [g for g in firm if g.reading != Verdict.WITHIN]
    chosen = misses or firm
    return max(chosen, key=lambda g: (g.n, -g.lo)) if chosen else None


def _weighted_mean(values: Sequence[tuple[float | None, int]]) -> float | None:
    """Mean of per-record means weighted by how many judgements each record stands for."""
    present = [(value, n) for value, n in values if value is not None]
    total = sum(n for _, n in present)
    return sum(value * n for value, n in present) / total if total else None


@dataclass(frozen=True)
class Scorecard:
    """Every aggregate of docs/design.md §4 over a set of resolved judgements.

    ``resolved`` counts the scored ones (occurred or did not occur); ``annulled`` are
    counted apart and enter no score.
    """

    resolved: int
    occurred: int
    annulled: int
    brier: float | None
    brier_time_averaged: float | None
    log_loss: float | None
    skill: float | None
    auc: float | None
    # What the binned figures below are computed from, when first asked for: a table of
    # groups (by topic, by horizon) reads only the figures above, so it never pays for them.
    pairs: Counter[tuple[float, bool]] = field(repr=False, compare=False, default_factory=Counter)
    scale: scales.Scale | None = field(repr=False, compare=False, default=None)
    bins: Sequence[Bin] = field(repr=False, compare=False, default=TEN_BINS)
    reference_brier: float = REFERENCE_BRIER

    @functools.cached_property
    def murphy(self) -> Murphy | None:
        return murphy(self.pairs, self.bins) if self.pairs else None

    @functools.cached_property
    def calibration(self) -> list[CalibrationBin]:
        return calibration(self.pairs, self.bins)

    @functools.cached_property
    def by_term(self) -> list[TermGroup]:
        assert self.scale is not None
        return by_term(self.pairs, self.scale)

    @functools.cached_property
    def discrimination(self) -> Discrimination:
        return discrimination(self.pairs, self.bins)

    @classmethod
    def build(
        cls, records: Sequence[Record], scale: scales.Scale, bins: Sequence[Bin] = TEN_BINS
    ) -> Scorecard:
        scored = [r for r in records if r.is_scored]
        pairs: Counter[tuple[float, bool]] = Counter()
        for r in scored:
            pairs[(float(r.p_final), r.occurred)] += r.n  # type: ignore[arg-type]
        resolved = sum(pairs.values())
        occurred = sum(n for (_, o), n in pairs.items() if o)
        brier_score = _weighted_mean([(r.brier, r.n) for r in scored])
        # The uncertainty of the Murphy decomposition, ō(1 − ō), without its bins.
        uncertainty = (occurred / resolved) * (1 - occurred / resolved) if resolved else None
        return cls(
            resolved=resolved,
            occurred=occurred,
            annulled=sum(r.n for r in records if r.outcome == "annulled"),
            brier=brier_score,
            brier_time_averaged=_weighted_mean([(r.brier_time_averaged, r.n) for r in scored]),
            log_loss=_weighted_mean([(r.log_loss, r.n) for r in scored]),
            skill=(
                skill(brier_score, uncertainty)
                if uncertainty is not None and brier_score is not None
                else None
            ),
            auc=auc(pairs),
            pairs=pairs,
            scale=scale,
            bins=bins,
        )

    def as_json(self, digits: int = 6) -> dict:
        """The scorecard object of docs/design.md §7, key for key."""

        def r(value: float | None) -> float | None:
            # "+ 0.0" turns a rounded -0.0 into 0.0.
            return None if value is None else round(value, digits) + 0.0

        murphy_json = None
        if self.murphy is not None:
            murphy_json = {
                "reliability": r(self.murphy.reliability),
                "resolution": r(self.murphy.resolution),
                "uncertainty": r(self.murphy.uncertainty),
                "remainder": r(self.murphy.remainder),
            }
        return {
            "resolved": self.resolved,
            "occurred": self.occurred,
            "annulled": self.annulled,
            "brier": r(self.brier),
            "brier_time_averaged": r(self.brier_time_averaged),
            "log_loss": r(self.log_loss),
            "skill": r(self.skill),
            "murphy": murphy_json,
            "calibration": [
                {
                    "lo": r(b.lo),
                    "hi": r(b.hi),
                    "n": b.n,
                    "mean_forecast": r(b.mean_forecast),
                    "observed": r(b.observed),
                    "ci_lo": r(b.ci_lo),
                    "ci_hi": r(b.ci_hi),
                }
                for b in self.calibration
            ],
            "by_term": [
                {
                    "term": g.term,
                    "lo": r(g.lo),
                    "hi": r(g.hi),
                    "n": g.n,
                    "mean_forecast": r(g.mean_forecast),
                    "observed": r(g.observed),
                    "brier": r(g.brier),
                    "verdict": g.verdict,
                }
                for g in self.by_term
            ],
            "auc": r(self.auc),
            "discrimination": {
                "occurred": list(self.discrimination.occurred),
                "did_not_occur": list(self.discrimination.did_not_occur),
            },
        }


@dataclass(frozen=True)
class Brief:
    """What a one-line read-out needs, for many groups where whole scorecards are wasted."""

    resolved: int
    brier: float | None
    by_term: list[TermGroup]


def brief(records: Sequence[Record], scale: scales.Scale) -> Brief:
    scored = [r for r in records if r.is_scored]
    pairs: Counter[tuple[float, bool]] = Counter()
    for r in scored:
        pairs[(float(r.p_final), r.occurred)] += r.n  # type: ignore[arg-type]
    return Brief(
        resolved=sum(pairs.values()),
        brier=_weighted_mean([(r.brier, r.n) for r in scored]),
        by_term=by_term(pairs, scale),
    )


def briefs_by(
    records: Sequence[Record], grouping: str, scale: scales.Scale, *, most: int | None = None
) -> tuple[list[tuple[str, Brief]], int]:
    """A ``Brief`` per group (team, owner, …), for the ``most`` groups with the most scored
    judgements (all when None), most first; and how many groups there are in all."""
    groups: dict[str, list[Record]] = {}
    for record in records:
        for key in group_keys(record, grouping, scale):
            groups.setdefault(key, []).append(record)
    size = {key: sum(r.n for r in rows if r.is_scored) for key, rows in groups.items()}
    chosen = sorted(groups, key=lambda key: (-size[key], key))[:most]
    return [(key, brief(groups[key], scale)) for key in chosen], len(groups)


def merged(records: Sequence[Record]) -> list[Record]:
    """Records merged across team, owner and assessment into one per outcome, final estimate
    and day of close (counts added, mean scores weighed by them)."""
    sums: dict[tuple, list] = {}
    for r in records:
        key = (r.outcome, r.p_final, r.closed_on)
        total = sums.setdefault(key, [0, 0.0, 0.0, 0.0, 0, 0, 0])
        total[0] += r.n
        for slot, value in ((1, r.brier), (2, r.brier_time_averaged), (3, r.log_loss)):
            if value is not None:
                total[slot] += value * r.n
                total[slot + 3] += r.n
    return [
        Record(
            outcome=outcome,
            p_final=p_final,
            brier=brier / nb if nb else None,
            brier_time_averaged=averaged / na if na else None,
            log_loss=loss / nl if nl else None,
            closed_on=closed_on,
            n=n,
        )
        for (outcome, p_final, closed_on), (n, brier, averaged, loss, nb, na, nl) in sums.items()
    ]


def quarter_of(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


GROUPINGS = ("team", "owner", "assessment", "term", "quarter", "topic", "horizon")


def group_keys(record: Record, grouping: str, scale: scales.Scale) -> tuple[str, ...]:
    """The labels a record falls under for one grouping: none, one, or for topics as many
    as the judgement has (a judgement on two topics counts in both)."""
    if grouping == "term":
        return (scale.place(record.p_final).label,) if record.is_scored else ()
    if grouping == "quarter":
        return (quarter_of(record.closed_on),) if record.closed_on else ()
    if grouping == "topic":
        return tuple(record.topics)
    if grouping == "horizon":
        return (horizon_label(record.horizon),) if record.horizon is not None else ()
    if grouping in ("team", "owner", "assessment"):
        label = getattr(record, grouping)
        return (label,) if label else ()
    raise ValueError(f"unknown grouping {grouping!r}; use one of {', '.join(GROUPINGS)}")


def scorecards_by(
    records: Sequence[Record], grouping: str, scale: scales.Scale
) -> list[tuple[str, Scorecard]]:
    """One scorecard per team, owner, assessment, term, quarter of close, topic or horizon,
    sorted by label (terms in the order of the scale, horizons from the shortest)."""
    groups: dict[str, list[Record]] = {}
    for record in records:
        for key in group_keys(record, grouping, scale):
            groups.setdefault(key, []).append(record)
    labels = sorted(groups)
    if grouping == "term":
        labels = sorted(groups, key=lambda label: _band_of(scale.place(_first_p(groups[label]))))
    elif grouping == "horizon":
        labels = sorted(groups, key=HORIZON_LABELS.index)
    elif grouping == "topic":
        labels = sorted(groups, key=str.casefold)
    return [(label, Scorecard.build(groups[label], scale)) for label in labels]


def _first_p(records: Sequence[Record]) -> float:
    return float(records[0].p_final)  # type: ignore[arg-type]


# --- Where are we best and worst? ---------------------------------------------------------

# A group with fewer scored judgements than this is "too few to tell": it is shown, but not
# named best or worst (one lucky call would otherwise top the list).
TOO_FEW = 10


@dataclass(frozen=True)
class Standing:
    """The best and worst groups by mean Brier (lower is better) among those with at least
    ``TOO_FEW`` scored judgements; ``too_few`` names the groups left out for that."""

    best: tuple[str, Scorecard] | None
    worst: tuple[str, Scorecard] | None
    too_few: list[str]
    compared: int


def best_and_worst(groups: Sequence[tuple[str, Scorecard]], minimum: int = TOO_FEW) -> Standing:
    """Rank groups by mean Brier; those with fewer than ``minimum`` scored judgements are too
    few to tell. With fewer than two groups left there is no best nor worst."""
    enough = [(k, c) for k, c in groups if c.resolved >= minimum and c.brier is not None]
    too_few = [k for k, c in groups if c.resolved and c.resolved < minimum]
    if len(enough) < 2:
        return Standing(None, None, too_few, len(enough))
    ranked = sorted(enough, key=lambda item: (item[1].brier, item[0]))
    return Standing(ranked[0], ranked[-1], too_few, len(enough))
