"""CompletionChart: pairs completed against time, one curve per run."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QPalette

from gcdapp.core.events import RunInfo, RunResult, TaskBatch
from gcdapp.ui.charts.completion import CompletionChart
from gcdapp.ui.charts.palette import mode_color


def make_batch(t_end, count, lanes=("pid 1",)) -> TaskBatch:
    t_end = np.asarray(t_end, dtype=np.float64)
    count = np.asarray(count, dtype=np.int64)
    start = np.concatenate(([0], np.cumsum(count)[:-1])) if len(count) else count
    n_pairs = int(count.sum())
    return TaskBatch(
        start=start.astype(np.int64),
        count=count,
        t_start=t_end - 0.001,
        t_end=t_end,
        lane=np.zeros(len(t_end), dtype=np.int32),
        lanes=tuple(lanes),
        pair_index=np.arange(n_pairs, dtype=np.int64),
        gcd=np.ones(n_pairs, dtype=np.int64),
    )


def make_result(tasks: TaskBatch, wall_s: float, status="completed") -> RunResult:
    n_pairs = int(tasks.count.sum())
    info = RunInfo("threads", "euclid", 2, 1, None, n_pairs, len(tasks))
    return RunResult(
        info=info,
        status=status,
        results=np.ones(n_pairs, dtype=np.int64),
        done=np.ones(n_pairs, dtype=bool),
        tasks=tasks,
        wall_s=wall_s,
        startup_s=0.01,
    )


@pytest.fixture
def chart(qtbot):
    w = CompletionChart()
    qtbot.addWidget(w)
    w.resize(600, 350)
    return w


def test_curve_counts_pairs_against_completion_time(chart):
    chart.begin_run(1, "threads ×2 #1", mode_color("threads"))
    chart.add_batch(1, make_batch([0.3, 0.1, 0.2], [10, 10, 5]))
    chart.add_batch(1, make_batch([0.4, 0.5], [1, 2]))
    x, y = chart.curve_data(1)
    assert x.tolist() == pytest.approx([0.0, 0.1, 0.2, 0.3, 0.4, 0.5])
    assert y.tolist() == [0, 10, 15, 25, 26, 28]
    assert chart.completed(1) == 28
    # the drawn curve holds the same points, as a step
    curve = chart.getPlotItem().listDataItems()[0]
    cx, cy = curve.getOriginalDataset()
    assert cy.tolist() == [0, 10, 15, 25, 26, 28]
    assert curve.opts["stepMode"] == "right"
    assert not chart.grab().isNull()


def test_a_batch_finishing_earlier_than_the_last_point_is_merged_in_order(chart):
    chart.begin_run(1, "p", "#4e8fd1")
    chart.add_batch(1, make_batch([0.2, 0.4], [1, 1]))
    chart.add_batch(1, make_batch([0.3, 0.1], [5, 7]))  # out of order across batches
    x, y = chart.curve_data(1)
    assert x.tolist() == pytest.approx([0.0, 0.1, 0.2, 0.3, 0.4])
    assert y.tolist() == [0, 7, 8, 13, 14]
    assert np.all(np.diff(x) >= 0)


def test_buffers_grow_past_their_initial_capacity(chart):
    chart.begin_run(1, "p", "#4e8fd1")
    t = 0.0
    for _ in range(50):
        times = t + np.arange(1, 1001) * 1e-5
        chart.add_batch(1, make_batch(times, np.ones(1000)))
        t = times[-1]
    x, y = chart.curve_data(1)
    assert len(x) == 50_001
    assert y[-1] == 50_000
    assert np.all(np.diff(y) == 1)
    assert not chart.grab().isNull()


def test_curves_use_the_fast_drawing_options(chart):
    chart.begin_run(1, "p", QColor("#4e8fd1"))
    curve = chart.getPlotItem().listDataItems()[0]
    assert curve.opts["skipFiniteCheck"] is True
    assert curve.opts["autoDownsample"] is True
    assert curve.opts["downsampleMethod"] == "peak"
    assert curve.opts["clipToView"] is True
    pen = curve.opts["pen"]
    assert pen.isCosmetic() and pen.widthF() <= 1
    assert pen.color() == QColor("#4e8fd1")


def test_finish_run_redraws_from_the_result_and_holds_until_wall_time(chart):
    chart.begin_run(3, "processes ×2 #3", mode_color("processes"))
    chart.add_batch(3, make_batch([0.2], [4]))  # a batch got lost on the way
    tasks = make_batch([0.2, 0.25, 0.3], [4, 4, 2])
    chart.finish_run(3, make_result(tasks, wall_s=0.42))
    x, y = chart.curve_data(3)
    assert x.tolist() == pytest.approx([0.0, 0.2, 0.25, 0.3, 0.42])
    assert y.tolist() == [0, 4, 8, 10, 10]
    assert chart.completed(3) == 10


def test_cancelled_run_says_so_in_the_legend(chart):
    chart.begin_run(1, "threads ×4 #1", "#f28e2b")
    chart.finish_run(1, make_result(make_batch([0.1], [3]), 0.2, status="cancelled"))
    assert chart.legend_labels() == ["threads ×4 #1 (cancelled)"]


def test_legend_has_an_entry_per_run(chart):
    chart.begin_run(1, "serial #1", mode_color("serial"))
    chart.begin_run(2, "threads ×2 #2", mode_color("threads"))
    chart.add_finished_run(3, "processes ×2 #3", mode_color("processes"),
                           make_result(make_batch([0.1, 0.2], [5, 5]), 0.3))
    assert chart.curve_count() == 3
    assert chart.legend_labels() == ["serial #1", "threads ×2 #2", "processes ×2 #3"]
    assert chart.completed(3) == 10
    assert len(chart.getPlotItem().listDataItems()) == 3
    assert not chart.grab().isNull()


def test_remove_run_and_clear(chart):
    for run_id in (1, 2, 3):
        chart.begin_run(run_id, f"run #{run_id}", "#888888")
        chart.add_batch(run_id, make_batch([0.1 * run_id], [run_id]))
    chart.remove_run(2)
    assert chart.curve_count() == 2
    assert chart.run_ids() == [1, 3]
    assert chart.legend_labels() == ["run #1", "run #3"]
    assert len(chart.getPlotItem().listDataItems()) == 2
    chart.remove_run(99)  # unknown ids are ignored
    chart.add_batch(2, make_batch([0.5], [1]))  # so are late batches of a removed run
    chart.clear()
    assert chart.curve_count() == 0
    assert chart.legend_labels() == []
    assert chart.getPlotItem().listDataItems() == []
    assert not chart.grab().isNull()


def test_begin_run_with_a_known_id_replaces_its_curve(chart):
    chart.begin_run(1, "first", "#888888")
    chart.add_batch(1, make_batch([0.1], [5]))
    chart.begin_run(1, "again", "#888888")
    assert chart.curve_count() == 1
    assert chart.legend_labels() == ["again"]
    assert chart.completed(1) == 0


def test_axis_labels_and_palette(chart):
    item = chart.getPlotItem()
    assert item.getAxis("bottom").labelText == "time since run start (s)"
    assert item.getAxis("left").labelText == "pairs completed"
    assert chart.accessibleName() == "Completion curves"
    assert chart.backgroundBrush().color() == chart.palette().color(QPalette.ColorRole.Base)
    pal = chart.palette()
    pal.setColor(QPalette.ColorRole.Base, QColor("#202020"))
    pal.setColor(QPalette.ColorRole.Text, QColor("#f0f0f0"))
    chart.setPalette(pal)
    chart.begin_run(1, "dark", "#f28e2b")
    assert chart.backgroundBrush().color() == QColor("#202020")
    assert item.getAxis("bottom").textPen().color() == QColor("#f0f0f0")
    assert item.legend.opts["labelTextColor"] == QColor("#f0f0f0")


# -- live runs: fixed y, stepped x, auto-range again afterwards ---------------


def view_range(chart):
    chart.grab()  # (a paint runs any pending auto-range)
    return chart.getPlotItem().getViewBox().viewRange()


def test_a_live_run_shows_its_total_at_once_and_grows_x_in_steps(chart):
    vb = chart.getPlotItem().getViewBox()
    chart.begin_run(1, "processes ×2 #1", mode_color("processes"), total=1000)
    (x0, x1), (y0, y1) = vb.viewRange()
    assert y0 <= 0 and 1000 <= y1 <= 1050  # the whole run's height from the start
    assert vb.autoRangeEnabled() == [False, False]
    for i in range(1, 41):  # 40 batches of 25 pairs, 0.01 s apart
        chart.add_batch(1, make_batch([0.01 * i], [25]))
        (x0, x1), (y0, y1) = vb.viewRange()
        assert x1 >= 0.01 * i and 1000 <= y1 <= 1050  # the curve is in view
        assert vb.autoRangeEnabled() == [False, False]  # no per-batch auto-range
    assert chart.live_range().range_changes <= 8
    chart.finish_run(1, make_result(make_batch([0.01 * i for i in range(1, 41)], [25] * 40), 0.45))
    assert vb.autoRangeEnabled()[0] and vb.autoRangeEnabled()[1]
    (x0, x1), (y0, y1) = view_range(chart)
    assert x0 <= 0 and 0.45 <= x1 < 0.55  # fits the finished curve (with auto-range's padding)
    assert y0 <= 0 and 1000 <= y1 < 1200


def test_a_live_run_keeps_earlier_curves_in_view(chart):
    chart.add_finished_run(1, "serial #1", mode_color("serial"),
                           make_result(make_batch([1.0, 2.0], [300, 300]), 3.0))
    chart.begin_run(2, "processes ×2 #2", mode_color("processes"), total=400)
    (x0, x1), (y0, y1) = chart.getPlotItem().getViewBox().viewRange()
    assert x1 >= 3.0 and y1 >= 600
    changes = chart.live_range().range_changes
    chart.add_batch(2, make_batch([0.5], [400]))
    assert chart.live_range().range_changes == changes  # the serial curve already spans it


def test_a_zoomed_view_is_left_to_the_user(chart):
    vb = chart.getPlotItem().getViewBox()
    chart.add_finished_run(1, "serial #1", mode_color("serial"),
                           make_result(make_batch([1.0, 2.0], [300, 300]), 3.0))
    view_range(chart)
    vb.setRange(xRange=(0.5, 1.5), yRange=(100, 200), padding=0)  # the user zooms in
    vb.sigRangeChangedManually.emit(vb.state["mouseEnabled"])
    zoomed = vb.viewRange()
    chart.begin_run(2, "threads ×2 #2", mode_color("threads"), total=600)  # a new run
    chart.add_batch(2, make_batch([4.0], [600]))
    chart.finish_run(2, make_result(make_batch([4.0], [600]), 4.5))
    after = view_range(chart)
    assert after[0] == pytest.approx(zoomed[0]) and after[1] == pytest.approx(zoomed[1])
    assert vb.autoRangeEnabled() == [False, False]


def test_a_zoom_during_a_live_run_stops_the_following(chart):
    vb = chart.getPlotItem().getViewBox()
    chart.begin_run(1, "threads ×2 #1", mode_color("threads"), total=100)
    chart.add_batch(1, make_batch([0.1], [10]))
    vb.setRange(xRange=(0.0, 0.05), padding=0)
    vb.sigRangeChangedManually.emit(vb.state["mouseEnabled"])
    chart.add_batch(1, make_batch([0.5], [90]))
    assert vb.viewRange()[0] == pytest.approx([0.0, 0.05])
    chart.finish_run(1, make_result(make_batch([0.1, 0.5], [10, 90]), 0.6))
    assert view_range(chart)[0] == pytest.approx([0.0, 0.05])

