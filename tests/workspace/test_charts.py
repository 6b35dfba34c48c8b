"""The timeline chart's geometry: pure functions, no database."""

import datetime as dt

import pytest

from judgements.core.scales import get_scale
from judgements.workspace import charts

START = dt.date(2026, 1, 1)
END = dt.date(2026, 12, 31)
WIDE = charts.WIDE


def axis(knee=None) -> charts.Axis:
    return charts.Axis(START, END, WIDE.left, WIDE.width - WIDE.right, knee=knee)


def chart(today=dt.date(2026, 7, 1), **kwargs):
    kwargs.setdefault("estimates", [(dt.datetime(2026, 1, 1, 9), 0.85)])
    kwargs.setdefault("indicators", [])
    return charts.timeline(start=START, end=END, today=today, **kwargs)


def test_window_start_and_end_map_to_the_plot_edges():
    assert axis().x(dt.datetime(2026, 1, 1, 0, 0)) == WIDE.left
    assert axis().x(dt.date(2027, 1, 1)) == WIDE.width - WIDE.right


def test_a_day_mark_sits_at_its_noon():
    one_day = (WIDE.width - WIDE.left - WIDE.right) / 365
    assert axis().x(START) == round(WIDE.left + one_day / 2, 1)


def test_moments_outside_the_window_are_clamped_to_its_edges():
    assert axis().x(dt.date(2025, 6, 1)) == WIDE.left
    assert axis().x(dt.date(2030, 6, 1)) == WIDE.width - WIDE.right


def test_probability_zero_is_the_plot_bottom_and_one_the_top():
    assert charts.y_for(0) == WIDE.plot_bottom
    assert charts.y_for(1) == WIDE.plot_top
    assert charts.y_for(0.5) == (WIDE.plot_bottom + WIDE.plot_top) / 2


def test_the_first_estimate_stands_from_window_start_whatever_its_timestamp():
    late_first = [(dt.datetime(2026, 3, 1, 9), 0.85)]
    assert charts.step_points(late_first, axis()) == [(WIDE.left, charts.y_for(0.85))]


def test_the_step_line_holds_each_estimate_until_the_next():
    points = [(44.0, 50.0), (100.0, 80.0)]
    assert charts.step_path(points, until_x=300) == "M44 50 H100 V80 H300"
    assert charts.step_path([], until_x=300) == ""


def test_the_line_is_solid_to_today_and_dashed_on_to_window_end():
    drawn = chart(estimates=[(dt.datetime(2026, 1, 1, 9), 0.85), (dt.datetime(2026, 5, 1), 0.6)])
    today_end = axis().x(dt.date(2026, 7, 2))
    assert drawn.path.endswith(f"H{today_end:g}")
    assert drawn.ahead == f"M{today_end:g} {charts.y_for(0.6):g} H{drawn.right:g}"


def test_the_terms_band_is_shaded_behind_each_step():
    drawn = chart(
        estimates=[(dt.datetime(2026, 1, 1, 9), 0.85), (dt.datetime(2026, 5, 1), 0.6)],
        scale=get_scale("phia"),
    )
    highly_likely, likely = drawn.bands
    assert (highly_likely.y, highly_likely.y + highly_likely.height) == pytest.approx(
        (charts.y_for(0.9), charts.y_for(0.8))
    )
    assert (likely.y, likely.y + likely.height) == pytest.approx(
        (charts.y_for(0.75), charts.y_for(0.55))
    )
    assert likely.x + likely.width == drawn.right  # the standing estimate's band runs on
    # A number in a gap of the scale (52%) has no band to shade.
    assert chart(estimates=[(dt.datetime(2026, 1, 1), 0.52)], scale=get_scale("phia")).bands == []


def test_indicators_for_sit_above_against_below_sized_by_strength_and_neutral_skipped():
    drawn = chart(
        indicators=[
            (dt.date(2026, 2, 1), "supports", "strong", "ships seen"),
            (dt.date(2026, 3, 1), "undermines", "weak", "denial"),
            (dt.date(2026, 4, 1), "neutral", "moderate", "noise"),
        ],
    )
    assert [(m.direction, m.y) for m in drawn.markers] == [
        ("supports", WIDE.for_y),
        ("undermines", WIDE.against_y),
    ]
    assert WIDE.for_y < WIDE.plot_top < WIDE.plot_bottom < WIDE.against_y
    assert drawn.markers[0].r > drawn.markers[1].r  # strong is drawn bigger than weak
    assert (drawn.for_count, drawn.against_count) == (1, 1)


def test_indicators_on_nearby_days_share_one_mark_with_their_count():
    many = [(dt.date(2026, 2, 1), "supports", "weak", f"report {n}") for n in range(500)]
    drawn = chart(indicators=[*many, (dt.date(2026, 2, 1), "supports", "strong", "key")])
    assert len(drawn.markers) == 1
    mark = drawn.markers[0]
    assert (mark.count, mark.strength) == (501, "strong")
    assert mark.title.startswith("501 indicators for: report 0;") and "496 more" in mark.title


def test_evidence_observed_before_the_window_sits_in_its_own_column():
    drawn = chart(indicators=[(dt.date(2025, 11, 3), "supports", "moderate", "old report")])
    assert drawn.before_x is not None and drawn.before_x < drawn.left
    assert drawn.left == WIDE.left + WIDE.before  # the window makes room for the column
    assert drawn.markers[0].before_window and drawn.markers[0].x == drawn.before_x
    assert "before the window" in drawn.markers[0].title
    assert chart().before_x is None and chart().left == WIDE.left


def test_the_first_days_of_a_window_get_room_instead_of_collapsing_on_the_left_edge():
    early = chart(
        today=dt.date(2026, 1, 3),
        estimates=[(dt.datetime(2026, 1, 1, 9), 0.3), (dt.datetime(2026, 1, 2, 15), 0.6)],
        indicators=[(dt.date(2026, 1, 2), "supports", "moderate", "first sign")],
    )
    width = early.right - early.left
    assert early.stretched
    assert early.today_x - early.left > 0.2 * width  # three days take about 30%
    revision_x = early.points[1][0]
    assert revision_x - early.left > 0.15 * width
    # Late in the window the axis is linear again.
    assert not chart(today=dt.date(2026, 9, 1)).stretched


def test_today_and_window_end_are_marked_and_labelled():
    drawn = chart(today=dt.date(2026, 7, 1))
    assert drawn.today_x is not None and drawn.left < drawn.today_x < drawn.right
    assert drawn.end_x == drawn.right
    assert [t.label for t in drawn.ticks] == ["1 Jan 2026", "1 Jul 2026", "31 Dec 2026"]
    after = chart(today=dt.date(2027, 2, 1))
    assert after.today_x is None and after.path.endswith(f"H{after.right:g}")
    assert after.ahead == ""


def test_a_resolved_timeline_stops_at_the_close_with_nothing_ahead():
    close = dt.date(2026, 6, 1)
    drawn = chart(today=dt.date(2026, 11, 1), until=close)
    assert drawn.ahead == "" and drawn.today_x is not None
    assert drawn.path.endswith(f"H{axis().x(close):g}")


def test_the_compact_size_keeps_text_at_its_own_scale():
    compact = chart(size=charts.COMPACT)
    assert compact.width == charts.COMPACT.width < WIDE.width
    # Drawn at 390 px the compact chart keeps about 1:1 scale, so 12-unit text stays 12 px.
    assert charts.COMPACT.width <= 390 and charts.COMPACT.font >= 12


def test_the_today_label_stays_inside_the_chart_near_the_window_end():
    near_end = chart(today=dt.date(2026, 12, 30))
    middle = chart(today=dt.date(2026, 7, 1))
    assert (near_end.today_anchor, middle.today_anchor) == ("end", "middle")
    assert not near_end.today_label_shown  # it would sit on "Window ends"
