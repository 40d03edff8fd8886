"""TimelineChart: a lane per worker, a bar per task, hover lookups."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject, QPointF, QRect, Qt
from PySide6.QtGui import QColor, QPalette

from gcdapp.core.events import RunInfo, RunResult, TaskBatch
from gcdapp.ui.charts.palette import PROCESSES, QUALITATIVE, SERIAL, THREADS
from gcdapp.ui.charts.timeline import TimelineChart, segment_brushes

COLOR = QColor("#4e8fd1")


def make_info(n_pairs: int, n_tasks: int, workers: int = 2, chunksize: int = 1) -> RunInfo:
    return RunInfo("processes", "euclid", workers, chunksize, "spawn", n_pairs, n_tasks)


def make_batch(
    start, count, t_start, t_end, lane, lanes, pairs: np.ndarray | None = None
) -> TaskBatch:
    start = np.asarray(start, dtype=np.int64)
    count = np.asarray(count, dtype=np.int64)
    if len(start):
        pair_index = np.concatenate([np.arange(s, s + c) for s, c in zip(start, count)])
    else:
        pair_index = np.empty(0, dtype=np.int64)
    if pairs is not None and len(pair_index):
        gcd = np.gcd(pairs[pair_index, 0], pairs[pair_index, 1])
    else:
        gcd = np.zeros(len(pair_index), dtype=np.int64)
    return TaskBatch(
        start=start,
        count=count,
        t_start=np.asarray(t_start, dtype=np.float64),
        t_end=np.asarray(t_end, dtype=np.float64),
        lane=np.asarray(lane, dtype=np.int32),
        lanes=tuple(lanes),
        pair_index=pair_index.astype(np.int64),
        gcd=gcd,
    )


def regular_tasks(first: int, n: int, n_lanes: int, chunk: int = 1, slot: float = 0.01):
    """Tasks first..first+n-1 spread round-robin over lanes; task i of a lane
    runs from k*slot to k*slot + 0.8*slot (k = its position in the lane)."""
    idx = np.arange(first, first + n)
    lane = idx % n_lanes
    k = idx // n_lanes
    t_start = 0.1 + k * slot
    return idx * chunk, np.full(n, chunk), t_start, t_start + 0.8 * slot, lane


@pytest.fixture
def chart(qtbot):
    w = TimelineChart()
    qtbot.addWidget(w)
    w.resize(900, 400)
    return w


@pytest.fixture
def pairs():
    rng = np.random.default_rng(7)
    return rng.integers(1, 10**9, size=(2000, 2), dtype=np.int64)


def test_one_bar_per_task_over_several_batches(chart, pairs):
    lanes = ("pid 11", "pid 12")
    chart.begin_run(make_info(2000, 60), pairs, "processes ×2 #1", COLOR)
    assert chart.task_count() == 0
    for b in range(3):
        chart.add_batch(make_batch(*regular_tasks(b * 20, 20, 2), lanes, pairs))
    assert chart.task_count() == 60
    chart.add_batch(make_batch([], [], [], [], [], lanes))  # an empty batch is fine
    assert chart.task_count() == 60
    assert not chart.grab().isNull()


def test_buffers_double_past_initial_capacity(chart, pairs):
    big_pairs = np.ones((100_000, 2), dtype=np.int64)
    lanes = tuple(f"pid {100 + i}" for i in range(4))
    # n_tasks understated on purpose: the buffers must grow on their own
    chart.begin_run(make_info(100_000, 10, workers=4), big_pairs, "processes ×4", COLOR)
    initial = chart.capacity()
    assert initial == TimelineChart.INITIAL_CAPACITY
    for b in range(10):
        chart.add_batch(make_batch(*regular_tasks(b * 10_000, 10_000, 4, slot=1e-4), lanes))
    assert chart.task_count() == 100_000
    assert chart.capacity() >= 100_000
    assert chart.capacity() == initial * 2 ** int(np.ceil(np.log2(100_000 / initial)))
    # the last task (99_999: lane 3, 24_999th in its lane) is still found
    t0 = 0.1 + 24_999 * 1e-4
    hit = chart.bar_at(t0 + 0.5e-4, 3.0)
    assert hit is not None and hit["pair_index_start"] == 99_999
    assert hit["worker"] == "pid 103"
    assert not chart.grab().isNull()


def test_begin_run_preallocates_for_the_announced_tasks(chart, pairs):
    chart.begin_run(make_info(2000, 50_000), pairs, "x", COLOR)
    assert chart.capacity() >= 50_000


def test_lanes_match_worker_labels(chart, pairs):
    lanes = ("ThreadPoolExecutor-0_0", "ThreadPoolExecutor-0_1")
    chart.begin_run(make_info(2000, 10), pairs, "threads ×3", COLOR)
    chart.add_batch(make_batch(*regular_tasks(0, 4, 2), lanes, pairs))
    assert chart.lane_labels() == list(lanes)
    assert chart.lane_tick_labels() == list(lanes)
    # a third worker shows up in a later batch: the lanes tuple grows
    lanes3 = lanes + ("ThreadPoolExecutor-0_2",)
    chart.add_batch(make_batch([4], [1], [0.5], [0.6], [2], lanes3, pairs))
    assert chart.lane_labels() == list(lanes3)
    assert chart.lane_tick_labels() == list(lanes3)
    assert chart.bar_at(0.55, 2.0)["worker"] == "ThreadPoolExecutor-0_2"


def test_lanes_are_matched_by_label_not_position(chart, pairs):
    chart.begin_run(make_info(2000, 10), pairs, "p", COLOR)
    chart.add_batch(make_batch([0], [1], [0.0], [0.1], [0], ("pid 1", "pid 2"), pairs))
    # the same workers listed in another order
    chart.add_batch(make_batch([1], [1], [0.2], [0.3], [0], ("pid 2", "pid 1"), pairs))
    assert chart.lane_labels() == ["pid 1", "pid 2"]
    assert chart.bar_at(0.25, 1.0)["pair_index_start"] == 1
    assert chart.bar_at(0.25, 0.0) is None


def test_many_lanes_thin_out_the_axis_labels(chart, pairs):
    chart.resize(600, 250)
    lanes = tuple(f"ThreadPoolExecutor-0_{i}" for i in range(64))
    chart.begin_run(make_info(2000, 64, workers=64), pairs, "threads ×64", COLOR)
    chart.add_batch(make_batch(*regular_tasks(0, 64, 64), lanes, pairs))
    chart.grab()
    ticks = chart.lane_tick_labels()
    assert len(chart.lane_labels()) == 64
    assert 0 < len(ticks) < 64
    assert ticks[0] == lanes[0]


def test_bar_at_finds_the_task_inside_a_bar(chart, pairs):
    lanes = ("pid 1", "pid 2")
    chart.begin_run(make_info(2000, 20, chunksize=10), pairs, "p", COLOR)
    chart.add_batch(make_batch(*regular_tasks(0, 20, 2, chunk=10), lanes, pairs))
    # task 7: lane 1, 3rd of its lane -> 0.13 .. 0.138, pairs 70..79
    hit = chart.bar_at(0.134, 1.1)
    assert hit is not None
    assert hit["pair_index_start"] == 70
    assert hit["count"] == 10
    assert hit["worker"] == "pid 2"
    assert hit["duration_s"] == pytest.approx(0.008)
    assert hit["pairs"] == [(int(a), int(b)) for a, b in pairs[70:75]]  # at most 5
    assert hit["gcd"] == [int(np.gcd(a, b)) for a, b in pairs[70:75]]


def test_bar_at_returns_none_in_gaps(chart, pairs):
    lanes = ("pid 1", "pid 2")
    chart.begin_run(make_info(2000, 20), pairs, "p", COLOR)
    chart.add_batch(make_batch(*regular_tasks(0, 20, 2), lanes, pairs))
    assert chart.bar_at(0.139, 1.0) is None  # between two tasks of a lane
    assert chart.bar_at(0.05, 0.0) is None  # before the first task (start-up)
    assert chart.bar_at(5.0, 0.0) is None  # after the last
    assert chart.bar_at(0.134, 0.5) is None  # between lanes
    assert chart.bar_at(0.134, 2.0) is None  # below the last lane
    assert chart.bar_at(0.134, -1.0) is None
    # tolerance (used by hovering) reaches a bar a little way off
    near = chart.bar_at(0.1385, 1.0, tolerance=0.001)
    assert near is not None and near["pair_index_start"] == 7


def test_bar_at_sorts_lanes_that_arrive_out_of_order(chart, pairs):
    chart.begin_run(make_info(2000, 4), pairs, "p", COLOR)
    lanes = ("pid 1",)
    chart.add_batch(make_batch([2, 3], [1, 1], [0.2, 0.3], [0.25, 0.35], [0, 0], lanes, pairs))
    chart.add_batch(make_batch([0, 1], [1, 1], [0.0, 0.1], [0.05, 0.15], [0, 0], lanes, pairs))
    assert [chart.bar_at(t, 0)["pair_index_start"] for t in (0.02, 0.12, 0.22, 0.32)] == [
        0,
        1,
        2,
        3,
    ]


def test_tooltip_text(chart, pairs):
    lanes = ("pid 4242",)
    chart.begin_run(make_info(2000, 1, chunksize=8), pairs, "p", COLOR)
    chart.add_batch(make_batch([16], [8], [0.5], [0.5125], [0], lanes, pairs))
    text = chart.tooltip_at(0.51, 0.0)
    a, b = (int(v) for v in pairs[16])
    assert "pid 4242" in text
    assert "pairs 16–23 (8 pairs)" in text
    assert f"gcd({a}, {b}) = {int(np.gcd(a, b))}" in text
    assert "… and 3 more" in text
    assert "12.500 ms" in text
    assert chart.tooltip_at(0.1, 0.0) is None


def test_tooltip_shortens_huge_integers(chart):
    big = np.empty((1, 2), dtype=object)
    big[0, 0] = 3**200
    big[0, 1] = 3**150 * 2
    chart.begin_run(make_info(1, 1), big, "serial", COLOR)
    batch = TaskBatch(
        start=np.array([0]),
        count=np.array([1]),
        t_start=np.array([0.0]),
        t_end=np.array([0.1]),
        lane=np.array([0], dtype=np.int32),
        lanes=("MainThread",),
        pair_index=np.array([0]),
        gcd=np.array([3**150], dtype=object),
    )
    chart.add_batch(batch)
    hit = chart.bar_at(0.05, 0.0)
    assert hit["gcd"] == [3**150]
    assert hit["pairs"] == [(3**200, 3**150 * 2)]
    text = chart.tooltip_at(0.05, 0.0)
    assert "(96 digits)" in text and "(72 digits)" in text
    assert len(text) < 400


def test_hovering_a_bar_shows_its_tooltip(chart, qtbot, pairs):
    chart.show()
    qtbot.waitExposed(chart)
    lanes = ("pid 1", "pid 2")
    chart.begin_run(make_info(2000, 20), pairs, "p", COLOR)
    chart.add_batch(make_batch(*regular_tasks(0, 20, 2), lanes, pairs))
    vb = chart.getPlotItem().getViewBox()
    chart.grab()  # lay out and autorange

    def move_to(x, y):
        qtbot.wait(20)  # (back-to-back synthetic moves can be dropped)
        qtbot.mouseMove(chart.viewport(), chart.mapFromScene(vb.mapViewToScene(QPointF(x, y))))

    # the middle of task 5 (lane 1, 3rd in the lane: 0.12 .. 0.128)
    move_to(0.124, 1.0)
    qtbot.waitUntil(lambda: chart.hover_text() is not None, timeout=2000)
    assert "pair 5" in chart.hover_text() and "pid 2" in chart.hover_text()
    assert chart._highlight.isVisible()
    # over the gap between lanes the tooltip goes away
    move_to(0.124, 0.5)
    qtbot.waitUntil(lambda: chart.hover_text() is None, timeout=2000)
    assert not chart._highlight.isVisible()


def test_show_result_draws_a_whole_run(chart, pairs):
    lanes = ("pid 1", "pid 2", "pid 3")
    chart.begin_run(make_info(2000, 5), pairs, "old", COLOR)
    chart.add_batch(make_batch(*regular_tasks(0, 5, 1), ("pid 9",), pairs))
    tasks = make_batch(*regular_tasks(0, 90, 3, chunk=2), lanes, pairs)
    info = make_info(180, 90, workers=3, chunksize=2)
    result = RunResult(
        info=info,
        status="completed",
        results=np.zeros(180, dtype=np.int64),
        done=np.ones(180, dtype=bool),
        tasks=tasks,
        wall_s=0.45,
        startup_s=0.08,
    )
    chart.show_result(result, pairs[:180], "processes ×3 #4", "#4e8fd1")
    assert chart.task_count() == 90
    assert chart.lane_labels() == list(lanes)
    assert "processes ×3 #4" in chart.getPlotItem().titleLabel.text
    assert "0.450 s" in chart.getPlotItem().titleLabel.text
    assert chart.bar_at(0.104, 2.0)["pair_index_start"] == 4
    assert not chart.grab().isNull()


def test_begin_run_clears_the_previous_run(chart, pairs):
    chart.begin_run(make_info(2000, 10), pairs, "a", COLOR)
    chart.add_batch(make_batch(*regular_tasks(0, 10, 2), ("pid 1", "pid 2"), pairs))
    chart.begin_run(make_info(2000, 10), pairs, "b", COLOR)
    assert chart.task_count() == 0
    assert chart.lane_labels() == []
    assert chart.bar_at(0.104, 0.0) is None
    chart.clear()
    assert chart.task_count() == 0
    assert chart.lane_labels() == []
    assert not chart.grab().isNull()
    # the chart still draws after a clear
    chart.begin_run(make_info(2000, 20), pairs, "c", COLOR)
    chart.add_batch(make_batch(*regular_tasks(0, 20, 2, slot=0.1), ("pid 1", "pid 2"), pairs))
    chart.grab()
    assert _near(_pixel(chart, 0.14, 1.0), COLOR)


def test_axis_labels_carry_units(chart):
    item = chart.getPlotItem()
    assert item.getAxis("bottom").labelText == "time since run start (s)"
    assert item.getAxis("left").labelText == "worker"
    assert chart.accessibleName() == "Worker timeline"


def _pixel(chart, x, y) -> QColor:
    vb = chart.getPlotItem().getViewBox()
    pos = chart.mapFromScene(vb.mapViewToScene(QPointF(x, y)))
    return chart.grab().toImage().pixelColor(pos)


def _near(c1: QColor, c2: QColor, tol: int = 12) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(c1.getRgb()[:3], c2.getRgb()[:3]))


def test_bars_are_painted_in_the_run_colour(chart, pairs):
    chart.begin_run(make_info(2000, 20), pairs, "p", COLOR)
    chart.add_batch(make_batch(*regular_tasks(0, 20, 2, slot=0.1), ("pid 1", "pid 2"), pairs))
    chart.grab()
    inside = _pixel(chart, 0.14, 0.0)  # task 0 of lane 0 (0.1 .. 0.18)
    second = _pixel(chart, 0.24, 0.0)  # task 1 of lane 0, the alternate shade
    gap = _pixel(chart, 0.19, 0.0)
    background = chart.palette().color(QPalette.ColorRole.Base)
    assert _near(inside, COLOR)
    assert not _near(second, background) and not _near(second, inside, tol=4)
    assert _near(gap, background, tol=40)  # (a grid line may cross)


def test_a_million_bars_zoomed_out_still_paint(chart):
    # 200k bars over 4 lanes in 800 px: neighbours merge into solid lanes
    n = 200_000
    chart.begin_run(make_info(n, n, workers=4), np.ones((n, 2), dtype=np.int64), "p", COLOR)
    chart.add_batch(make_batch(*regular_tasks(0, n, 4, slot=1e-5), [f"pid {i}" for i in range(4)]))
    chart.grab()
    middle = 0.1 + (n // 8) * 1e-5
    assert _near(_pixel(chart, middle, 1.0), COLOR)
    assert _near(_pixel(chart, middle, 1.5), chart.palette().color(QPalette.ColorRole.Base), 40)


def test_follows_the_widget_palette(chart, pairs):
    pal = chart.palette()
    pal.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    pal.setColor(QPalette.ColorRole.Text, QColor("#eeeeee"))
    chart.setPalette(pal)
    assert chart.backgroundBrush().color() == QColor("#1e1e1e")
    axis = chart.getPlotItem().getAxis("left")
    assert axis.textPen().color() == QColor("#eeeeee")
    chart.begin_run(make_info(2000, 4), pairs, "p", COLOR)
    chart.add_batch(make_batch(*regular_tasks(0, 4, 2), ("a", "b"), pairs))
    assert not chart.grab().isNull()


def test_bars_added_after_the_first_paint_are_drawn(chart, pairs, qtbot):
    # Live runs paint between batches: later bars, lanes and a wider range must
    # all show (a stale cached view range once hid everything past batch one).
    chart.show()
    qtbot.waitExposed(chart)
    chart.begin_run(make_info(2000, 4), pairs, "p", COLOR)
    chart.add_batch(make_batch([0], [1], [0.0], [0.05], [0], ("pid 1",), pairs))
    chart.grab()
    qtbot.wait(50)
    later = make_batch([1, 2, 3], [1, 1, 1], [0.5, 0.9, 0.6], [0.8, 1.0, 0.95], [0, 0, 1],
                       ("pid 1", "pid 2"), pairs)
    chart.add_batch(later)
    qtbot.wait(50)
    rect = chart._bars.viewRect()
    assert rect.right() >= 1.0 and rect.bottom() >= 1.0  # the view follows the new data
    assert sum(len(r) for _, r in chart._bars._rects(rect.left(), rect.right(),
                                                      chart._bars.pixelWidth())) == 4
    assert _near(_pixel(chart, 0.7, 0.0), COLOR, tol=80) or _near(
        _pixel(chart, 0.7, 0.0), COLOR.lighter(135), tol=80)


# -- live runs: stepped x range, incremental repaints -------------------------


def _x_range(chart):
    chart.grab()  # (a paint runs any pending auto-range)
    return chart.getPlotItem().getViewBox().viewRange()[0]


def test_a_live_run_grows_the_x_range_in_steps_and_fits_the_bars_after(chart, pairs):
    lanes = ("pid 1", "pid 2")
    chart.begin_run(make_info(2000, 200), pairs, "p", COLOR)
    live = chart.live_range()
    vb = chart.getPlotItem().getViewBox()
    for b in range(50):  # 50 batches of 4 tasks, bars up to t = 0.1 + 99 * 0.01
        chart.add_batch(make_batch(*regular_tasks(b * 4, 4, 2), lanes, pairs))
        low, high = vb.viewRange()[0]
        assert low <= 0.0 and high >= chart._t_max  # every bar is in view
        # and not much wider (past the span a run starts with)
        assert high <= max(TimelineChart.LIVE_INITIAL_SPAN_S, 2.25 * chart._t_max) + 1e-9
        assert vb.autoRangeEnabled()[0] is False  # no per-batch auto-range
    assert live.range_changes <= 4  # a few steps, not one per batch
    chart.end_run()
    assert vb.autoRangeEnabled()[0]
    low, high = _x_range(chart)
    t_min, t_max = 0.1, 0.1 + 99 * 0.01 + 0.8 * 0.01
    assert low <= t_min and high >= t_max  # the x range covers all the bars
    assert high - low < 1.2 * t_max  # and fits them


def test_a_zoom_during_a_live_run_is_kept(chart, pairs):
    lanes = ("pid 1", "pid 2")
    chart.begin_run(make_info(2000, 200), pairs, "p", COLOR)
    chart.add_batch(make_batch(*regular_tasks(0, 20, 2), lanes, pairs))
    vb = chart.getPlotItem().getViewBox()
    vb.setXRange(0.12, 0.14, padding=0)  # the user zooms in (a wheel turn does both)
    vb.sigRangeChangedManually.emit(vb.state["mouseEnabled"])
    for b in range(1, 10):
        chart.add_batch(make_batch(*regular_tasks(b * 20, 20, 2), lanes, pairs))
    chart.end_run()
    assert _x_range(chart) == pytest.approx([0.12, 0.14])
    assert vb.autoRangeEnabled()[0] is False


def test_show_result_fits_the_finished_run(chart, pairs):
    tasks = make_batch(*regular_tasks(0, 40, 2, slot=0.05), ("a", "b"), pairs)
    result = RunResult(make_info(2000, 40), "completed", np.zeros(2000, dtype=np.int64),
                       np.zeros(2000, dtype=bool), tasks, 1.2, 0.05)
    chart.show_result(result, pairs, "p", COLOR)
    low, high = _x_range(chart)
    assert low <= 0.1 and 0.1 + 19 * 0.05 + 0.04 <= high < 1.3
    assert not chart.live_range().following


def _window_pixel(chart, x, y) -> QColor:
    """The colour at data point (x, y) as last painted on screen (the window's
    backing store, not a fresh render: incremental repaints show here)."""
    vb = chart.getPlotItem().getViewBox()
    pos = chart.mapFromScene(vb.mapViewToScene(QPointF(x, y)))
    return chart.screen().grabWindow(chart.winId()).toImage().pixelColor(pos)


def test_a_batch_repaints_only_its_strip_and_its_bars_show(chart, pairs, qtbot):
    paints: list[QRect] = []

    class PaintSpy(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint:
                paints.append(event.rect())
            return False

    spy = PaintSpy(chart)
    chart.viewport().installEventFilter(spy)
    chart.show()
    qtbot.waitExposed(chart)
    lanes = ("pid 1", "pid 2")
    chart.begin_run(make_info(2000, 40), pairs, "p", COLOR)
    # bars of lane 0 at 0.1, 0.2, ... (slot 0.1; each 0.08 long)
    chart.add_batch(make_batch(*regular_tasks(0, 8, 2, slot=0.1), lanes, pairs))
    qtbot.waitUntil(lambda: chart._bars._painted_merge is not None)  # painted with bars
    qtbot.wait(50)
    assert chart.getPlotItem().getViewBox().viewRange()[0][1] >= 0.6

    full_repaints = []
    chart._bars.data_changed = lambda: full_repaints.append(1)
    # (a first update after the window's first paints may still repaint it all)
    chart.add_batch(make_batch(*regular_tasks(8, 2, 2, slot=0.1), lanes, pairs))  # t 0.5 .. 0.58
    qtbot.wait(50)
    paints.clear()
    chart.add_batch(make_batch(*regular_tasks(10, 2, 2, slot=0.1), lanes, pairs))  # t 0.6 .. 0.68
    assert full_repaints == []  # a strip repaint, not the whole item
    qtbot.waitUntil(lambda: len(paints) > 0)
    assert max(rect.width() for rect in paints) < chart.width() / 4
    background = chart.palette().color(QPalette.ColorRole.Base)
    new_bar = _window_pixel(chart, 0.64, 0.0)
    assert _near(new_bar, COLOR, tol=80) or _near(new_bar, COLOR.lighter(135), tol=80)
    old_bar = _window_pixel(chart, 0.14, 0.0)
    assert _near(old_bar, COLOR, tol=80) or _near(old_bar, COLOR.lighter(135), tol=80)
    assert _near(_window_pixel(chart, 0.19, 0.0), background, tol=40)


def test_exposed_strip_paints_the_same_rects_as_the_whole_view(chart, pairs):
    n = 20_000  # dense: neighbours merge at this zoom
    chart.resize(600, 300)
    chart.begin_run(make_info(n, n), np.ones((n, 2), dtype=np.int64), "p", COLOR)
    chart.add_batch(make_batch(*regular_tasks(0, n, 2, slot=1e-4), ("a", "b")))
    chart.end_run()
    chart.grab()
    bars = chart._bars
    view = bars.viewRect()
    px = bars.pixelWidth()
    whole = bars._rects(view.left(), view.right(), px)
    strip = bars._rects(view.left(), view.right(), px, (0.5, 0.6))
    assert {brush for brush, _ in whole} == {brush for brush, _ in strip} == {0}  # merged
    for (_, rects_whole), (_, rects_strip) in zip(whole, strip):
        assert len(rects_strip) <= len(rects_whole)
        assert (rects_strip[:, 0] <= 0.6).all()
        assert (rects_strip[:, 0] + rects_strip[:, 2] >= 0.5).all()


def _finished(tasks, info, *, wall_s, startup_s, shutdown_s, lane_startup_s):
    return RunResult(
        info=info, status="completed", results=np.zeros(info.n_pairs, dtype=np.int64),
        done=np.ones(info.n_pairs, dtype=bool), tasks=tasks, wall_s=wall_s,
        startup_s=startup_s, shutdown_s=shutdown_s,
        lane_startup_s=np.asarray(lane_startup_s, dtype=np.float64),
    )


def test_pool_start_up_per_lane_and_shutdown_are_drawn_apart_from_tasks(chart, pairs):
    lanes = ("pid 1", "pid 2")
    info = make_info(40, 40)
    tasks = make_batch(*regular_tasks(0, 40, 2), lanes, pairs)  # bars from 0.1 s to 0.298 s
    result = _finished(tasks, info, wall_s=0.35, startup_s=0.06, shutdown_s=0.04,
                       lane_startup_s=[0.06, 0.09])
    chart.show_result(result, pairs[:40], "processes ×2", COLOR)
    phases = chart.pool_phases()
    kinds = [(p.kind, p.lane) for p, _item in phases]
    assert kinds == [("startup", "pid 1"), ("startup", "pid 2"), ("shutdown", None)]
    rects = {(p.kind, p.lane): item.rect() for p, item in phases}
    # each worker's start-up: its own lane, from the pool's creation until it was ready
    for lane_no, (lane, ready) in enumerate(zip(lanes, (0.06, 0.09))):
        r = rects[("startup", lane)]
        assert (r.left(), r.right()) == pytest.approx((0.0, ready))
        assert r.center().y() == pytest.approx(lane_no)
        assert r.height() < 1.0  # inside its lane
    # the shutdown: the last 40 ms of the wall time, across every lane
    r = rects[("shutdown", None)]
    assert (r.left(), r.right()) == pytest.approx((0.31, 0.35))
    assert r.top() < 0 and r.bottom() > 1
    for _p, item in phases:  # drawn, behind the bars, hatched unlike them
        assert item.scene() is chart.scene() and item.isVisible()
        assert item.zValue() < chart._bars.zValue()
        assert item.brush().style() != Qt.BrushStyle.SolidPattern
    startup_brush = rects and phases[0][1].brush().style()
    assert startup_brush != phases[2][1].brush().style()
    # the x range takes the shutdown in
    assert chart.getPlotItem().getViewBox().viewRange()[0][1] >= 0.35
    # hover text names each phase; a task still wins where it is
    assert "worker start-up: pid 2" in chart.tooltip_at(0.05, 1.0)
    assert "90.0 ms" in chart.tooltip_at(0.05, 1.0)
    assert "pool shutdown: 40.0 ms" in chart.tooltip_at(0.33, 0.5)
    assert chart.tooltip_at(0.104, 0.0).startswith("worker: pid 1")
    assert not chart.grab().isNull()


def test_hovering_a_phase_shows_its_text(chart, pairs, qtbot):
    lanes = ("pid 1", "pid 2")
    tasks = make_batch(*regular_tasks(0, 20, 2), lanes, pairs)
    result = _finished(tasks, make_info(20, 20), wall_s=0.3, startup_s=0.05, shutdown_s=0.08,
                       lane_startup_s=[0.05, 0.07])
    chart.show_result(result, pairs[:20], "p", COLOR)
    chart.show()
    qtbot.waitExposed(chart)
    vb = chart.getPlotItem().getViewBox()
    chart._on_mouse_moved(vb.mapViewToScene(QPointF(0.26, 0.5)))
    assert chart.hover_text() is not None and "pool shutdown" in chart.hover_text()


def test_without_per_lane_start_up_the_pool_gets_one_block(chart, pairs):
    lanes = ("thread 0", "thread 1")
    tasks = make_batch(*regular_tasks(0, 10, 2), lanes, pairs)
    result = _finished(tasks, make_info(10, 10), wall_s=0.2, startup_s=0.02, shutdown_s=0.0,
                       lane_startup_s=[np.nan, np.nan])
    chart.show_result(result, pairs[:10], "threads ×2", COLOR)
    [(phase, item)] = chart.pool_phases()
    assert (phase.kind, phase.lane) == ("startup", None)
    assert (item.rect().left(), item.rect().right()) == pytest.approx((0.0, 0.02))
    assert "pool start-up: 20.0 ms" in chart.tooltip_at(0.01, 1.0)
    # a new run forgets them
    chart.begin_run(make_info(10, 10), pairs, "next", COLOR)
    assert chart.pool_phases() == [] and item.scene() is None


# -- segments: on CPU, waiting, queue wait, result transfer -------------------


def _measured(batch, **fields):
    """``batch`` with the per-task figures the engine measures."""
    import dataclasses

    k = len(batch)
    defaults = {name: np.full(k, np.nan) for name in (
        "cpu_s", "t_submit", "t_recv", "t_arrive", "pickle_in_s", "unpickle_in_s",
        "pickle_out_s", "unpickle_out_s", "merge_s")}
    defaults.update(bytes_in=np.zeros(k, dtype=np.int64), bytes_out=np.zeros(k, dtype=np.int64))
    defaults.update({k_: np.asarray(v) for k_, v in fields.items()})
    return dataclasses.replace(batch, **defaults)


def test_each_segment_kind_is_drawn_where_the_figures_say(chart, pairs):
    lanes = ("pid 1", "pid 2")
    chart.begin_run(make_info(2000, 4), pairs, "processes ×2", COLOR)
    # lane 0: two tasks 0.1-0.2 and 0.3-0.4; lane 1: one task 0.15-0.35
    batch = make_batch([0, 1, 2, 3], [1, 1, 1, 1], [0.1, 0.15, 0.3, 0.5], [0.2, 0.35, 0.4, 0.6],
                       [0, 1, 0, 1], lanes, pairs)
    batch = _measured(
        batch,
        cpu_s=[0.1, 0.1, 0.04, np.nan],  # task 1 waited half its wall; 2 waited 0.06 s
        t_submit=[0.05, 0.05, 0.05, 0.05],  # all submitted at once
        t_arrive=[0.21, 0.36, 0.43, 0.6],
        bytes_out=[30, 30, 30, 0],  # task 3 ran in process: no transfer
    )
    chart.add_batch(batch)
    chart.end_run()
    chart.grab()
    seg = chart.segment_rects()
    px = chart._bars.pixelWidth()

    def spans(kind):
        rects = seg[kind]
        return sorted((round(x, 6), round(x + w, 6), round(y + 0.38, 6))
                      for x, y, w, _h in rects)

    # on CPU: solid from each start for its CPU time (unknown: the whole wall)
    assert spans("cpu") == [(0.1, 0.2, 0.0), (0.15, 0.25, 1.0), (0.3, 0.34, 0.0),
                            (0.5, 0.6, 1.0)]
    # waiting: the rest of the wall, lighter and hatched
    assert spans("wait") == [(0.25, 0.35, 1.0), (0.34, 0.4, 0.0)]
    # queue wait: from submission (or the lane's previous task's end) to start
    assert spans("queue") == [(0.05, 0.1, 0.0), (0.05, 0.15, 1.0), (0.2, 0.3, 0.0),
                              (0.35, 0.5, 1.0)]
    # result transfer: end to arrival, for tasks whose result was sent
    caps = spans("cap")
    assert [(a, c) for a, _b, c in caps] == [(0.2, 0.0), (0.35, 1.0), (0.4, 0.0)]
    widths = sorted(w for _x, _y, w, _h in seg["cap"])
    np.testing.assert_allclose(widths, sorted(max(w, px) for w in (0.01, 0.01, 0.03)))
    # painted, in their own brushes
    keys = {key for key, _r in chart._bars._cache}
    assert {"wait", "queue", "cap"} <= keys and keys & {0, 1}
    # hover tells every figure
    text = chart.tooltip_at(0.3, 1.0)
    assert "on CPU: 100.000 ms" in text
    assert "waiting (GIL or starved): 100.000 ms, 50% of its wall" in text
    assert "queue wait until start: 100.000 ms" in text
    assert "10.000 ms after the end" in text
    assert "bytes: 0 B in, 30 B out" in text


def test_a_task_with_unknown_cpu_time_is_drawn_solid(chart, pairs):
    chart.begin_run(make_info(2000, 20), pairs, "p", COLOR)
    chart.add_batch(make_batch(*regular_tasks(0, 20, 2), ("a", "b"), pairs))  # no figures
    chart.grab()
    seg = chart.segment_rects()
    assert len(seg["cpu"]) == 20
    assert len(seg["wait"]) == len(seg["queue"]) == len(seg["cap"]) == 0
    assert "on CPU" not in chart.tooltip_at(0.104, 0.0)


def test_zoomed_out_lanes_show_their_share_on_cpu(chart, pairs):
    n = 20_000  # more bars than pixels: neighbours merge
    chart.resize(600, 300)
    start, count, t0, t1, lane = regular_tasks(0, n, 2, slot=1e-4)
    wall = t1 - t0
    batch = _measured(make_batch(start, count, t0, t1, lane, ("a", "b")),
                      cpu_s=np.where(lane == 0, wall, 0.25 * wall))
    chart.begin_run(make_info(n, n), np.ones((n, 2), dtype=np.int64), "threads ×2", COLOR)
    chart.add_batch(batch)
    chart.end_run()
    chart.grab()
    seg = chart.segment_rects()
    lane0 = seg["cpu"][np.round(seg["cpu"][:, 1]) == 0]
    lane1_cpu = seg["cpu"][np.abs(seg["cpu"][:, 1] - 1) < 0.5]
    lane1_wait = seg["wait"][np.abs(seg["wait"][:, 1] - 1) < 0.5]
    assert len(lane0) < 100  # merged
    np.testing.assert_allclose(lane0[:, 3], 0.76)  # all on CPU: full height solid
    assert len(seg["wait"][np.abs(seg["wait"][:, 1]) < 0.5]) == 0
    np.testing.assert_allclose(lane1_cpu[:, 3], 0.25 * 0.76, rtol=1e-6)  # a quarter solid
    np.testing.assert_allclose(lane1_wait[:, 3], 0.75 * 0.76, rtol=1e-6)


def test_clicking_a_bar_emits_its_task(chart, pairs, qtbot):
    chart.show()
    qtbot.waitExposed(chart)
    chart.begin_run(make_info(2000, 20, chunksize=10), pairs, "p", COLOR)
    chart.add_batch(make_batch(*regular_tasks(0, 20, 2, chunk=10), ("a", "b"), pairs))
    chart.end_run()
    chart.grab()
    point = chart.task_point(7)
    vb = chart.getPlotItem().getViewBox()
    pos = chart.mapFromScene(vb.mapViewToScene(point))
    with qtbot.waitSignal(chart.taskClicked) as blocker:
        qtbot.mouseClick(chart.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert blocker.args == [7]
    with qtbot.assertNotEmitted(chart.taskClicked):  # a gap
        gap = chart.mapFromScene(vb.mapViewToScene(QPointF(0.05, 0.0)))
        qtbot.mouseClick(chart.viewport(), Qt.MouseButton.LeftButton, pos=gap)
        qtbot.wait(20)


@pytest.mark.parametrize("kernel, per_lane", [("bruteforce-native", True),
                                              ("euclid-native", False), ("euclid", True)])
def test_start_up_says_when_it_held_a_native_kernels_compile(chart, pairs, kernel, per_lane):
    lanes = ("pid 1", "pid 2") if per_lane else ("thread 0", "thread 1")
    info = dataclasses.replace(make_info(10, 10), kernel=kernel)
    tasks = make_batch(*regular_tasks(0, 10, 2), lanes, pairs)
    result = _finished(tasks, info, wall_s=0.6, startup_s=0.4, shutdown_s=0.0,
                       lane_startup_s=[0.4, 0.45] if per_lane else [np.nan, np.nan])
    chart.show_result(result, pairs[:10], kernel, COLOR)
    tip = chart.tooltip_at(0.05, 0.0)
    assert ("start-up" in tip) and (
        ("compiling the native kernel" in tip) == kernel.endswith("-native")), tip


@pytest.mark.parametrize("color", [SERIAL, THREADS, PROCESSES, *QUALITATIVE])
def test_the_alternate_cpu_shade_never_looks_like_queue_wait(qapp, color):
    # Queue wait is a faint fill of the run's colour; on a light background it
    # is lighter than the bar itself. The alternate CPU shade must sit on the
    # other side of the bar's colour, so the two never read alike.
    brushes = segment_brushes(color)
    base = brushes[0][0].color()
    alt = brushes[1][0].color()
    queue = brushes["queue"][0].color()
    white = QColor("white")
    a = queue.alphaF()
    on_white = QColor.fromRgbF(*(a * c + (1 - a) * w for c, w in zip(
        queue.getRgbF()[:3], white.getRgbF()[:3])))
    assert alt.lightnessF() < base.lightnessF() < on_white.lightnessF()
