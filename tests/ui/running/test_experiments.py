"""Experiments from the window: a worker sweep and a leverage map run on the
coordinator thread, draw as they go, cancel cleanly, and a clicked cell
loads its workload into the pairs."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from gcdapp.core.generate import generate_pairs
from gcdapp.core.leverage_result import CellKey
from gcdapp.core.presets import SEED_NUMBERS
from gcdapp.ui.charts.leverage import speedup_label
from gcdapp.ui.running.experiment_dialogs import LeverageParams, SweepDialog, SweepParams
from tests.conftest import pool_processes, wait_no_pool_processes

TIMEOUT = 120_000


def choose_euclid(window):
    window.workspace.set_settings(window.workspace.settings.with_values(kernel="euclid"))


def test_a_sweep_draws_points_while_running_and_cancels_keeping_them(qtbot, window):
    experiments, chart = window.experiments, window.sweep_chart
    assert np.array_equal(window.workspace.pairs, np.array(SEED_NUMBERS))
    choose_euclid(window)
    drawn_while_running = []
    chart_redraw = chart._redraw

    def watch():
        chart_redraw()
        if window.runner.running and chart.point_count():
            drawn_while_running.append(chart.point_count())

    chart._timer.timeout.disconnect()
    chart._timer.timeout.connect(watch)
    # eight rounds of (serial, ×1, ×2): cancelled once the first points show
    interval = sys.getswitchinterval()
    assert experiments.start_sweep(SweepParams("processes", (1, 2), 8))
    assert sys.getswitchinterval() <= 0.001
    assert window.runner.running and experiments.running == "sweep"
    assert window.chart_tabs.currentWidget() is chart
    assert not window.run_action.isEnabled() and window.cancel_action.isEnabled()
    assert not window.panel.experiments_button.isEnabled()
    qtbot.waitUntil(lambda: bool(drawn_while_running), timeout=TIMEOUT)
    assert "runs" in window.status.label.text()
    with qtbot.waitSignal(experiments.experimentFinished, timeout=TIMEOUT) as finished:
        window.cancel_action.trigger()
    assert finished.args == ["sweep", "cancelled"]
    assert not window.runner.running and not window.runner.coordinator.busy
    assert experiments.running is None
    assert sys.getswitchinterval() == interval
    sweep = window.workspace.sweep
    assert sweep.status == "cancelled"
    kept = [p for p in sweep.points if p.speedup is not None]
    assert kept and chart.point_count() == len(kept)
    assert "cancelled" in window.message.message()
    assert window.findings.title().startswith("Worker sweep: processes")
    assert "sweep was cancelled" in window.findings.findings()[0].text
    assert window.run_action.isEnabled()
    assert wait_no_pool_processes() == []
    # the window runs again afterwards
    with qtbot.waitSignal(window.jobFinished, timeout=TIMEOUT):
        assert window.runner.start_run()


def test_a_completed_sweep_has_fits_a_legend_and_hover_text(qtbot, window):
    choose_euclid(window)
    with qtbot.waitSignal(window.experiments.experimentFinished, timeout=TIMEOUT) as done:
        assert window.experiments.start_sweep(SweepParams("threads", (1, 2, 3), 1))
    assert done.args == ["sweep", "completed"]
    chart = window.sweep_chart
    sweep = window.workspace.sweep
    assert chart.sweep is sweep and chart.point_count() == 3
    legend = chart.legend_texts()
    assert any(t.startswith("ideal") for t in legend)
    assert any(t.startswith("Amdahl: serial fraction") for t in legend)
    assert any(t.startswith("USL: σ =") for t in legend)
    cores = sweep.cores
    tip = chart.point_tooltip(2)
    assert "Karp–Flatt serial fraction" in tip and "2 workers" in tip
    if cores < 3:
        assert "oversubscribed" in chart.point_tooltip(3)
    assert window.findings.findings()[0].text == sweep.finding()
    assert "completed" in window.status.label.text()


def test_a_sweep_that_cannot_run_says_why_and_starts_nothing(qtbot, window):
    assert not window.experiments.start_sweep(SweepParams("serial", (1, 2), 1))
    assert window.message.kind == "error"
    assert "Cannot sweep" in window.message.message()
    assert not window.runner.running


def test_the_sweep_dialog_keeps_bad_worker_lists_open_with_the_reason(qtbot):
    dialog = SweepDialog("processes", (1, 2, 3, 4), 3)
    qtbot.addWidget(dialog)
    assert dialog.workers.text() == "1, 2, 3, 4"
    dialog.workers.setText("1, two")
    dialog.accept()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert "'two' is not a whole number" in dialog.error.text()
    dialog.workers.setText("1-3, 6")
    assert dialog.params().workers == (1, 2, 3, 6)


def click_cell(qtbot, chart, key):
    vb = chart.getPlotItem().getViewBox()
    scene = vb.mapViewToScene(chart.cell_center(key))
    pos = chart.mapFromScene(scene)
    qtbot.mouseClick(chart.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(pos.x(), pos.y()))


def test_a_tiny_map_draws_cells_and_a_click_loads_that_workload(qtbot, window):
    experiments, chart = window.experiments, window.leverage_chart
    params = LeverageParams("processes", (3,), (1, 20), ("builtin",), 1)
    with qtbot.waitSignal(experiments.experimentFinished, timeout=TIMEOUT) as done:
        assert experiments.start_map(params)
        assert window.chart_tabs.currentWidget() is chart
    assert done.args == ["leverage", "completed"]
    assert wait_no_pool_processes() == []
    result = window.workspace.leverage
    assert chart.cell_count() == 2 == len(result.measured)
    key = CellKey("builtin", 3, 20)
    cell = result.cell("builtin", 3, 20)
    assert chart.cell_label(key) == speedup_label(cell.speedup) + ("!" if cell.unstable else "")
    assert window.findings.title().startswith("Leverage map: processes")
    before = window.workspace.pairs.copy()
    qtbot.waitExposed(chart)
    with qtbot.waitSignal(experiments.cellLoaded, timeout=5000) as loaded:
        click_cell(qtbot, chart, key)
    assert loaded.args == [key]
    assert np.array_equal(window.workspace.pairs, generate_pairs(cell.n_pairs, 3, result.seed))
    spec = window.workspace.settings.spec
    assert (spec.kernel, spec.chunksize, spec.mode) == ("builtin", 20, "processes")
    assert window.findings.title() == f"Leverage cell: {key.label}"
    # ... and the cell's own serial and processes runs, whole, as timelines
    cell_runs = [r for r in window.workspace.history.records if key.label in r.label]
    assert [r.mode for r in cell_runs] == ["serial", "processes"]
    assert [r.result for r in cell_runs] == list(cell.runs)
    assert all(np.array_equal(r.result.results, np.gcd(*window.workspace.pairs.T))
               for r in cell_runs)
    assert window.chart_tabs.currentWidget() is window.chart
    assert window.runs.model().rowCount() >= 2
    # one undoable step, like other pair loads
    window.editor.undo_stack.undo()
    assert np.array_equal(window.workspace.pairs, before)


def test_hovering_a_cell_shows_its_numbers(qtbot, window):
    from gcdapp.core.leverage import LeverageMap

    result = LeverageMap((3,), (1, 10), ("builtin",), "threads", rounds=1).execute()
    window.workspace.set_leverage(result)
    chart = window.leverage_chart
    window.chart_tabs.setCurrentWidget(chart)
    qtbot.waitUntil(lambda: chart.cell_count() == 2)
    qtbot.waitExposed(chart)
    vb = chart.getPlotItem().getViewBox()
    scene = vb.mapViewToScene(chart.cell_center(CellKey("builtin", 3, 10)))
    chart._on_mouse_moved(scene)
    text = chart.hover_text()
    assert text.startswith("builtin, 3 digits, 10 per task")
    assert "per task: compute" in text and "Click to load" in text
    assert not pool_processes()


@pytest.mark.parametrize("kind", ["sweep", "leverage"])
def test_cancel_before_the_first_step_keeps_the_window_usable(qtbot, window, kind):
    choose_euclid(window)
    experiments = window.experiments
    with qtbot.waitSignal(experiments.experimentFinished, timeout=TIMEOUT) as done:
        if kind == "sweep":
            assert experiments.start_sweep(SweepParams("processes", (1, 2), 2))
        else:
            assert experiments.start_map(LeverageParams("processes", (3,), (1,), ("builtin",), 1))
        window.runner.cancel_run()
    assert done.args == [kind, "cancelled"]
    assert not window.runner.coordinator.busy
    assert wait_no_pool_processes() == []


def test_the_findings_follow_the_experiment_tab_shown(qtbot, window):
    from gcdapp.core.leverage import LeverageMap
    from gcdapp.core.sweep import Sweep

    choose_euclid(window)
    settings = window.workspace.settings.with_values(mode="threads", repeats=1)
    window.workspace.set_sweep(Sweep(window.workspace.pairs, settings, (1, 2)).execute())
    window.workspace.set_leverage(
        LeverageMap((3,), (1,), ("builtin",), "threads", rounds=1).execute())
    window.chart_tabs.setCurrentWidget(window.sweep_chart)
    assert window.findings.title() == "Worker sweep: threads, euclid"
    assert window.findings.findings()[0].text == window.workspace.sweep.finding()
    window.chart_tabs.setCurrentWidget(window.leverage_chart)
    assert window.findings.title().startswith("Leverage map: threads")


def test_the_map_dialog_offers_the_default_grid_and_names_bad_values(qtbot):
    from gcdapp.core.leverage import DEFAULT_CHUNKSIZES, DEFAULT_DIGITS, DEFAULT_KERNELS
    from gcdapp.ui.running.experiment_dialogs import LeverageDialog

    dialog = LeverageDialog()
    qtbot.addWidget(dialog)
    params = dialog.params()
    assert (params.digits, params.chunksizes, params.kernels) == (
        DEFAULT_DIGITS, DEFAULT_CHUNKSIZES, DEFAULT_KERNELS)
    assert params.mode == "processes" and params.rounds == 3
    dialog.chunksizes.setText("1, 10, 0")
    dialog.accept()
    assert "chunk size '0': must be between 1 and" in dialog.error.text()
    dialog.chunksizes.setText("1")
    for box in dialog.kernels.values():
        box.setChecked(False)
    dialog.accept()
    assert dialog.error.text() == "choose at least one kernel"


def test_closing_the_window_mid_sweep_stops_it_and_restores_the_switch_interval(qtbot):
    from gcdapp.ui import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    choose_euclid(window)
    interval = sys.getswitchinterval()
    assert window.experiments.start_sweep(SweepParams("processes", (1, 2), 8))
    qtbot.waitUntil(lambda: window.workspace.sweep is not None
                    and len(window.workspace.sweep.measurements) >= 1, timeout=TIMEOUT)
    window.close()
    assert sys.getswitchinterval() == interval
    assert not window.runner.coordinator._thread.isRunning()
    assert wait_no_pool_processes() == []
