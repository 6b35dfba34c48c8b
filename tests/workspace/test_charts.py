"""The timeline chart's geometry: pure functions, no database."""

import datetime as dt

from judgements.workspace import charts

START = dt.date(2026, 1, 1)
END = dt.date(2026, 12, 31)


def test_window_start_and_end_map_to_the_plot_edges():
    assert charts.x_for(dt.datetime(2026, 1, 1, 0, 0), START, END) == charts.LEFT
    assert charts.x_for(dt.date(2027, 1, 1), START, END) == charts.WIDTH - charts.RIGHT


def test_a_day_marker_sits_at_its_noon():
    one_day = (charts.WIDTH - charts.LEFT - charts.RIGHT) / 365
    assert charts.x_for(START, START, END) == round(charts.LEFT + one_day / 2, 1)


def test_moments_outside_the_window_are_clamped_to_its_edges():
    assert charts.x_for(dt.date(2025, 6, 1), START, END) == charts.LEFT
    assert charts.x_for(dt.date(2030, 6, 1), START, END) == charts.WIDTH - charts.RIGHT


def test_probability_zero_is_the_plot_bottom_and_one_the_top():
    assert charts.y_for(0) == charts.PLOT_BOTTOM
    assert charts.y_for(1) == charts.PLOT_TOP
    assert charts.y_for(0.5) == (charts.PLOT_BOTTOM + charts.PLOT_TOP) / 2


def test_the_first_estimate_stands_from_window_start_whatever_its_timestamp():
    late_first = [(dt.datetime(2026, 3, 1, 9), 0.85)]
    assert charts.step_points(late_first, START, END) == [(charts.LEFT, charts.y_for(0.85))]


def test_the_step_line_holds_each_estimate_until_the_next():
    points = [(44.0, 50.0), (100.0, 80.0)]
    assert charts.step_path(points, until_x=300) == "M44 50 H100 V80 H300"


def test_the_step_line_is_empty_without_estimates():
    assert charts.step_path([], until_x=300) == ""


def test_timeline_puts_indicators_for_above_and_against_below_and_skips_neutral():
    chart = charts.timeline(
        start=START,
        end=END,
        today=dt.date(2026, 6, 1),
        estimates=[(dt.datetime(2026, 1, 1, 9), 0.85), (dt.datetime(2026, 5, 1, 12), 0.6)],
        indicators=[
            (dt.date(2026, 2, 1), "supports", "strong", "ships seen"),
            (dt.date(2026, 3, 1), "undermines", "weak", "denial"),
            (dt.date(2026, 4, 1), "neutral", "moderate", "noise"),
        ],
    )
    assert [(m.direction, m.y) for m in chart.markers] == [
        ("supports", charts.FOR_Y),
        ("undermines", charts.AGAINST_Y),
    ]
    assert chart.markers[0].y < charts.PLOT_TOP < charts.PLOT_BOTTOM < chart.markers[1].y
    assert chart.markers[0].r > chart.markers[1].r  # strong is drawn bigger than weak
    assert (chart.for_count, chart.against_count) == (1, 1)
    assert chart.path.startswith(f"M{charts.LEFT:g} {charts.y_for(0.85):g}")
    assert chart.path.endswith(f"H{charts.x_for(dt.date(2026, 6, 1), START, END):g}")
    assert chart.today_x is not None and charts.LEFT < chart.today_x < chart.right


def test_timeline_has_no_today_marker_outside_the_window_and_runs_to_its_end():
    chart = charts.timeline(
        start=START,
        end=END,
        today=dt.date(2027, 2, 1),
        estimates=[(dt.datetime(2026, 1, 1), 0.3)],
        indicators=[],
    )
    assert chart.today_x is None
    assert chart.path.endswith(f"H{chart.right:g}")
    assert (chart.start_label, chart.end_label) == ("1 Jan 2026", "31 Dec 2026")


def test_a_resolved_timeline_stops_at_the_close():
    chart = charts.timeline(
        start=START,
        end=END,
        today=dt.date(2026, 11, 1),
        estimates=[(dt.datetime(2026, 1, 1), 0.3)],
        indicators=[],
        until=dt.date(2026, 4, 1),
    )
    assert chart.path.endswith(f"H{charts.x_for(dt.date(2026, 4, 1), START, END):g}")


def test_the_today_label_stays_inside_the_chart_near_the_window_end():
    near_end = charts.timeline(
        start=START, end=END, today=dt.date(2026, 12, 30), estimates=[], indicators=[]
    )
    middle = charts.timeline(
        start=START, end=END, today=dt.date(2026, 7, 1), estimates=[], indicators=[]
    )
    assert (near_end.today_anchor, middle.today_anchor) == ("end", "middle")
