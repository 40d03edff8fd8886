"""ComparisonTimelines: several runs' timelines stacked on one time axis."""

from __future__ import annotations

import pytest

from gcdapp.ui.charts.comparison import ComparisonTimelines
from gcdapp.ui.charts.timing import TimingChart
from tests.ui.charts.test_timing import fake_run


@pytest.fixture
def chart(qtbot):
    w = TimingChart()
    qtbot.addWidget(w)
    w.resize(1200, 700)
    return w


def _runs(chart):
    runs = []
    for run_id, (mode, workers, task_s) in enumerate(
            [("serial", 1, 0.02), ("threads", 2, 0.02), ("processes", 2, 0.01)], start=1):
        info, pairs, _batches, result = fake_run(mode, workers, task_s=task_s)
        chart.add_finished_run(run_id, f"#{run_id} {mode}", "#4e8fd1", result, None)
        runs.append((run_id, result, pairs))
    return runs


def test_one_timeline_per_run_stacked_on_one_time_axis(chart, qtbot):
    runs = _runs(chart)
    chart.show()
    qtbot.waitExposed(chart)
    chart.show_comparison(runs)
    assert chart.showing_comparison()
    view = chart.comparison
    assert isinstance(view, ComparisonTimelines)
    assert view.accessibleName() == "Comparison timelines"
    assert view.isVisible() and not chart.timeline.isVisible()
    timelines = view.timelines()
    assert len(timelines) == 3
    assert view.run_ids() == [1, 2, 3]
    # each shows its own run's tasks and lanes
    for timeline, (_id, result, _pairs) in zip(timelines, runs):
        assert timeline.task_count() == len(result.tasks)
        assert timeline.lane_labels() == list(result.tasks.lanes)
    # top to bottom, in the order given
    ys = [t.mapTo(chart, t.rect().topLeft()).y() for t in timelines]
    assert ys == sorted(ys) and len(set(ys)) == 3
    # one shared x range, covering the longest run's wall time
    longest = max(result.wall_s for _i, result, _p in runs)
    # (linked views agree to the last few bits of a float)
    qtbot.waitUntil(lambda: all(
        t.getPlotItem().getViewBox().viewRange()[0] == pytest.approx(
            timelines[0].getPlotItem().getViewBox().viewRange()[0], rel=1e-9, abs=1e-12)
        for t in timelines))
    lo, hi = view.x_range()
    assert lo <= 0.0 and hi >= longest
    assert hi < 1.5 * longest  # the longest run fills the width
    # zooming one zooms all
    timelines[1].setXRange(0.1, 0.2, padding=0)
    qtbot.waitUntil(lambda: all(
        abs(t.getPlotItem().getViewBox().viewRange()[0][1] - 0.2) < 1e-9 for t in timelines))
    # the time axes line up: every lane axis as wide as the widest
    widths = {t.getPlotItem().getAxis("left").width() for t in timelines}
    assert len(widths) == 1
    # only the bottom one is labelled with the time
    labels = [t.getPlotItem().getAxis("bottom").label.toPlainText() for t in timelines]
    assert labels[-1] and not any(labels[:-1])


def test_clicking_a_task_in_a_stacked_timeline_names_its_run(chart, qtbot):
    runs = _runs(chart)
    chart.show_comparison(runs)
    timeline = chart.comparison.timelines()[2]
    with qtbot.waitSignal(chart.taskChosen) as blocker:
        timeline.click_task(4)
    assert blocker.args == [3, 4]


def test_a_single_run_or_a_new_run_brings_the_single_timeline_back(chart):
    runs = _runs(chart)
    chart.show_comparison(runs)
    run_id, result, pairs = runs[1]
    chart.show_run(run_id, result, pairs)
    assert not chart.showing_comparison()
    assert chart.comparison.timelines() == []
    assert chart.timeline.task_count() == len(result.tasks)
    chart.show_comparison(runs[:2])
    assert len(chart.comparison.timelines()) == 2
    info, pairs, batches, _result = fake_run("threads", 2)
    chart.begin_run(9, info, pairs, "#9 threads", "#f28e2b")
    assert not chart.showing_comparison()
    chart.show_comparison(runs)
    chart.clear()
    assert not chart.showing_comparison() and chart.comparison.timelines() == []


def test_first_run_note_instead_of_empty_axes(chart, qtbot):
    chart.show()
    qtbot.waitExposed(chart)
    note = chart.first_run_note
    assert note.isVisible()
    assert note.geometry() == chart.rect()  # covers the empty axes
    text = note.text()
    assert "Run" in text and "F5" in text and "Compare modes" in text and "Ctrl+F5" in text
    info, pairs, batches, result = fake_run("serial", 1)
    chart.begin_run(1, info, pairs, "#1 serial", "#8c8c8c")
    assert not note.isVisible()
    chart.clear()
    assert note.isVisible()
    chart.add_finished_run(2, "#2 serial", "#8c8c8c", result, None)
    assert not note.isVisible()
    chart.remove_run(2)
    assert note.isVisible()


def test_stacked_timelines_label_every_lane(chart, qtbot):
    runs = _runs(chart)
    chart.resize(1000, 520)
    chart.show()
    qtbot.waitExposed(chart)
    chart.show_comparison(runs)
    for timeline, (_id, result, _p) in zip(chart.comparison.timelines(), runs):
        qtbot.waitUntil(lambda t=timeline, r=result: t.lane_tick_labels() == list(r.tasks.lanes))



def test_stacked_runs_from_different_pythons_say_which(chart):
    from dataclasses import replace

    from gcdapp.core.pythons.run_python import running_label

    _info, pairs, _batches, here = fake_run("threads", 2)
    there = replace(here)
    there.python = {"version": "3.13.0", "executable": "/opt/bin/python3.13",
                    "free_threaded_build": False, "gil_enabled": True}
    for run_id, result in ((1, here), (2, there), (3, here)):
        chart.add_finished_run(run_id, f"#{run_id} threads ×2", "#4e8fd1", result, None)
    chart.show_comparison([(1, here, pairs), (3, here, pairs)])
    same = [r.label for r in chart.comparison._runs]
    assert same == ["#1 threads ×2", "#3 threads ×2"]
    chart.show_comparison([(1, here, pairs), (2, there, pairs)])
    assert [r.label for r in chart.comparison._runs] == [
        f"#1 threads ×2 · {running_label()}", "#2 threads ×2 · 3.13.0"]
