"""Geometry of the track record charts: pure numbers for server-rendered SVG.

The calibration chart: forecast (x) against observed frequency (y), both 0–100%, one point
per non-empty bin at (mean forecast, observed), its area growing with the count, a vertical
line for the 90% Wilson interval, and the diagonal of perfect calibration. The trend chart:
Brier and time-averaged Brier by quarter of close against the 0.25 line of always saying
50%. Templates only draw what this module computes; no style attributes are needed (CSP),
classes do the colouring.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from judgements.core.scoring import CalibrationBin
from judgements.display import rounded_percent, score

WIDTH = 360
HEIGHT = 340
MARGIN_LEFT = 48
MARGIN_RIGHT = 16
MARGIN_TOP = 16
MARGIN_BOTTOM = 44
MIN_RADIUS = 3.0
MAX_RADIUS = 11.0


@dataclass(frozen=True)
class Tick:
    at: float  # x for the x axis, y for the y axis
    label: str


@dataclass(frozen=True)
class Point:
    cx: float
    cy: float
    r: float
    ci_top: float
    ci_bottom: float
    n: int
    mean_forecast: float
    observed: float
    ci_lo: float
    ci_hi: float
    bin_label: str

    @property
    def cap_left(self) -> float:
        return round(self.cx - 4, 2)

    @property
    def cap_right(self) -> float:
        return round(self.cx + 4, 2)

    @property
    def title(self) -> str:
        return (
            f"Forecasts {self.bin_label}: {self.n} judgements, mean forecast "
            f"{rounded_percent(self.mean_forecast)}, happened {rounded_percent(self.observed)} "
            f"(90% interval {rounded_percent(self.ci_lo)}–{rounded_percent(self.ci_hi)})"
        )


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    points: list[Point]

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    @property
    def x_tick_label_y(self) -> float:
        return self.bottom + 16

    @property
    def y_tick_label_x(self) -> float:
        return self.left - 6

    @property
    def x_label_y(self) -> float:
        return self.height - 6

    @property
    def y_label_x(self) -> float:
        return 12

    @property
    def middle_x(self) -> float:
        return (self.left + self.right) / 2

    @property
    def middle_y(self) -> float:
        return (self.top + self.bottom) / 2


def _radius(n: int, largest: int) -> float:
    """Area proportional to the count, between a visible minimum and a maximum."""
    return round(MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * math.sqrt(n / largest), 2)


def calibration_chart(
    bins: Sequence[CalibrationBin], *, width: int = WIDTH, height: int = HEIGHT
) -> Chart:
    left, right = MARGIN_LEFT, width - MARGIN_RIGHT
    top, bottom = MARGIN_TOP, height - MARGIN_BOTTOM

    def x(p: float) -> float:
        return round(left + p * (right - left), 2)

    def y(p: float) -> float:
        return round(bottom - p * (bottom - top), 2)

    largest = max((b.n for b in bins), default=0)
    points = [
        Point(
            cx=x(b.mean_forecast),
            cy=y(b.observed),
            r=_radius(b.n, largest),
            ci_top=y(b.ci_hi),
            ci_bottom=y(b.ci_lo),
            n=b.n,
            mean_forecast=b.mean_forecast,
            observed=b.observed,
            ci_lo=b.ci_lo,
            ci_hi=b.ci_hi,
            bin_label=f"{rounded_percent(b.lo)}–{rounded_percent(b.hi)}",
        )
        for b in bins
        if b.n
        and b.mean_forecast is not None
        and b.observed is not None
        and b.ci_lo is not None
        and b.ci_hi is not None
    ]
    ticks = [k / 10 for k in range(0, 11, 2)]
    return Chart(
        width=width,
        height=height,
        left=left,
        top=top,
        right=right,
        bottom=bottom,
        x_ticks=[Tick(x(t), rounded_percent(t)) for t in ticks],
        y_ticks=[Tick(y(t), rounded_percent(t)) for t in ticks],
        points=points,
    )


# --- Trend by quarter: Brier and time-averaged Brier against the 0.25 reference line ------


@dataclass(frozen=True)
class TrendPoint:
    x: float
    y: float
    label: str
    value: float


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float
    reference_y: float
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    brier: list[TrendPoint]
    time_averaged: list[TrendPoint]

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    @property
    def brier_path(self) -> str:
        return " ".join(f"{p.x},{p.y}" for p in self.brier)

    @property
    def time_averaged_path(self) -> str:
        return " ".join(f"{p.x},{p.y}" for p in self.time_averaged)

    @property
    def x_tick_label_y(self) -> float:
        return self.bottom + 16

    @property
    def y_tick_label_x(self) -> float:
        return self.left - 6


def trend_chart(
    quarters: Sequence[tuple[str, float | None, float | None]],
    *,
    width: int = 420,
    height: int = 220,
    reference: float = 0.25,
) -> TrendChart:
    """Quarters as (label, Brier, time-averaged Brier); the y axis starts at 0 (perfect)."""
    left, right = MARGIN_LEFT, width - MARGIN_RIGHT
    top, bottom = MARGIN_TOP, height - 30
    values = [v for _, b, t in quarters for v in (b, t) if v is not None]
    y_max = max(0.5, math.ceil(max(values, default=0) * 10) / 10)
    step = (right - left) / max(len(quarters), 1)

    def x(i: int) -> float:
        return round(left + step * (i + 0.5), 2)

    def y(v: float) -> float:
        return round(bottom - v / y_max * (bottom - top), 2)

    def series(index: int) -> list[TrendPoint]:
        return [
            TrendPoint(x(i), y(row[index]), row[0], row[index])
            for i, row in enumerate(quarters)
            if row[index] is not None
        ]

    ticks = [k / 10 for k in range(0, round(y_max * 10) + 1)]
    every = math.ceil(len(quarters) / 8) or 1  # at most about eight labels fit
    return TrendChart(
        width=width,
        height=height,
        left=left,
        top=top,
        right=right,
        bottom=bottom,
        reference_y=y(reference),
        y_ticks=[Tick(y(t), score(t, 1)) for t in ticks],
        x_ticks=[Tick(x(i), q[0]) for i, q in enumerate(quarters) if i % every == 0],
        brier=series(1),
        time_averaged=series(2),
    )


# --- Discrimination: p_final of what occurred (above) and of what did not (below) --------


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    n: int
    title: str


@dataclass(frozen=True)
class DiscriminationChart:
    """A mirrored histogram on the ten calibration bins: judgements that occurred rise above
    the middle line, those that did not hang below it. A team that discriminates well has its
    occurred bars to the right and its did-not-occur bars to the left."""

    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float
    middle: float
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    occurred: list[Bar]
    did_not_occur: list[Bar]

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    @property
    def x_tick_label_y(self) -> float:
        return self.bottom + 16

    @property
    def y_tick_label_x(self) -> float:
        return self.left - 6

    @property
    def x_label_y(self) -> float:
        return self.height - 6

    @property
    def middle_x(self) -> float:
        return (self.left + self.right) / 2

    @property
    def upper_label_y(self) -> float:
        return self.top + 12

    @property
    def lower_label_y(self) -> float:
        return self.bottom - 6


def discrimination_chart(
    occurred: Sequence[int],
    did_not_occur: Sequence[int],
    *,
    width: int = WIDTH,
    height: int = 300,
) -> DiscriminationChart:
    left, right = MARGIN_LEFT, width - MARGIN_RIGHT
    top, bottom = MARGIN_TOP, height - MARGIN_BOTTOM
    middle = (top + bottom) / 2
    largest = max([*occurred, *did_not_occur, 1])
    half = middle - top
    step = (right - left) / len(occurred)

    def length(n: int) -> float:
        return round(n / largest * half, 2)

    def label(k: int) -> str:
        return f"{k * 10}–{k * 10 + 10}%"

    def bars(counts: Sequence[int], *, above: bool, what: str) -> list[Bar]:
        result = []
        for k, n in enumerate(counts):
            if not n:
                continue
            h = length(n)
            result.append(
                Bar(
                    x=round(left + k * step + 2, 2),
                    y=round(middle - h if above else middle, 2),
                    width=round(step - 4, 2),
                    height=h,
                    n=n,
                    title=f"Forecasts {label(k)}: {n} {what}",
                )
            )
        return result

    ticks = sorted({0, largest // 2, largest}) if largest > 1 else [0, 1]
    y_ticks = [Tick(round(middle - length(t), 2), str(t)) for t in ticks]
    y_ticks += [Tick(round(middle + length(t), 2), str(t)) for t in ticks if t]
    return DiscriminationChart(
        width=width,
        height=height,
        left=left,
        top=top,
        right=right,
        bottom=bottom,
        middle=round(middle, 2),
        x_ticks=[Tick(round(left + k * step, 2), f"{k * 10}%") for k in range(0, 11, 2)],
        y_ticks=y_ticks,
        occurred=bars(occurred, above=True, what="happened"),
        did_not_occur=bars(did_not_occur, above=False, what="did not happen"),
    )
