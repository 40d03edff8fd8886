"""Runs: starts jobs on the coordinator and routes its events to the widgets
that show them (the pair editor's results, the charts, the runs table, the
status bar and the message strip)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from gcdapp.core.engine import check_run
from gcdapp.core.events import RunInfo, RunResult, RunSpec, TaskBatch
from gcdapp.core.history import RunHistory, RunRecord
from gcdapp.core.pairs import pairs_fingerprint
from gcdapp.ui.running.coordinator import Job, RunCoordinator
from gcdapp.ui.running.settings_panel import ModePanel
from gcdapp.ui.pairs.editor import PairEditor
from gcdapp.ui.charts.palette import run_color
from gcdapp.ui.running.message import RunMessage
from gcdapp.ui.running.status import RunStatus
from gcdapp.ui.running.runs_table import RunsTable
from gcdapp.ui.charts.timing import TimingChart

COMPARED_MODES = ("serial", "threads", "processes")


class RunController(QObject):
    """Owns the :class:`RunCoordinator` and the runs' pairs; lives on the GUI
    thread, and so do all its slots (the coordinator delivers queued)."""

    #: A run ended (its id); emitted after the runs table and charts have it.
    runFinished = Signal(int)
    #: Every run of a Run press ended (True when all completed).
    jobFinished = Signal(bool)
    #: A job started (True) or ended (False).
    runningChanged = Signal(bool)
    #: The finished runs changed: one was added, or they were cleared.
    runsChanged = Signal()

    def __init__(self, history: RunHistory, editor: PairEditor, panel: ModePanel,
                 chart: TimingChart, runs: RunsTable, message: RunMessage, status: RunStatus,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.history = history
        self.editor = editor
        self.panel = panel
        self.chart = chart
        self.runs = runs
        self.message = message
        self.status = status
        #: fingerprint -> the pairs its runs used (runs of the same pairs share one array)
        self.pairs_of: dict[str, np.ndarray] = {}
        self._live: dict[int, tuple[str, object, str]] = {}  # run id -> label, colour, fingerprint
        self._job_ids: tuple[int, ...] = ()
        self._job_pairs: np.ndarray | None = None
        self._fingerprint = ""
        self.coordinator = RunCoordinator(self)
        c = self.coordinator
        c.jobStarted.connect(self._on_job_started)
        c.runStarted.connect(self._on_run_started)
        c.tasksCompleted.connect(self._on_tasks_completed)
        c.runFinished.connect(self._on_run_finished)
        c.jobFinished.connect(self._on_job_finished)
        c.jobFailed.connect(self._on_job_failed)

    @property
    def running(self) -> bool:
        return self.coordinator.busy

    # -- starting and stopping ---------------------------------------------
    @Slot()
    def start_run(self) -> bool:
        """Run the chosen settings (repeated as asked). False, with the reason
        shown, when it cannot start."""
        return self._start_job([self.panel.spec()] * self.panel.repeat_count())

    @Slot()
    def compare_modes(self) -> bool:
        """Run serial, threads and processes in turn on the same pairs."""
        base = self.panel.spec()
        specs = [
            replace(base, mode=mode, workers=None if mode == "serial" else base.workers,
                    start_method=base.start_method if mode == "processes" else None)
            for mode in COMPARED_MODES
        ]
        return self._start_job(specs * self.panel.repeat_count())

    def _start_job(self, specs: list[RunSpec]) -> bool:
        if self.running:
            return False
        pairs = self.editor.model.pairs().copy()  # the runs' own snapshot
        problems = list(dict.fromkeys(p for spec in specs for p in check_run(pairs, spec)))
        if problems:
            self.message.show_message("Cannot run: " + "; ".join(problems), "error")
            return False
        self.message.dismiss()
        self._job_pairs = pairs
        job = Job(pairs, tuple((self.history.new_id(), spec) for spec in specs))
        self._job_ids = job.run_ids
        self._set_running(True)
        self.coordinator.start(job)
        return True

    @Slot()
    def cancel_run(self) -> None:
        if self.running:
            self.status.show_text("Cancelling…")
            self.coordinator.cancel()

    def shutdown(self, timeout_ms: int = 2000) -> bool:
        """Stop the run (terminating pool workers), then the coordinator
        thread; no run starts afterwards."""
        return self.coordinator.shutdown(timeout_ms)

    def _set_running(self, running: bool) -> None:
        self.editor.set_running(running)
        self.panel.set_running(running)
        self.runningChanged.emit(running)

    # -- the finished runs -----------------------------------------------------
    @Slot()
    def clear_runs(self) -> None:
        if self.running:
            return
        self._forget_runs()
        self.pairs_of.clear()
        self.runsChanged.emit()

    def _forget_runs(self) -> None:
        self.history.clear()
        self.chart.clear()
        self.runs.runs_model.reset()

    def set_runs(self, records: Iterable[RunRecord], pair_sets: Mapping[str, np.ndarray]) -> None:
        """Replace the runs table and charts with finished ``records`` (from a
        session), whose pairs are in ``pair_sets`` by fingerprint."""
        records = tuple(records)
        self._forget_runs()
        self.pairs_of = {r.fingerprint: pair_sets[r.fingerprint] for r in records}
        for record in records:
            color = run_color(record.mode, self.history.count_of_mode(record.mode))
            self.runs.runs_model.append(record)
            self.chart.add_finished_run(record.run_id, record.label, color, record.result, None)
        for record in records:
            self.chart.walls.set_speedup(record.run_id, self.history.speedup(record))
        # The table's gcd column shows the last run of the pairs it holds.
        if records:
            current = pairs_fingerprint(self.editor.model.pairs())
            last = next((r for r in reversed(records) if r.fingerprint == current), None)
            if last is not None:
                self.editor.apply_batch(last.result.tasks)

    @Slot(int)
    def show_run(self, run_id: int) -> None:
        """Show a finished run's timeline (not while a run is live)."""
        record = self.history.get(run_id)
        if record is None or self.running:
            return
        self.chart.show_run(run_id, record.result, self.pairs_of[record.fingerprint])

    # -- the status bar while idle -------------------------------------------
    def show_idle_status(self) -> None:
        n = len(self.editor.model.pairs())
        self.status.show_text(f"Ready · {n:,} pairs" if n else "Ready · paste or generate pairs")

    @Slot()
    def pairs_changed(self) -> None:
        if not self.running:
            self.show_idle_status()

    # -- coordinator events (GUI thread) -----------------------------------
    @Slot(str)
    def _on_job_started(self, fingerprint: str) -> None:
        # Runs of the same pairs share one array (and so do their charts).
        self._fingerprint = fingerprint
        self.pairs_of.setdefault(fingerprint, self._job_pairs)

    @Slot(int, object)
    def _on_run_started(self, run_id: int, info: RunInfo) -> None:
        label = f"#{run_id} {info.mode}" + (f" ×{info.workers}" if info.mode != "serial" else "")
        color = run_color(info.mode, self.history.count_of_mode(info.mode))
        self._live[run_id] = (label, color, self._fingerprint)
        self.chart.begin_run(run_id, info, self.pairs_of[self._fingerprint], label, color)
        position = self._job_ids.index(run_id) + 1 if run_id in self._job_ids else 1
        prefix = f"{label} ({position}/{len(self._job_ids)}) · " if len(self._job_ids) > 1 else f"{label} · "
        self.status.start(info, prefix)

    @Slot(int, object)
    def _on_tasks_completed(self, run_id: int, batch: TaskBatch) -> None:
        self.editor.apply_batch(batch)
        self.chart.add_batch(run_id, batch)
        self.status.advance(batch.n_pairs)

    @Slot(int, object)
    def _on_run_finished(self, run_id: int, result: RunResult) -> None:
        label, _color, fingerprint = self._live.pop(run_id)
        record = RunRecord(run_id, label, fingerprint, result)
        self.runs.runs_model.append(record)
        self.chart.finish_run(run_id, result, self.history.speedup(record))
        if record.mode == "serial":  # a new baseline: refresh the other bars
            for other in self.history:
                if other.fingerprint == fingerprint and other.kernel == record.kernel:
                    self.chart.walls.set_speedup(other.run_id, self.history.speedup(other))
        info = result.info
        if result.status == "failed":
            self.message.show_message(f"{label} failed: {result.error}", "error")
        elif result.status == "cancelled":
            self.message.show_message(
                f"{label} cancelled: {result.n_done:,} of {info.n_pairs:,} pairs had completed "
                "and are kept.", "info")
        self.runsChanged.emit()
        self.runFinished.emit(run_id)

    @Slot(bool)
    def _on_job_finished(self, all_completed: bool) -> None:
        self._set_running(False)
        last = self.history.records[-1] if len(self.history) else None
        if last is not None:
            self.status.finish(
                f"{last.label}: {last.result.status} in {last.result.wall_s:.3f} s · "
                f"{last.result.n_done:,} / {last.result.info.n_pairs:,} pairs"
            )
        self.jobFinished.emit(all_completed)

    @Slot(str)
    def _on_job_failed(self, message: str) -> None:
        self.message.show_message(f"Cannot run: {message}", "error")
