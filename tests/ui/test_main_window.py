"""The main window end to end: real clipboard, real pools, real QApplication."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from gcdapp.core import kernels
from gcdapp.core.generate import generate_pairs
from gcdapp.core.presets import SEED_NUMBERS, SEED_RESULTS
from gcdapp.ui.pairs.table_model import COL_GCD, COL_WORKER
from tests.conftest import wait_no_pool_processes
from tests.core import faulty_kernels

SEED_BLOCK = (
    "NUMBERS = [\n"
    "    (1963309, 2265973), (2030677, 3814172),\n"
    "    (1551645, 2229620), (2039045, 2020802),\n"
    "    (1823712, 1924928), (2293129, 1020491),\n"
    "    (1281238, 2273782), (3823812, 4237281),\n"
    "    (3812741, 4729139), (1292391, 2123811),\n"
    "]\n"
)
RUN_TIMEOUT = 120_000


def set_mode(window, mode, kernel="bruteforce", workers=2, chunk=0):
    panel = window.panel
    panel.mode.setCurrentIndex(panel.mode.findData(mode))
    panel.kernel.setCurrentIndex(panel.kernel.findData(kernel))
    if panel.workers.isEnabled():
        panel.workers.setValue(workers)
    panel.chunksize.setValue(chunk)


def run_and_wait(qtbot, window, start=None):
    with qtbot.waitSignal(window.jobFinished, timeout=RUN_TIMEOUT) as blocker:
        assert (start or window.runner.start_run)()
    return blocker.args[0]


def gcd_column(window):
    model = window.editor.model
    return [model.data(model.index(r, COL_GCD)) for r in range(model.rowCount())]


def paste_through_clipboard(qtbot, window, text):
    QGuiApplication.clipboard().setText(text)
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().text() == text)
    view = window.editor.view
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    qtbot.keyClick(view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def test_builds_with_no_arguments_and_names_every_control(window):
    for name in ("Pairs", "Mode", "Workers", "Kernel", "Chunk size", "Run", "Cancel",
                 "Progress", "Timing chart", "Runs"):
        found = [w for w in window.findChildren(QWidget) if w.accessibleName() == name]
        assert found, f"no widget named {name!r}"
    assert window.runs.accessibleName() == "Runs"
    assert window.editor.view.accessibleName() == "Pairs"
    menus = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert menus[:5] == ["File", "Edit", "Run", "View", "Help"]


def test_paste_the_seed_block_and_run_each_mode(qtbot, window):
    window.editor.clear()
    assert window.editor.model.rowCount() == 0
    paste_through_clipboard(qtbot, window, SEED_BLOCK)
    qtbot.waitUntil(lambda: window.editor.model.rowCount() == 10)
    assert [tuple(p) for p in window.editor.model.pairs().tolist()] == list(SEED_NUMBERS)

    for row, mode in enumerate(("serial", "threads", "processes")):
        set_mode(window, mode, chunk=1)
        assert run_and_wait(qtbot, window) is True
        assert gcd_column(window) == [str(v) for v in SEED_RESULTS]
        model = window.editor.model
        assert all(model.data(model.index(r, COL_WORKER)) for r in range(10))
        runs = window.runs.runs_model
        assert runs.rowCount() == row + 1
        assert runs.data(runs.index(row, 1)) == mode
        assert runs.data(runs.index(row, 9)) == "completed"
        # One bar per task on the timeline, one curve and one wall bar per run.
        assert window.chart.timeline.task_count() == 10
        assert window.chart.completion.curve_count() == row + 1
        assert window.chart.walls.bar_count() == row + 1
    runs = window.runs.runs_model
    assert runs.data(runs.index(0, 8)) == "1.00×"
    assert runs.data(runs.index(2, 8)).endswith("×")  # processes against serial
    lanes = window.chart.timeline.lane_labels()
    assert all(label.startswith("pid ") for label in lanes) and 1 <= len(lanes) <= 2


def test_compare_modes_runs_serial_threads_and_processes(qtbot, window):
    set_mode(window, "processes", kernel="euclid")
    assert run_and_wait(qtbot, window, window.runner.compare_modes) is True
    runs = window.runs.runs_model
    assert [runs.data(runs.index(r, 1)) for r in range(3)] == ["serial", "threads", "processes"]
    assert window.chart.walls.speedup_text(window.workspace.history.records[1].run_id)


def test_f5_runs_and_selecting_a_run_shows_its_timeline(qtbot, window):
    set_mode(window, "threads", kernel="euclid", chunk=3)
    with qtbot.waitSignal(window.jobFinished, timeout=RUN_TIMEOUT):
        qtbot.keyClick(window, Qt.Key.Key_F5)
    assert window.chart.timeline.task_count() == 4
    set_mode(window, "serial", kernel="euclid", chunk=1)
    run_and_wait(qtbot, window)
    assert window.chart.timeline.task_count() == 10
    window.runs.selectRow(0)
    qtbot.waitUntil(lambda: window.chart.timeline.task_count() == 4)
    assert set(window.chart.timeline.lane_labels()) <= {"thread 0", "thread 1"}


def test_paste_with_bad_lines_reports_them_and_undo_restores(qtbot, window):
    before = window.editor.model.pairs().copy()
    paste_through_clipboard(qtbot, window, "12, 18\nfoo, 3\n7;21\n1.5 2\n")
    qtbot.waitUntil(lambda: window.editor.model.rowCount() == len(before) + 2)
    lines = window.editor.messages.lines()
    assert "line 2: 'foo' is not an integer" in lines
    assert any(line.startswith("line 4:") for line in lines)
    assert window.editor.messages.isVisible()
    window.editor.undo_action.trigger()
    assert np.array_equal(window.editor.model.pairs(), before)
    window.editor.redo_action.trigger()
    assert window.editor.model.rowCount() == len(before) + 2


def test_a_domain_error_blocks_the_run_with_a_message(qtbot, window):
    set_mode(window, "processes", kernel="bruteforce")
    window.editor.model.set_value(3, 0, 0)
    with qtbot.assertNotEmitted(window.runner.coordinator.runStarted, wait=300):
        assert window.runner.start_run() is False
    assert "pair 4 (0, 2020802): bruteforce needs a ≥ 1 and b ≥ 1" in window.message.message()
    assert window.runs.runs_model.rowCount() == 0
    set_mode(window, "processes", kernel="euclid")  # euclid takes 0
    assert run_and_wait(qtbot, window) is True


def _long_bruteforce(window):
    # ~100 ms per pair: long enough to cancel or close in the middle.
    window.editor.load_pairs(generate_pairs(120, 7, seed=3), "Generate")
    set_mode(window, "processes", kernel="bruteforce", chunk=1)


def test_cancel_mid_run_keeps_results_and_leaves_no_pool_process(qtbot, window):
    _long_bruteforce(window)
    with qtbot.waitSignal(window.jobFinished, timeout=RUN_TIMEOUT) as finished:
        assert window.runner.start_run()
        qtbot.waitUntil(lambda: window.status.done >= 4, timeout=60_000)
        qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert finished.args == [False]
    record = window.workspace.history.records[-1]
    assert record.result.status == "cancelled"
    assert 4 <= record.result.n_done < 120
    assert "cancelled" in window.message.message()
    assert wait_no_pool_processes(timeout=3) == []
    # Completed results stay visible.
    assert sum(1 for v in gcd_column(window) if v) == record.result.n_done
    assert window.panel.run_button.isEnabled() and not window.panel.cancel_button.isEnabled()


def test_close_mid_run_stops_everything(qtbot, window):
    _long_bruteforce(window)
    assert window.runner.start_run()
    qtbot.waitUntil(lambda: window.status.done >= 2, timeout=60_000)
    window.close()
    assert not window.runner.coordinator._thread.isRunning()
    assert wait_no_pool_processes(timeout=3) == []


def test_a_dying_worker_is_reported_in_the_window_and_results_stay(qtbot, window, monkeypatch):
    monkeypatch.setitem(kernels.KERNELS, "euclid", faulty_kernels.DIES)
    window.editor.load_pairs(np.array([[4, 6], [9, 12], [13, 5], [8, 12]] + [[3, 9]] * 20), "x")
    set_mode(window, "processes", kernel="euclid", chunk=1)
    assert run_and_wait(qtbot, window) is False
    text = window.message.message()
    assert "failed" in text and "ended abruptly" in text and "pair 3 (13, 5)" in text
    assert window.message.kind == "error"
    # What completed before the pool broke stays visible, and only that.
    result = window.workspace.history.records[-1].result
    shown = gcd_column(window)
    expected = {0: "2", 1: "3", 3: "4"}
    for row in range(len(shown)):
        if result.done[row]:
            assert shown[row] == expected.get(row, "3")
        else:
            assert not shown[row]
    assert result.n_done >= 1 and not result.done[2]
    assert window.runs.runs_model.data(window.runs.runs_model.index(0, 9)) == "failed"


def test_a_raising_task_is_reported_in_the_window(qtbot, window, monkeypatch):
    monkeypatch.setitem(kernels.KERNELS, "euclid", faulty_kernels.RAISES)
    window.editor.load_pairs(np.array([[4, 6], [13, 5], [8, 12]]), "x")
    set_mode(window, "threads", kernel="euclid", chunk=1)
    assert run_and_wait(qtbot, window) is False
    assert "pair 2 (13, 5) raised ZeroDivisionError" in window.message.message()


def test_unavailable_choices_are_disabled_with_a_reason(window):
    panel = window.panel
    set_mode(window, "serial")
    assert not panel.workers.isEnabled() and "one worker" in panel.workers.toolTip()
    assert not panel.start_method.isEnabled()
    row = panel.mode.findData("interpreters")
    item = panel.mode.model().item(row)
    if not item.isEnabled():
        assert "3.14" in panel.mode.itemData(row, Qt.ItemDataRole.ToolTipRole)


def test_repeats_add_one_run_each(qtbot, window):
    set_mode(window, "threads", kernel="builtin")
    window.panel.repeats.setValue(3)
    assert run_and_wait(qtbot, window) is True
    assert window.runs.runs_model.rowCount() == 3


# -- issue 9: comparison, anatomy, segments, first impressions -----------------


def test_before_the_first_run_the_chart_area_says_what_to_do(window):
    note = window.chart.first_run_note
    assert note.isVisible()
    assert note.geometry() == window.chart.rect()
    for words in ("Run", "F5", "Compare modes", "Ctrl+F5"):
        assert words in note.text()


def test_compare_modes_ends_on_stacked_timelines_on_one_axis(qtbot, window):
    set_mode(window, "processes", kernel="euclid")
    assert run_and_wait(qtbot, window, window.runner.compare_modes) is True
    assert not window.chart.first_run_note.isVisible()
    view = window.chart.comparison
    assert window.chart.showing_comparison() and view.isVisible()
    assert view.accessibleName() == "Comparison timelines"
    records = window.workspace.history.records
    assert view.run_ids() == [r.run_id for r in records]
    timelines = view.timelines()
    assert [t.task_count() for t in timelines] == [len(r.result.tasks) for r in records]
    ranges = [tuple(t.getPlotItem().getViewBox().viewRange()[0]) for t in timelines]
    # One shared time axis (linked views agree to the last few bits of a float).
    lo, hi = ranges[0]
    for other in ranges[1:]:
        assert other == pytest.approx((lo, hi), rel=1e-9, abs=1e-12)
    assert lo <= 0 and hi >= max(r.result.wall_s for r in records)


def _click_row(qtbot, table, row, modifier=Qt.KeyboardModifier.NoModifier):
    rect = table.visualRect(table.model().index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def test_selecting_several_runs_stacks_their_timelines(qtbot, window):
    set_mode(window, "serial", kernel="euclid", chunk=1)
    run_and_wait(qtbot, window)
    set_mode(window, "threads", kernel="euclid", chunk=3)
    run_and_wait(qtbot, window)
    set_mode(window, "processes", kernel="euclid", chunk=2)
    run_and_wait(qtbot, window)
    ids = [r.run_id for r in window.workspace.history.records]
    table = window.runs
    assert not window.chart.showing_comparison()
    _click_row(qtbot, table, 0)
    with qtbot.waitSignal(table.runsSelected) as blocker:
        _click_row(qtbot, table, 2, Qt.KeyboardModifier.ControlModifier)
    assert blocker.args == [[ids[0], ids[2]]]
    assert table.selected_run_ids() == [ids[0], ids[2]]
    view = window.chart.comparison
    assert window.chart.showing_comparison()
    assert view.run_ids() == [ids[0], ids[2]]
    assert [t.task_count() for t in view.timelines()] == [10, 5]
    with qtbot.waitSignal(table.runsSelected):
        _click_row(qtbot, table, 1, Qt.KeyboardModifier.ShiftModifier)
    assert view.run_ids() == ids and len(view.timelines()) == 3
    x_ranges = [tuple(t.getPlotItem().getViewBox().viewRange()[0]) for t in view.timelines()]
    for other in x_ranges[1:]:  # one shared axis (to the last few bits of a float)
        assert other == pytest.approx(x_ranges[0], rel=1e-9, abs=1e-12)
    # one row again: its timeline alone
    with qtbot.waitSignal(table.runSelected):
        _click_row(qtbot, table, 1)
    assert not window.chart.showing_comparison()
    assert window.chart.timeline.task_count() == 4


def test_clicking_a_process_task_fills_the_task_anatomy(qtbot, window):
    from gcdapp.core.anatomy import STEPS

    set_mode(window, "processes", kernel="euclid", chunk=2)
    run_and_wait(qtbot, window)
    anatomy = window.anatomy
    assert anatomy.accessibleName() == "Task anatomy"
    assert anatomy.shown_task() is None and "Click a task" in anatomy.caption.text()
    timeline = window.chart.timeline
    record = window.workspace.history.records[-1]
    timeline.grab()
    vb = timeline.getPlotItem().getViewBox()
    tasks = record.result.tasks
    task = int(np.argmax(tasks.t_end - tasks.t_start))  # the widest bar, to click
    pos = timeline.mapFromScene(vb.mapViewToScene(timeline.task_point(task)))
    qtbot.mouseClick(timeline.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.waitUntil(lambda: anatomy.shown_task() is not None)
    assert anatomy.shown_task() == (record.run_id, task)
    assert anatomy.isVisible()  # its dock was raised
    rows = anatomy.steps()
    assert [row[0] for row in rows] == [f"{i + 1}. {name}" for i, name in enumerate(STEPS)]
    assert len(rows) == 9
    assert all(row[1] and row[2].endswith("%") and row[3] and row[4].endswith("%")
               for row in rows)
    shares = [float(row[2].rstrip("%")) for row in rows]
    assert sum(shares) == pytest.approx(100, abs=0.6)
    # a process task pickles its arguments and copies them: those are not nil
    assert rows[0][1] != "0" and rows[1][1] != "0"
    assert f"task {task} " in anatomy.caption.text()


def test_real_runs_draw_waiting_for_threads_and_transfer_caps_for_processes(qtbot, window):
    set_mode(window, "threads", kernel="bruteforce", workers=2, chunk=1)
    run_and_wait(qtbot, window)
    timeline = window.chart.timeline
    timeline.grab()
    seg = timeline.segment_rects()
    assert len(seg["cpu"]) == 10
    assert len(seg["wait"]) >= 5  # two threads take turns holding the GIL
    assert len(seg["cap"]) == 0  # nothing is sent back
    set_mode(window, "processes", kernel="bruteforce", workers=2, chunk=1)
    run_and_wait(qtbot, window)
    timeline.grab()
    seg = timeline.segment_rects()
    assert len(seg["cpu"]) == 10
    assert len(seg["cap"]) == 10  # every result was pickled and sent back


def test_at_1280_by_800_every_pair_column_shows_whole(qtbot, window):
    assert (window.width(), window.height()) == (1280, 800)
    set_mode(window, "processes", kernel="euclid", chunk=1)
    run_and_wait(qtbot, window)
    view = window.editor.view
    qtbot.waitUntil(lambda: bool(view.model().data(view.model().index(0, COL_WORKER))))
    assert view.horizontalScrollBar().maximum() == 0
    for column in range(view.model().columnCount()):
        assert view.columnWidth(column) >= view.sizeHintForColumn(column), column
    table = window.anatomy.table
    qtbot.waitUntil(lambda: table.width() > 200)
    assert table.horizontalScrollBar().maximum() == 0
    assert table.verticalScrollBar().maximum() == 0  # the nine steps, all in view
