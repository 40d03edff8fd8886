"""Runs: starts jobs on the coordinator with the workspace's pairs and
settings, and routes its events: finished runs to the workspace (the runs
table is a view of it), live batches to the pair editor's results and the
charts, progress to the status bar and problems to the message strip."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from collections.abc import Callable

from gcdapp.core.engine import check_run
from gcdapp.core.events import RunInfo, RunResult, TaskBatch
from gcdapp.core.history import RunHistory, RunRecord
from gcdapp.core.pairs import pairs_fingerprint
from gcdapp.core.plan import Plan, comparison_plan, run_plan
from gcdapp.core.pythons.run_python import run_label, running_label
from gcdapp.core.repeats import stability_report
from gcdapp.core.workspace import PairsChange, RunsChange, Workspace
from gcdapp.ui.charts.palette import run_color
from gcdapp.ui.charts.timing import TimingChart
from gcdapp.ui.pairs.editor import PairEditor
from gcdapp.ui.running.coordinator import ExperimentJob, Job, RunCoordinator
from gcdapp.ui.running.message import RunMessage
from gcdapp.ui.running.status import RunStatus

class RunController(QObject):
    """Owns the :class:`RunCoordinator`; lives on the GUI thread, and so do
    all its slots (the coordinator delivers queued). The runs and their pairs
    are the workspace's; the charts follow the workspace's runs."""

    #: A run ended (its id); emitted after the runs table and charts have it.
    runFinished = Signal(int)
    #: Every run of a Run press ended (True when all completed).
    jobFinished = Signal(bool)
    #: A job started (True) or ended (False).
    runningChanged = Signal(bool)
    #: The finished runs changed: one was added, or they were cleared.
    runsChanged = Signal()
    #: An experiment job (a sweep, a map) ended (True when it completed).
    experimentEnded = Signal(bool)

    def __init__(self, workspace: Workspace, editor: PairEditor, chart: TimingChart,
                 message: RunMessage, status: RunStatus, parent: QObject | None = None,
                 interpreters: Callable[[], list] = list):
        super().__init__(parent)
        #: What discovery found (for Compare modes and run labels).
        self.interpreters = interpreters
        self._python_labels: dict[int, str] = {}  # run id -> its interpreter, when mixed
        self.workspace = workspace
        self.editor = editor
        self.chart = chart
        self.message = message
        self.status = status
        self._live: dict[int, tuple[str, object, str]] = {}  # run id -> label, colour, fingerprint
        self._job_ids: tuple[int, ...] = ()
        self._comparing = False  # the job is a Compare modes
        self._job_pairs: np.ndarray | None = None
        self._fingerprint = ""
        self._experiment_kind: str | None = None  # the job is a sweep or a map
        self.coordinator = RunCoordinator(self)
        c = self.coordinator
        c.jobStarted.connect(self._on_job_started)
        c.runStarted.connect(self._on_run_started)
        c.tasksCompleted.connect(self._on_tasks_completed)
        c.runFinished.connect(self._on_run_finished)
        c.jobFinished.connect(self._on_job_finished)
        c.jobFailed.connect(self._on_job_failed)
        c.warmingUp.connect(self._on_warming_up)
        workspace.events.runs_changed.connect(self._on_runs_changed)
        workspace.events.pairs_changed.connect(self._on_pairs_changed)

    @property
    def _history(self) -> RunHistory:
        return self.workspace.history

    @property
    def running(self) -> bool:
        return self.coordinator.busy

    @property
    def job_run_ids(self) -> tuple[int, ...]:
        """The runs of the latest job (started or finished), in order."""
        return self._job_ids

    # -- starting and stopping ---------------------------------------------
    @Slot()
    def start_run(self) -> bool:
        """Run the chosen settings (repeated as asked). False, with the reason
        shown, when it cannot start."""
        return self._start_job(run_plan(self.workspace.settings))

    @Slot()
    def compare_modes(self) -> bool:
        """Run serial, threads and processes in turn on the same pairs; then
        their timelines are shown stacked on one time axis."""
        plan = comparison_plan(self.workspace.settings, self.interpreters())
        return self._start_job(plan, comparing=True)

    def _start_job(self, plan: Plan, comparing: bool = False) -> bool:
        if self.running:
            return False
        pairs = self.workspace.pairs.copy()  # the runs' own snapshot
        specs = plan.runs
        problems = list(dict.fromkeys(p for spec in specs for p in check_run(pairs, spec)))
        if problems:
            self.message.show_message("Cannot run: " + "; ".join(problems), "error")
            return False
        self.message.dismiss()
        self._job_pairs = pairs
        job = Job(pairs, tuple((self._history.new_id(), spec) for spec in specs), plan.warm_up)
        self._job_ids = job.run_ids
        self._python_labels = self._mixed_python_labels(job)
        self._comparing = comparing
        self._set_running(True)
        self.coordinator.start(job)
        return True

    def _python_label(self, path: str | None) -> str:
        found = next((i for i in self.interpreters() if i.path == path), None) if path else None
        return found.label if found is not None else (running_label() if path is None else path)

    def _mixed_python_labels(self, job: Job) -> dict[int, str]:
        """Each run's interpreter, when the job's runs are not all in one."""
        pythons = {getattr(spec, "python", None) for _id, spec in job.runs}
        if len(pythons) < 2:
            return {}
        return {run_id: self._python_label(getattr(spec, "python", None))
                for run_id, spec in job.runs}

    def start_experiment(self, job: ExperimentJob) -> bool:
        """Run a sweep or a map on the coordinator thread, like runs (its
        events go to whoever listens to the coordinator's experiment
        signals). False when a job is running."""
        if self.running:
            return False
        self.message.dismiss()
        self._experiment_kind = job.kind
        self._set_running(True)
        self.coordinator.start(job)
        return True

    @property
    def experiment_kind(self) -> str | None:
        """``"sweep"`` or ``"leverage"`` while one runs, else None."""
        return self._experiment_kind

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
        self.runningChanged.emit(running)

    # -- the finished runs -----------------------------------------------------
    @Slot()
    def clear_runs(self) -> None:
        if self.running:
            return
        self.workspace.clear_runs()

    def _on_runs_changed(self, change: RunsChange) -> None:
        """The workspace's runs changed: charts follow (a run added live is
        charted as it runs; replaced or cleared runs are redrawn here)."""
        if change.kind == "reset":
            self._show_finished_runs()
        self.runsChanged.emit()

    def _show_finished_runs(self) -> None:
        """Chart every finished run (from a session, or none once cleared)."""
        history = self._history
        records = tuple(history)
        self.chart.clear()
        counts: dict[str, int] = {}
        for record in records:
            color = run_color(record.mode, counts.get(record.mode, 0))
            counts[record.mode] = counts.get(record.mode, 0) + 1
            self.chart.add_finished_run(record.run_id, record.label, color, record.result, None)
        for record in records:
            self.chart.walls.set_speedup(record.run_id, history.speedup(record))
        # The table's gcd column shows the last run of the pairs it holds.
        if records:
            current = pairs_fingerprint(self.workspace.pairs)
            last = next((r for r in reversed(records) if r.fingerprint == current), None)
            if last is not None:
                self.editor.apply_batch(last.result.tasks)

    @Slot(int)
    def show_run(self, run_id: int) -> None:
        """Show a finished run's timeline (not while a run is live)."""
        record = self._history.get(run_id)
        if record is None or self.running:
            return
        self.chart.show_run(run_id, record.result, self.workspace.pairs_of[record.fingerprint])

    @Slot(list)
    def show_runs(self, run_ids: list) -> None:
        """Show several finished runs' timelines stacked on one time axis (one
        id: its timeline alone; not while a run is live)."""
        if self.running:
            return
        records = [r for r in (self._history.get(i) for i in run_ids) if r is not None]
        if len(records) == 1:
            self.show_run(records[0].run_id)
        elif records:
            pairs_of = self.workspace.pairs_of
            self.chart.show_comparison(
                [(r.run_id, r.result, pairs_of[r.fingerprint]) for r in records])

    # -- the status bar while idle -------------------------------------------
    def show_idle_status(self) -> None:
        n = len(self.workspace)
        self.status.show_text(f"Ready · {n:,} pairs" if n else "Ready · paste or generate pairs")

    def _on_pairs_changed(self, _change: PairsChange) -> None:
        if not self.running:
            self.show_idle_status()

    # -- coordinator events (GUI thread) -----------------------------------
    @Slot(str)
    def _on_job_started(self, fingerprint: str) -> None:
        # Runs of the same pairs share one array (and so do their charts).
        self._fingerprint = fingerprint
        self.workspace.add_pair_set(fingerprint, self._job_pairs)

    @Slot(int, object)
    def _on_run_started(self, run_id: int, info: RunInfo) -> None:
        label = f"#{run_id} {info.mode}" + (f" ×{info.workers}" if info.mode != "serial" else "")
        if run_id in self._python_labels:  # the job mixes interpreters: say which
            label += f" · {self._python_labels[run_id]}"
        color = run_color(info.mode, self._history.count_of_mode(info.mode))
        self._live[run_id] = (label, color, self._fingerprint)
        self.chart.begin_run(run_id, info, self.workspace.pairs_of[self._fingerprint], label,
                             color)
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
        expected = self._python_labels.pop(run_id, None)
        if expected is not None and label.endswith(f" · {expected}"):
            # as observed inside the worker, not as assumed
            label = label[: -len(expected)] + run_label(result)
        record = RunRecord(run_id, label, fingerprint, result)
        history = self._history
        self.workspace.add_run(record)  # (the runs table hears of it; runsChanged)
        self.chart.finish_run(run_id, result, history.speedup(record))
        if record.mode == "serial":  # a new baseline: refresh the other bars
            for other in history:
                if other.fingerprint == fingerprint and other.kernel == record.kernel:
                    self.chart.walls.set_speedup(other.run_id, history.speedup(other))
        info = result.info
        if result.status == "failed":
            self.message.show_message(f"{label} failed: {result.error}", "error")
        elif result.status == "cancelled":
            self.message.show_message(
                f"{label} cancelled: {result.n_done:,} of {info.n_pairs:,} pairs had completed "
                "and are kept.", "info")
        elif result.notes:  # it completed, but something happened on the way
            self.message.show_message(f"{label}: {'; '.join(result.notes)}.", "info")
        self.runFinished.emit(run_id)

    @Slot(bool)
    def _on_job_finished(self, all_completed: bool) -> None:
        if self._experiment_kind is not None:
            self._experiment_kind = None
            self._set_running(False)
            self.experimentEnded.emit(all_completed)
            return
        self._set_running(False)
        history = self._history
        last = history.records[-1] if len(history) else None
        if last is not None:
            self.status.finish(
                f"{last.label}: {last.result.status} in {last.result.wall_s:.3f} s · "
                f"{last.result.n_done:,} / {last.result.info.n_pairs:,} pairs"
            )
        job_runs = [r for r in history if r.run_id in self._job_ids]
        if self._comparing and len(job_runs) > 1:
            self.show_runs([r.run_id for r in job_runs])
        report = stability_report(job_runs) if all_completed else None
        if report is not None:
            kind, text = report
            self.message.show_message(text, kind)
        self.jobFinished.emit(all_completed)

    @Slot(str)
    def _on_warming_up(self, mode: str) -> None:
        self.status.show_text(f"Warm-up run ({mode}, not recorded)…")

    @Slot(str)
    def _on_job_failed(self, message: str) -> None:
        self.message.show_message(f"Cannot run: {message}", "error")
