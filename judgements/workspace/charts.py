"""Geometry of the timeline chart on the judgement page: pure functions, no Django.

The chart answers "how has the estimate moved, and on what evidence?":

- the standing estimate as a step line over the whole window (the first estimate stands from
  window start, each revision from the moment it was made), solid up to today (or the close
  of a resolved judgement) and dashed on to window end, where it stands if nothing changes;
- the band of each estimate's term shaded behind its step;
- indicators for the judgement as upward marks above the plot and indicators against it as
  downward marks below, sized by strength; indicators observed on nearby days share one
  mark with their count, so 500 indicators stay readable; evidence observed before the
  window opened sits in its own "before" column left of window start;
- today and window end marked and labelled.

Early in a window the days so far would collapse onto the left edge, so the time axis bends:
the stretch up to today gets at least ``MIN_SHARE`` of the width and the rest of the window
the remainder; the date labels at start, today and end keep it honest. Two sizes are drawn
(``WIDE`` for desktops, ``COMPACT`` for phones), each legible at its own width. The template
draws inline SVG with attributes and classes only (the Content-Security-Policy forbids
``style=`` attributes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from judgements.core import scales

MIN_SHARE = 0.3  # the smallest share of the width the window so far may take
STRENGTH_SIZE = {"weak": 7.0, "moderate": 9.5, "strong": 13.0}
GRID_PERCENTS = (0, 25, 50, 75, 100)


@dataclass(frozen=True)
class Size:
    """One drawing size of the chart, in SVG user units (1 unit = 1 CSS pixel at full width)."""

    width: int
    height: int
    left: int  # room for the percentage labels
    right: int
    before: int  # width of the "before the window" column when there is such evidence
    bucket: int  # indicators within this many units of each other share a mark
    font: int

    @property
    def label_y(self) -> float:
        return self.font + 2

    @property
    def for_y(self) -> float:
        return self.label_y + 24

    @property
    def plot_top(self) -> float:
        return self.for_y + 18

    @property
    def plot_bottom(self) -> float:
        return self.height - self.font * 2 - 44

    @property
    def against_y(self) -> float:
        return self.plot_bottom + 20

    @property
    def axis_y(self) -> float:
        return self.height - 6


WIDE = Size(width=620, height=290, left=40, right=12, before=44, bucket=9, font=12)
COMPACT = Size(width=360, height=290, left=40, right=10, before=38, bucket=12, font=12)


@dataclass(frozen=True)
class Marker:
    """One mark: the indicators of one direction observed close together."""

    x: float
    y: float
    direction: str  # "supports" or "undermines"
    strength: str  # the strongest among them
    count: int
    labels: tuple[str, ...]
    before_window: bool = False

    @property
    def r(self) -> float:
        """Half the mark's size: it grows with the strongest indicator's strength."""
        return STRENGTH_SIZE.get(self.strength, STRENGTH_SIZE["moderate"]) / 2 + 1

    @property
    def points(self) -> str:
        """A triangle pointing up (for) or down (against), centred on (x, y)."""
        size = STRENGTH_SIZE.get(self.strength, STRENGTH_SIZE["moderate"])
        half, up = size * 0.6, self.direction == "supports"
        tip, base = (self.y - size / 2, self.y + size / 2)
        if not up:
            tip, base = base, tip
        return f"{self.x - half:g},{base:g} {self.x + half:g},{base:g} {self.x:g},{tip:g}"

    @property
    def count_x(self) -> float:
        return round(self.x + STRENGTH_SIZE.get(self.strength, 7.0) * 0.6 + 2, 1)

    @property
    def title(self) -> str:
        side = "for" if self.direction == "supports" else "against"
        when = " (observed before the window)" if self.before_window else ""
        head = f"{self.count} indicator{'s' if self.count > 1 else ''} {side}{when}"
        shown = "; ".join(label[:80] for label in self.labels[:5])
        more = f"; and {self.count - 5} more" if self.count > 5 else ""
        return f"{head}: {shown}{more}"


@dataclass(frozen=True)
class Band:
    x: float
    y: float
    width: float
    height: float
    label: str


@dataclass(frozen=True)
class GridLine:
    y: float
    label: str


@dataclass(frozen=True)
class Tick:
    x: float
    label: str
    anchor: str


@dataclass(frozen=True)
class Timeline:
    size: Size
    left: float  # window start
    right: float  # end of the window's last day
    path: str  # the step line up to today or the close ("" without estimates)
    ahead: str  # its dashed continuation to window end ("" once resolved or over)
    points: list[tuple[float, float]]  # where each estimate starts standing
    bands: list[Band]
    today_x: float | None  # None when today lies outside the window
    end_x: float
    grid: list[GridLine] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    before_x: float | None = None  # centre of the "before the window" column, if any
    stretched: bool = False  # the days so far were given more room than their share
    axis: Axis | None = None  # time to x, for marks other features place (signposts)
    start_label: str = ""
    end_label: str = ""

    @property
    def width(self) -> int:
        return self.size.width

    @property
    def height(self) -> int:
        return self.size.height

    @property
    def plot_top(self) -> float:
        return self.size.plot_top

    @property
    def plot_bottom(self) -> float:
        return self.size.plot_bottom

    @property
    def axis_y(self) -> float:
        return self.size.axis_y

    @property
    def label_y(self) -> float:
        return self.size.label_y

    @property
    def for_y(self) -> float:
        return self.size.for_y

    @property
    def against_y(self) -> float:
        return self.size.against_y

    @property
    def lane_label_x(self) -> float:
        return 2.0

    def x_of(self, moment: dt.date | dt.datetime) -> float:
        """Where a day (at its noon) or a moment sits on this chart's time axis."""
        assert self.axis is not None
        return self.axis.x(moment)

    @property
    def today_anchor(self) -> str:
        """Keep the "today" label inside the chart near either edge."""
        if self.today_x is None or self.left + 40 <= self.today_x <= self.right - 40:
            return "middle"
        return "start" if self.today_x < self.left + 40 else "end"

    @property
    def today_label_shown(self) -> bool:
        """The "today" label is dropped when it would sit on the window-end label."""
        return self.today_x is not None and self.right - self.today_x > 70

    @property
    def for_count(self) -> int:
        return sum(m.count for m in self.markers if m.direction == "supports")

    @property
    def against_count(self) -> int:
        return sum(m.count for m in self.markers if m.direction == "undermines")

    @property
    def before_count(self) -> int:
        return sum(m.count for m in self.markers if m.before_window)


def day_label(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


@dataclass(frozen=True)
class Axis:
    """Time to x over the window [start 00:00, end 24:00), bent at ``knee`` when the days up
    to it would otherwise take less than ``MIN_SHARE`` of the width."""

    start: dt.date
    end: dt.date
    x0: float
    x1: float
    knee: dt.date | None = None  # the day after the knee's day starts at its x

    def seconds(self, moment: dt.date | dt.datetime) -> float:
        if isinstance(moment, dt.datetime):
            day = moment.date()
            return (day - self.start).days * 86400 + moment.hour * 3600 + moment.minute * 60
        return (moment - self.start).days * 86400 + 43200  # a day's mark sits at its noon

    @property
    def total(self) -> float:
        return ((self.end - self.start).days + 1) * 86400

    @property
    def knee_share(self) -> float | None:
        if self.knee is None:
            return None
        share = ((self.knee - self.start).days + 1) * 86400 / self.total
        return share if 0 < share < MIN_SHARE else None

    def x(self, moment: dt.date | dt.datetime) -> float:
        share = min(max(self.seconds(moment) / self.total, 0.0), 1.0)
        knee = self.knee_share
        if knee is not None:
            if share <= knee:
                share = share / knee * MIN_SHARE
            else:
                share = MIN_SHARE + (share - knee) / (1 - knee) * (1 - MIN_SHARE)
        return round(self.x0 + share * (self.x1 - self.x0), 1)


def y_for(probability: float, size: Size = WIDE) -> float:
    """Vertical position of a probability (0 at the bottom of the plot, 1 at the top)."""
    p = min(max(float(probability), 0.0), 1.0)
    return round(size.plot_bottom - p * (size.plot_bottom - size.plot_top), 1)


def step_points(
    estimates: Sequence[tuple[dt.datetime, float]], axis: Axis, size: Size = WIDE
) -> list[tuple[float, float]]:
    """Where each estimate starts standing; the first one stands from window start."""
    points: list[tuple[float, float]] = []
    for index, (made_at, probability) in enumerate(sorted(estimates, key=lambda e: e[0])):
        x = axis.x0 if index == 0 else max(axis.x(made_at), axis.x0)
        points.append((x, y_for(probability, size)))
    return points


def step_path(points: list[tuple[float, float]], until_x: float) -> str:
    """SVG path of a step line through ``points`` held flat up to ``until_x``."""
    if not points:
        return ""
    x0, y0 = points[0]
    parts = [f"M{x0:g} {y0:g}"]
    for x, y in points[1:]:
        if x > until_x:
            break
        parts.append(f"H{x:g} V{y:g}")
    parts.append(f"H{max(until_x, x0):g}")
    return " ".join(parts)


def _bands(
    estimates: Sequence[tuple[dt.datetime, float]],
    points: list[tuple[float, float]],
    stop_x: float,
    scale: scales.Scale | None,
    size: Size,
) -> list[Band]:
    """The band of each estimate's term behind the stretch where it stands."""
    if scale is None:
        return []
    ordered = sorted(estimates, key=lambda e: e[0])
    bands = []
    for index, ((_, probability), (x, _)) in enumerate(zip(ordered, points, strict=True)):
        upto = points[index + 1][0] if index + 1 < len(points) else stop_x
        term = scale.place(probability).term
        if term is None or upto <= x:
            continue
        top, bottom = y_for(float(term.hi) / 100, size), y_for(float(term.lo) / 100, size)
        bands.append(Band(x, top, round(upto - x, 1), round(bottom - top, 1), f"{term.label} band"))
    return bands


def _markers(
    indicators: Sequence[tuple[dt.date, str, str, str]],
    axis: Axis,
    size: Size,
    before_x: float | None,
) -> list[Marker]:
    """One mark per direction and bucket of nearby days (or the "before" column)."""
    rank = {"weak": 0, "moderate": 1, "strong": 2}
    groups: dict[tuple[str, int | None], list[tuple[float, str, str]]] = {}
    for observed_on, direction, strength, label in sorted(indicators, key=lambda i: i[0]):
        if direction not in ("supports", "undermines"):
            continue
        if observed_on < axis.start and before_x is not None:
            key: tuple[str, int | None] = (direction, None)
            x = before_x
        else:
            x = axis.x(observed_on)
            key = (direction, int((x - axis.x0) // size.bucket))
        groups.setdefault(key, []).append((x, strength, label))
    markers = []
    for (direction, bucket), members in groups.items():
        strongest = max((s for _, s, _ in members), key=lambda s: rank.get(s, 1))
        x = before_x if bucket is None else round(sum(m[0] for m in members) / len(members), 1)
        markers.append(
            Marker(
                x=x,  # type: ignore[arg-type]
                y=size.for_y if direction == "supports" else size.against_y,
                direction=direction,
                strength=strongest,
                count=len(members),
                labels=tuple(m[2] for m in members),
                before_window=bucket is None,
            )
        )
    return sorted(markers, key=lambda m: (m.x, m.direction))


def timeline(
    *,
    start: dt.date,
    end: dt.date,
    today: dt.date,
    estimates: Sequence[tuple[dt.datetime, float]],
    indicators: Sequence[tuple[dt.date, str, str, str]],
    until: dt.date | None = None,
    scale: scales.Scale | None = None,
    size: Size = WIDE,
) -> Timeline:
    """The whole chart at one size.

    ``estimates`` are (made at, probability) in site time; ``indicators`` are (observed on,
    direction, strength, label) for active indicators (neutral ones get no mark); ``until``
    is the close of a resolved judgement (the line stops there); ``scale`` shades the band
    of each estimate's term.
    """
    has_before = any(day < start for day, *_ in indicators)
    x0 = float(size.left + (size.before if has_before else 0))
    x1 = float(size.width - size.right)
    stop = until or today
    knee = stop if start <= stop <= end else None
    axis = Axis(start, end, x0, x1, knee=knee)
    if stop > end:
        stop_x = x1
    elif stop < start:
        stop_x = x0
    else:
        stop_x = axis.x(stop + dt.timedelta(days=1)) if until is None else axis.x(stop)
        stop_x = min(stop_x, x1)
    points = step_points(estimates, axis, size)
    path = step_path(points, stop_x)
    ahead = ""
    if points and until is None and stop_x < x1:
        ahead = f"M{stop_x:g} {_y_at(points, stop_x):g} H{x1:g}"
    today_x = axis.x(dt.datetime.combine(today, dt.time(12))) if start <= today <= end else None
    before_x = round(size.left + size.before / 2, 1) if has_before else None
    ticks = [Tick(x0, day_label(start), "start"), Tick(x1, day_label(end), "end")]
    if until is None and today_x is not None and x0 + 80 < today_x < x1 - 80:
        ticks.insert(1, Tick(today_x, day_label(today), "middle"))
    return Timeline(
        size=size,
        left=x0,
        right=x1,
        path=path,
        ahead=ahead,
        points=points,
        bands=_bands(estimates, points, x1 if until is None else stop_x, scale, size),
        today_x=today_x,
        end_x=x1,
        grid=[GridLine(y=y_for(p / 100, size), label=f"{p}%") for p in GRID_PERCENTS],
        markers=_markers(indicators, axis, size, before_x),
        ticks=ticks,
        before_x=before_x,
        stretched=axis.knee_share is not None,
        axis=axis,
        start_label=day_label(start),
        end_label=day_label(end),
    )


def _y_at(points: list[tuple[float, float]], x: float) -> float:
    """The height of the step line at ``x``: the last estimate standing there."""
    standing = [y for px, y in points if px <= x]
    return standing[-1] if standing else points[0][1]
