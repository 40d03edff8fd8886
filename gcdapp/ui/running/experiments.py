"""Experiments: worker sweeps and leverage maps, started from the window.

The controller builds a :class:`~gcdapp.core.sweep.Sweep` or a
:class:`~gcdapp.core.leverage.LeverageMap` from the workspace's pairs and
settings and what its dialog asked (building checks everything: a problem
is shown in the message strip and nothing starts), and runs it as a job of
the run controller, on the same coordinator thread as runs (Cancel stops
it, keeping every finished point or cell). A map is measured in a child
process (:class:`~gcdapp.core.leverage_process.LeverageMapProcess`), which
the coordinator thread only waits for: in process, its Python work held the
GIL the GUI thread needs, and the window stalled. While it runs it routes: the
experiment so far to the workspace (which keeps the last sweep and the last
map, so sessions and autosave keep them too) and on to its chart, whose
redraws are throttled; the progress and the time left to the status bar;
the experiment's sentence to the findings panel when it ends.

Clicking a cell of the map loads that workload (the map's own pairs, made
again from its seed) into the pairs as one undoable step, with its kernel,
chunk size and mode in the run settings.
"""

from __future__ import annotations

import sys
import time
import weakref

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QDialog, QWidget

from gcdapp.core import backends
from gcdapp.core.engine import RunSetupError
from gcdapp.core.findings import cell_findings, leverage_findings, sweep_findings
from gcdapp.core.generate import generate_pairs
from gcdapp.core.history import RunRecord
from gcdapp.core.leverage_process import LeverageMapProcess
from gcdapp.core.pairs import pairs_fingerprint
from gcdapp.core.leverage_result import CellKey, LeverageResult
from gcdapp.core.sweep import Sweep, default_workers
from gcdapp.core.sweep_result import SweepResult
from gcdapp.core.workspace import Workspace
from gcdapp.ui.charts.leverage import LeverageChart
from gcdapp.ui.charts.sweep import SweepChart
from gcdapp.ui.pairs.editor import PairEditor
from gcdapp.ui.running.controller import RunController
from gcdapp.ui.running.coordinator import ExperimentJob
from gcdapp.ui.running.experiment_dialogs import (
    LeverageDialog, LeverageParams, SweepDialog, SweepParams, parallel_modes,
)
from gcdapp.ui.running.findings_panel import FindingsPanel
from gcdapp.ui.running.message import RunMessage
from gcdapp.ui.running.status import RunStatus, format_duration

__all__ = ["ExperimentController"]

_UNITS = {"sweep": "runs", "leverage": "cells"}
#: The interpreter's thread switch interval while an experiment runs. The
#: coordinator thread runs Python for long stretches (the serial baseline,
#: calibrating a kernel, the engine's loop); each Qt call of the GUI thread
#: lets go of the GIL and must then wait for it up to the switch interval
#: (5 ms by default), so a redraw of a few hundred Qt calls could stall the
#: window for 100 ms and more. At 1 ms it waits less; the cost is a few more
#: switches of the GIL, microseconds each, only while both threads want it.
EXPERIMENT_SWITCH_INTERVAL_S = 0.001
_NAMES = {"sweep": "Sweep", "leverage": "Leverage map"}


class ExperimentController(QObject):
    """Starts sweeps and maps, and routes what they report."""

    #: An experiment started (its kind: ``"sweep"`` or ``"leverage"``).
    experimentStarted = Signal(str)
    #: An experiment ended: its kind and status (completed, cancelled, failed).
    experimentFinished = Signal(str, str)
    #: A map's cell was loaded into the pairs (its CellKey).
    cellLoaded = Signal(object)
    #: The runs a map measured for a loaded cell were added and shown.
    cellRunsShown = Signal()

    def __init__(self, runner: RunController, workspace: Workspace, editor: PairEditor,
                 findings: FindingsPanel, sweep_chart: SweepChart,
                 leverage_chart: LeverageChart, dialog_parent: QWidget | None = None,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.runner = runner
        self.workspace = workspace
        self.editor = editor
        self.findings = findings
        self.sweep_chart = sweep_chart
        self.leverage_chart = leverage_chart
        # Weakly: the window owns this controller (a cycle would wait for the
        # garbage collector, which may run on any thread).
        self._dialog_parent_ref = (weakref.ref(dialog_parent) if dialog_parent is not None
                                   else lambda: None)
        self._last_sweep: SweepParams | None = None
        self._t0 = 0.0
        self._switch_interval: float | None = None  # the interpreter's, while one runs
        runner.experimentEnded.connect(self._on_ended)
        c = runner.coordinator
        c.experimentStep.connect(self._on_step)
        c.experimentProgressed.connect(self._on_progressed)
        c.experimentFinished.connect(self._on_finished)
        workspace.events.experiments_changed.connect(self._on_experiments_changed)
        leverage_chart.cellClicked.connect(self.load_cell)

    @property
    def message(self) -> RunMessage:
        return self.runner.message

    @property
    def status(self) -> RunStatus:
        return self.runner.status

    @property
    def running(self) -> str | None:
        """The kind of experiment running, or None."""
        return self.runner.experiment_kind

    # -- the dialogs --------------------------------------------------------
    def default_sweep(self) -> SweepParams:
        """The last sweep's values, else the chosen mode (when it takes
        workers; else processes), 1 to twice the usable cores, the chosen repeats."""
        if self._last_sweep is not None:
            return self._last_sweep
        settings = self.workspace.settings
        mode = settings.spec.mode
        modes = parallel_modes()
        if mode not in modes:
            mode = "processes" if "processes" in modes else (modes[0] if modes else mode)
        return SweepParams(mode, default_workers(), max(settings.repeats, 3))

    @Slot()
    def sweep_dialog(self) -> bool:
        """Ask for a sweep's values, then start it."""
        if self.runner.running:
            return False
        d = self.default_sweep()
        dialog = SweepDialog(d.mode, d.workers, d.repeats, self._dialog_parent_ref())
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        return self.start_sweep(dialog.params())

    @Slot()
    def leverage_dialog(self) -> bool:
        """Ask for a map's values (the default grid first), then start it."""
        if self.runner.running:
            return False
        dialog = LeverageDialog(self._dialog_parent_ref())
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        return self.start_map(dialog.params())

    # -- starting -------------------------------------------------------------
    def start_sweep(self, params: SweepParams | None = None) -> bool:
        """Sweep the workspace's pairs; False (with the reason shown) when it
        cannot start."""
        if self.runner.running:
            return False
        params = params or self.default_sweep()
        settings = self.workspace.settings.with_values(mode=params.mode, repeats=params.repeats)
        try:
            sweep = Sweep(self.workspace.pairs.copy(), settings, params.workers)
        except RunSetupError as exc:
            self.message.show_message("Cannot sweep: " + "; ".join(exc.problems), "error")
            return False
        self._last_sweep = params
        workers = ", ".join(map(str, sweep.workers))
        return self._start("sweep", sweep, f"Sweep: {params.mode} × {workers} · ")

    def start_map(self, params: LeverageParams | None = None) -> bool:
        """Measure a leverage map (the default grid without ``params``)."""
        if self.runner.running:
            return False
        try:
            if params is None:
                lmap = LeverageMapProcess()
            else:
                start_method = None
                spec = self.workspace.settings.spec
                caps = backends.get(params.mode).capabilities if params.mode in \
                    backends.names() else None
                if caps is not None and spec.start_method in caps.start_methods:
                    start_method = spec.start_method
                lmap = LeverageMapProcess(params.digits, params.chunksizes, params.kernels,
                                   params.mode, rounds=params.rounds,
                                   start_method=start_method)
        except RunSetupError as exc:
            self.message.show_message("Cannot map: " + "; ".join(exc.problems), "error")
            return False
        return self._start("leverage", lmap, f"Leverage map: {lmap.mode} ×{lmap.workers} · ")

    def _start(self, kind: str, experiment, prefix: str) -> bool:
        if not self.runner.start_experiment(ExperimentJob(kind, experiment)):
            return False
        if self._switch_interval is None:
            self._switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(min(self._switch_interval, EXPERIMENT_SWITCH_INTERVAL_S))
        self._t0 = time.monotonic()
        self._store(kind, experiment.result())
        self.status.start_steps(prefix, _UNITS[kind])
        self.experimentStarted.emit(kind)
        return True

    @Slot()
    def cancel(self) -> None:
        self.runner.cancel_run()

    # -- what the coordinator reports (GUI thread) ----------------------------
    def _store(self, kind: str, result) -> None:
        if kind == "sweep":
            self.workspace.set_sweep(result)
        else:
            self.workspace.set_leverage(result)

    @Slot(str, str, object)
    def _on_step(self, _kind: str, label: str, progress) -> None:
        self.status.step(label, progress)

    @Slot(str, object, object)
    def _on_progressed(self, kind: str, result, progress) -> None:
        self.status.step(None, progress)
        self._store(kind, result)

    @Slot(str, object)
    def _on_finished(self, kind: str, result) -> None:
        self._store(kind, result)
        self.show_now(kind)
        name = _NAMES[kind]
        unit = "points" if kind == "sweep" else "cells"
        done = len(result.points) if kind == "sweep" else len(result.cells)
        elapsed = format_duration(time.monotonic() - self._t0)
        self.status.finish(f"{name}: {result.status} · {done} {unit} in {elapsed}")
        self.show_findings(kind)
        if result.status == "failed":
            self.message.show_message(f"The {name.lower()} failed: {result.error}", "error")
        elif result.status == "cancelled":
            self.message.show_message(
                f"{name} cancelled: the {done} finished {unit} are kept.", "info")
        self.experimentFinished.emit(kind, result.status)

    def shutdown(self) -> None:
        """The window closes (after the runner stopped the coordinator): the
        interpreter gets its switch interval back even if the experiment's
        end was never delivered."""
        self._on_ended(False)

    @Slot(bool)
    def _on_ended(self, _completed: bool) -> None:
        if self._switch_interval is not None:
            sys.setswitchinterval(self._switch_interval)
            self._switch_interval = None

    # -- views ------------------------------------------------------------------
    def _on_experiments_changed(self, kind: str) -> None:
        """Charts follow (throttled); a sweep or map opened from a session
        without runs is explained in the findings panel."""
        if kind == "sweep":
            self.sweep_chart.show_sweep(self.workspace.sweep)
        else:
            self.leverage_chart.show_map(self.workspace.leverage)
        shown = self.workspace.sweep if kind == "sweep" else self.workspace.leverage
        if shown is not None and not self.running and not len(self.workspace.history):
            self.show_findings(kind)

    def show_now(self, kind: str) -> None:
        """Draw the workspace's sweep or map at once (not throttled)."""
        if kind == "sweep":
            self.sweep_chart.show_sweep(self.workspace.sweep, now=True)
        else:
            self.leverage_chart.show_map(self.workspace.leverage, now=True)

    def show_findings(self, kind: str) -> None:
        """The findings panel explains the last sweep or map."""
        if kind == "sweep" and self.workspace.sweep is not None:
            s: SweepResult = self.workspace.sweep
            self.findings.show_findings(f"Worker sweep: {s.mode}, {s.kernel}", sweep_findings(s))
        elif kind == "leverage" and self.workspace.leverage is not None:
            m: LeverageResult = self.workspace.leverage
            self.findings.show_findings(f"Leverage map: {m.mode} ×{m.workers}",
                                        leverage_findings(m))

    # -- a cell of the map ------------------------------------------------------
    @Slot(object)
    def load_cell(self, key: CellKey) -> bool:
        """Load the workload of the map's cell ``key`` into the pairs (one
        undoable step) and its kernel, chunk size and mode into the settings."""
        result = self.workspace.leverage
        cell = None if result is None else result.cell(key.kernel, key.digits, key.chunksize)
        if cell is None:
            return False
        if self.runner.running:
            self.message.show_message("Cannot load a cell while a job is running.", "error")
            return False
        if not cell.n_pairs:
            self.message.show_message(f"{key.label} was skipped: {cell.skipped}", "info")
            return False
        pairs = generate_pairs(cell.n_pairs, key.digits, result.seed)
        if not self.editor.load_pairs(pairs, f"Load leverage cell ({key.label})"):
            return False
        settings = self.workspace.settings
        values = dict(kernel=key.kernel, chunksize=key.chunksize, mode=result.mode)
        if backends.get(result.mode).capabilities.takes_workers:
            values["workers"] = result.workers
        self.workspace.set_settings(settings.with_values(**values))
        shown = self._add_cell_runs(cell, pairs)  # (their timelines, stacked)
        self.findings.show_findings(f"Leverage cell: {key.label}",
                                    cell_findings(cell, result.mode))
        runs = (f"; its serial and {result.mode} runs are in the Runs table" if shown
                else "; Compare modes measures its runs again" if cell.measured else "")
        self.message.show_message(
            f"Loaded {cell.n_pairs:,} pairs of {key.label} (undo with Ctrl+Z)" + runs
            + (f"; the map skipped it: {cell.skipped}" if cell.skipped else "") + ".", "info")
        self.cellLoaded.emit(key)
        return True

    def _add_cell_runs(self, cell, pairs) -> list[int]:
        """Put the runs the map measured for ``cell`` (its median round, kept
        in memory while the map is) into the runs, and show their timelines
        stacked; a map read from a session has none. Returns their ids."""
        if not cell.runs:
            return []
        history = self.workspace.history
        fingerprint = pairs_fingerprint(pairs)
        ids = []
        for run in cell.runs:
            info = run.info
            run_id = history.new_id()
            label = (f"#{run_id} {info.mode}" + (f" ×{info.workers}" if info.mode != "serial"
                                                 else "") + f" · {cell.key.label}")
            self.workspace.add_run(RunRecord(run_id, label, fingerprint, run), pairs)
            ids.append(run_id)
        self.runner.show_runs(ids)
        self.cellRunsShown.emit()
        return ids
