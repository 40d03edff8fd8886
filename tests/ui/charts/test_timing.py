"""TimingChart: the three charts composed, and the shared mode colours."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QColor, QPalette

from gcdapp.core.events import RunInfo, RunResult, TaskBatch
from gcdapp.ui.charts.completion import CompletionChart
from gcdapp.ui.charts.palette import QUALITATIVE, mode_color, run_color
from gcdapp.ui.charts.timeline import TimelineChart
from gcdapp.ui.charts.timing import TimingChart
from gcdapp.ui.charts.walls import WallTimeChart


def fake_run(mode: str, workers: int, n_tasks: int = 40, chunk: int = 5, task_s: float = 0.01):
    """A finished run: tasks round-robin over ``workers`` lanes, in 4 batches."""
    n_pairs = n_tasks * chunk
    pairs = np.arange(1, 2 * n_pairs + 1, dtype=np.int64).reshape(n_pairs, 2)
    idx = np.arange(n_tasks)
    lane = (idx % workers).astype(np.int32)
    t_start = 0.05 + (idx // workers) * task_s
    t_end = t_start + 0.9 * task_s
    lanes = tuple(f"{mode}-worker-{i}" for i in range(workers))
    gcd = np.gcd(pairs[:, 0], pairs[:, 1])

    def batch(sel):
        pair_index = np.concatenate([np.arange(i * chunk, (i + 1) * chunk) for i in sel])
        return TaskBatch(idx[sel] * chunk, np.full(len(sel), chunk), t_start[sel], t_end[sel],
                         lane[sel], lanes, pair_index, gcd[pair_index])

    batches = [batch(sel) for sel in np.array_split(idx, 4)]
    info = RunInfo(mode, "euclid", workers, chunk, None, n_pairs, n_tasks)
    result = RunResult(info, "completed", gcd, np.ones(n_pairs, bool), batch(idx),
                       float(t_end.max() + 0.01), 0.04)
    return info, pairs, batches, result


@pytest.fixture
def chart(qtbot):
    w = TimingChart()
    qtbot.addWidget(w)
    w.resize(1280, 800)
    return w


def test_accessible_names_and_parts(chart):
    assert chart.accessibleName() == "Timing chart"
    assert isinstance(chart.timeline, TimelineChart)
    assert isinstance(chart.completion, CompletionChart)
    assert isinstance(chart.walls, WallTimeChart)
    assert chart.timeline.accessibleName() == "Worker timeline"
    assert chart.completion.accessibleName() == "Completion curves"
    assert chart.walls.accessibleName() == "Wall times"


def test_layout_timeline_on_top_then_curves_beside_bars(chart, qtbot):
    chart.show()
    qtbot.waitExposed(chart)

    def geometry(widget):
        top_left = widget.mapTo(chart, widget.rect().topLeft())
        return top_left.x(), top_left.y(), widget.width(), widget.height()

    tx, ty, tw, th = geometry(chart.timeline)
    cx, cy, cw, ch = geometry(chart.completion)
    wx, wy, ww, wh = geometry(chart.walls)
    assert ty < cy and ty + th <= cy  # timeline above
    assert cy == wy and cx + cw <= wx  # curves and bars side by side
    assert th > ch  # the timeline is the large one
    assert tw > 0.95 * chart.width()
    assert cw > ww


def test_routes_a_runs_events_to_all_three(chart):
    info, pairs, batches, result = fake_run("processes", 2)
    chart.begin_run(1, info, pairs, "processes ×2 #1", mode_color("processes"))
    for batch in batches:
        chart.add_batch(1, batch)
    assert chart.timeline.task_count() == 40
    assert chart.completion.completed(1) == 200
    chart.finish_run(1, result, None)
    assert chart.walls.bar_count() == 1
    assert chart.walls.speedup_text(1) is None
    assert chart.completion.legend_labels() == ["processes ×2 #1"]
    assert chart.timeline.lane_labels() == ["processes-worker-0", "processes-worker-1"]


def test_only_the_shown_run_feeds_the_timeline(chart):
    info, pairs, batches, result = fake_run("threads", 2)
    chart.begin_run(1, info, pairs, "threads ×2 #1", mode_color("threads"))
    chart.add_finished_run(7, "serial #7", mode_color("serial"), result, 1.0)
    chart.add_batch(7, batches[0])  # a stray batch of another run
    assert chart.timeline.task_count() == 0
    assert chart.completion.curve_count() == 2
    chart.show_run(7, result, pairs)
    assert chart.timeline.task_count() == 40
    assert "serial #7" in chart.timeline.getPlotItem().titleLabel.text


def test_remove_and_clear(chart):
    for run_id, mode in enumerate(("serial", "threads", "processes"), 1):
        info, pairs, batches, result = fake_run(mode, 1 if mode == "serial" else 2)
        chart.begin_run(run_id, info, pairs, f"{mode} #{run_id}", mode_color(mode))
        for batch in batches:
            chart.add_batch(run_id, batch)
        chart.finish_run(run_id, result, 1.0)
    chart.remove_run(2)
    assert chart.completion.run_ids() == [1, 3]
    assert chart.walls.run_ids() == [1, 3]
    assert chart.timeline.task_count() == 40  # run 3 is still shown
    chart.remove_run(3)
    assert chart.timeline.task_count() == 0  # the shown run went away
    chart.clear()
    assert chart.completion.curve_count() == 0 and chart.walls.bar_count() == 0


def test_renders_a_few_runs(chart):
    serial_wall = None
    for run_id, (mode, workers) in enumerate((("serial", 1), ("threads", 2), ("processes", 2)), 1):
        info, pairs, batches, result = fake_run(mode, workers)
        chart.begin_run(run_id, info, pairs, f"{mode} ×{workers} #{run_id}", mode_color(mode))
        for batch in batches:
            chart.add_batch(run_id, batch)
        serial_wall = serial_wall or result.wall_s
        chart.finish_run(run_id, result, serial_wall / result.wall_s)
    image = chart.grab()
    assert not image.isNull() and image.width() == 1280
    assert chart.walls.speedup_text(1) == "1.00×"


def test_dark_palette_reaches_every_chart(chart):
    pal = chart.palette()
    pal.setColor(QPalette.ColorRole.Base, QColor("#1b1b1b"))
    pal.setColor(QPalette.ColorRole.Text, QColor("#ececec"))
    chart.setPalette(pal)  # propagates to the children
    for sub in (chart.timeline, chart.completion, chart.walls):
        assert sub.backgroundBrush().color() == QColor("#1b1b1b")
        assert sub.getPlotItem().getAxis("bottom").textPen().color() == QColor("#ececec")
    assert not chart.grab().isNull()


def test_mode_colors():
    serial, threads, processes = (mode_color(m) for m in ("serial", "threads", "processes"))
    assert serial.saturation() < 20  # grey
    assert 20 <= threads.hue() <= 40  # orange
    assert 200 <= processes.hue() <= 225  # blue
    assert mode_color("Threads") == threads  # case does not matter
    other = mode_color("interpreters")
    assert other.name() in QUALITATIVE
    assert mode_color("interpreters") == other  # stable
    assert other not in (serial, threads, processes)
    assert isinstance(other, QColor)
    # run variants keep the hue
    assert run_color("processes", 0) == processes
    for variant in (1, 2, 3):
        shade = run_color("processes", variant)
        assert shade != processes and abs(shade.hue() - processes.hue()) <= 3


def test_live_ranges_during_a_run_and_auto_range_after(chart):
    info, pairs, batches, result = fake_run("processes", 2)
    chart.begin_run(1, info, pairs, "processes ×2 #1", mode_color("processes"))
    timeline_vb = chart.timeline.getPlotItem().getViewBox()
    completion_vb = chart.completion.getPlotItem().getViewBox()
    assert completion_vb.viewRange()[1][1] >= info.n_pairs  # y spans the run's total at once
    for batch in batches:
        chart.add_batch(1, batch)
        assert timeline_vb.autoRangeEnabled()[0] is False
        assert completion_vb.autoRangeEnabled() == [False, False]
        assert timeline_vb.viewRange()[0][1] >= batch.t_end.max()
        assert completion_vb.viewRange()[0][1] >= batch.t_end.max()
    assert chart.timeline.live_range().following and chart.completion.live_range().following
    chart.finish_run(1, result, None)
    assert not chart.timeline.live_range().following
    assert not chart.completion.live_range().following
    assert timeline_vb.autoRangeEnabled()[0] and all(completion_vb.autoRangeEnabled())
    chart.grab()
    low, high = timeline_vb.viewRange()[0]
    assert low <= 0.05 and result.tasks.t_end.max() <= high < 1.2 * result.tasks.t_end.max()
