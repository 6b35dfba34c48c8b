"""Geometry of the timeline chart on the judgement page: pure functions, no Django.

The chart plots the standing estimate over the window as a step line (the first estimate
stands from window start, each revision from the moment it was made), with indicators for the
judgement as markers above the plot and indicators against it below, a marker for today and
the window's start and end. The template draws it as inline SVG using only attributes and
classes (the Content-Security-Policy forbids ``style=`` attributes).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

WIDTH = 720
HEIGHT = 250
LEFT = 44  # room for the percentage labels
RIGHT = 12
PLOT_TOP = 40  # "for" markers live in the band above
PLOT_BOTTOM = 196  # "against" markers live in the band below
FOR_Y = 25
LABEL_Y = 11  # the "today" label sits above everything else
AGAINST_Y = 212
AXIS_Y = 240  # baseline of the date labels
GRID_PERCENTS = (0, 25, 50, 75, 100)


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    direction: str  # "supports" or "undermines"
    strength: str
    label: str

    @property
    def r(self) -> int:
        """Radius grows with the indicator's strength."""
        return marker_radius(self.strength)


@dataclass(frozen=True)
class GridLine:
    y: float
    label: str


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    left: float
    right: float
    plot_top: float
    plot_bottom: float
    axis_y: float
    path: str  # SVG path data of the step line ("" without estimates)
    points: list[tuple[float, float]]  # where each estimate starts standing
    today_x: float | None  # None when today lies outside the window
    grid: list[GridLine] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    start_label: str = ""
    end_label: str = ""

    @property
    def today_anchor(self) -> str:
        """Keep the "today" label inside the chart near either edge."""
        if self.today_x is None or self.left + 40 <= self.today_x <= self.right - 40:
            return "middle"
        return "start" if self.today_x < self.left + 40 else "end"

    @property
    def label_y(self) -> int:
        return LABEL_Y

    @property
    def for_count(self) -> int:
        return sum(1 for m in self.markers if m.direction == "supports")

    @property
    def against_count(self) -> int:
        return sum(1 for m in self.markers if m.direction == "undermines")


def x_for(moment: dt.date | dt.datetime, start: dt.date, end: dt.date) -> float:
    """Horizontal position of a day or a (local) moment.

    The window runs from 00:00 of its start day to 24:00 of its end day.
    """
    total = ((end - start).days + 1) * 86400
    if isinstance(moment, dt.datetime):
        day = moment.date()
        seconds = (day - start).days * 86400 + moment.hour * 3600 + moment.minute * 60
    else:
        seconds = (moment - start).days * 86400 + 43200  # a day's marker sits at its noon
    share = min(max(seconds / total, 0.0), 1.0)
    return round(LEFT + share * (WIDTH - LEFT - RIGHT), 1)


def y_for(probability: float) -> float:
    """Vertical position of a probability (0 at the bottom of the plot, 1 at the top)."""
    p = min(max(float(probability), 0.0), 1.0)
    return round(PLOT_BOTTOM - p * (PLOT_BOTTOM - PLOT_TOP), 1)


def step_points(
    estimates: list[tuple[dt.datetime, float]], start: dt.date, end: dt.date
) -> list[tuple[float, float]]:
    """Where each estimate starts standing; the first one stands from window start."""
    points: list[tuple[float, float]] = []
    for index, (made_at, probability) in enumerate(sorted(estimates, key=lambda e: e[0])):
        x = float(LEFT) if index == 0 else x_for(made_at, start, end)
        points.append((x, y_for(probability)))
    return points


def step_path(points: list[tuple[float, float]], until_x: float) -> str:
    """SVG path of a step line through ``points`` held flat up to ``until_x``."""
    if not points:
        return ""
    x0, y0 = points[0]
    parts = [f"M{x0:g} {y0:g}"]
    for x, y in points[1:]:
        parts.append(f"H{x:g} V{y:g}")
    parts.append(f"H{max(until_x, points[-1][0]):g}")
    return " ".join(parts)


def timeline(
    *,
    start: dt.date,
    end: dt.date,
    today: dt.date,
    estimates: list[tuple[dt.datetime, float]],
    indicators: list[tuple[dt.date, str, str, str]],
    until: dt.date | None = None,
) -> Timeline:
    """The whole chart.

    ``estimates`` are (made at, probability); ``indicators`` are (observed on, direction,
    strength, label) for active indicators; neutral ones have no marker. The line runs to
    ``until`` (the close of a resolved judgement) or to today, within the window.
    """
    right = float(WIDTH - RIGHT)
    inside = start <= today <= end
    today_x = x_for(dt.datetime.combine(today, dt.time(12)), start, end) if inside else None
    stop = until or today
    until_x = right if stop > end else (float(LEFT) if stop < start else x_for(stop, start, end))
    points = step_points(estimates, start, end)
    markers = [
        Marker(
            x=x_for(observed_on, start, end),
            y=FOR_Y if direction == "supports" else AGAINST_Y,
            direction=direction,
            strength=strength,
            label=label,
        )
        for observed_on, direction, strength, label in indicators
        if direction in ("supports", "undermines")
    ]
    return Timeline(
        width=WIDTH,
        height=HEIGHT,
        left=float(LEFT),
        right=right,
        plot_top=float(PLOT_TOP),
        plot_bottom=float(PLOT_BOTTOM),
        axis_y=float(AXIS_Y),
        path=step_path(points, until_x),
        points=points,
        today_x=today_x,
        grid=[GridLine(y=y_for(p / 100), label=f"{p}%") for p in GRID_PERCENTS],
        markers=markers,
        start_label=start.strftime("%-d %b %Y"),
        end_label=end.strftime("%-d %b %Y"),
    )


def marker_radius(strength: str) -> int:
    return {"weak": 3, "moderate": 5, "strong": 7}.get(strength, 5)
