"""The coordinator: runs the engine on a QThread and forwards its events.

A worker object lives on a dedicated ``QThread``; the GUI thread never blocks
on the pool. The engine already hands over completed tasks in batches at most
~30 times a second, so each batch becomes one queued signal. Cancel goes
straight to the engine (thread-safe), since the worker thread is busy inside
``Run.execute`` and would not see a queued call until the run ends.

A job may also be an experiment (:class:`ExperimentJob`): a worker sweep or
a leverage map, built (and so checked) by the caller and executed here, on
the same thread as runs. Its progress arrives as ``experimentProgressed``
(the experiment so far and its :class:`~gcdapp.core.progress.Progress`)
after each of its runs or cells; Cancel stops it, keeping what finished.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from gcdapp.core.engine import Run, RunSetupError
from gcdapp.core.events import RunInfo, RunResult, RunSpec, TaskBatch
from gcdapp.core.leverage import LeverageObserver
from gcdapp.core.pairs import pairs_fingerprint
from gcdapp.core.progress import Progress
from gcdapp.core.sweep import SweepObserver


@dataclass(frozen=True)
class Job:
    """Runs over the same pairs, one after another: repeats of one spec, or
    a comparison of several."""

    pairs: np.ndarray
    runs: tuple[tuple[int, RunSpec], ...]  # (run id allocated by the caller, spec)
    #: run first, not recorded: no events but ``warmingUp``
    warm_up: tuple[RunSpec, ...] = ()

    @property
    def run_ids(self) -> tuple[int, ...]:
        return tuple(run_id for run_id, _ in self.runs)


@dataclass(frozen=True, eq=False)
class ExperimentJob:
    """A worker sweep or a leverage map (a built, unexecuted
    :class:`~gcdapp.core.sweep.Sweep` or
    :class:`~gcdapp.core.leverage.LeverageMap`); ``kind`` is ``"sweep"``
    or ``"leverage"``."""

    kind: str
    experiment: object


class _ExperimentObserver(SweepObserver, LeverageObserver):
    """A sweep's or a map's events as the worker's signals."""

    def __init__(self, worker: _RunWorker, kind: str):
        self.worker = worker
        self.kind = kind

    def run_observer(self, *_step) -> None:  # (a sweep's and a map's signatures differ)
        return None

    def step_started(self, step, progress: Progress) -> None:
        self.worker.experimentStep.emit(self.kind, step.label, progress)

    def cell_started(self, key, progress: Progress) -> None:
        self.worker.experimentStep.emit(self.kind, key.label, progress)

    def step_finished(self, step, sweep, progress: Progress) -> None:
        self.worker.experimentProgressed.emit(self.kind, sweep, progress)

    def cell_finished(self, cell, result, progress: Progress) -> None:
        self.worker.experimentProgressed.emit(self.kind, result, progress)


class _SignalObserver:
    """Engine observer that turns events into the worker's signals."""

    def __init__(self, worker: _RunWorker, run_id: int):
        self.worker = worker
        self.run_id = run_id

    def run_started(self, info: RunInfo) -> None:
        self.worker.runStarted.emit(self.run_id, info)

    def pool_ready(self, startup_s: float) -> None:
        self.worker.poolReady.emit(self.run_id, startup_s)

    def tasks_completed(self, batch: TaskBatch) -> None:
        self.worker.tasksCompleted.emit(self.run_id, batch)

    def run_finished(self, result: RunResult) -> None:
        self.worker.runFinished.emit(self.run_id, result)


class _RunWorker(QObject):
    """Lives on the coordinator thread and executes jobs there."""

    runStarted = Signal(int, object)  # run id, RunInfo
    poolReady = Signal(int, float)  # run id, start-up seconds
    tasksCompleted = Signal(int, object)  # run id, TaskBatch
    runFinished = Signal(int, object)  # run id, RunResult
    jobStarted = Signal(str)  # the fingerprint of the job's pairs
    jobFinished = Signal(bool)  # True when every repeat completed
    jobFailed = Signal(str)  # the job could not start, or its warm-up failed
    warmingUp = Signal(str)  # the mode of the unrecorded warm-up run starting
    #: an experiment's step (a run of a sweep, a cell of a map) starts:
    #: kind, its label, the progress so far
    experimentStep = Signal(str, str, object)
    #: after each step: kind, the experiment so far (a SweepResult or a
    #: LeverageResult), the progress
    experimentProgressed = Signal(str, object, object)
    #: the experiment ended: kind, its result
    experimentFinished = Signal(str, object)

    def __init__(self):
        super().__init__()
        self._lock = threading.Lock()
        self._run: Run | None = None
        self._experiment = None
        self._stop = threading.Event()

    def cancel(self) -> None:
        """Stop the current run and skip the remaining repeats (or the
        experiment's remaining steps). Any thread."""
        self._stop.set()
        with self._lock:
            run, experiment = self._run, self._experiment
        if run is not None:
            run.cancel()
        if experiment is not None:
            experiment.cancel()

    @Slot(object)
    def execute(self, job: Job | ExperimentJob) -> None:
        if isinstance(job, ExperimentJob):
            self._execute_experiment(job)
            return
        # Hashing a million pairs takes tens of ms: here, not on the GUI thread.
        self.jobStarted.emit(pairs_fingerprint(job.pairs))
        for spec in job.warm_up:
            if self._stop.is_set():
                self.jobFinished.emit(False)
                return
            self.warmingUp.emit(spec.mode)
            result = self._execute(job.pairs, spec, None)
            if result is None:
                return
            if result.status == "failed":
                self.jobFailed.emit(f"the warm-up {spec.mode} run failed: {result.error}")
            if result.status != "completed":
                self.jobFinished.emit(False)
                return
        all_completed = True
        for run_id, spec in job.runs:
            if self._stop.is_set():
                all_completed = False
                break
            result = self._execute(job.pairs, spec, _SignalObserver(self, run_id))
            if result is None:
                return
            if result.status != "completed":
                all_completed = False
                break
        self.jobFinished.emit(all_completed)

    def _execute_experiment(self, job: ExperimentJob) -> None:
        experiment = job.experiment
        experiment.observer = _ExperimentObserver(self, job.kind)
        with self._lock:
            self._experiment = experiment
        if self._stop.is_set():  # cancelled before it began
            experiment.cancel()
        try:
            result = experiment.execute()
        except Exception as exc:  # a bug must not leave the coordinator busy
            self.jobFailed.emit(f"the {job.kind} stopped: {type(exc).__name__}: {exc}")
            return
        finally:
            with self._lock:
                self._experiment = None
        self.experimentFinished.emit(job.kind, result)
        self.jobFinished.emit(result.status == "completed")

    def _execute(self, pairs, spec: RunSpec, observer) -> RunResult | None:
        """One run, cancellable from any thread; None (and ``jobFailed``)
        when it cannot start."""
        try:
            run = Run(pairs, spec, observer)
        except RunSetupError as exc:
            self.jobFailed.emit("; ".join(exc.problems))
            return None
        with self._lock:
            self._run = run
        if self._stop.is_set():  # cancelled between the check and now
            run.cancel()
        try:
            return run.execute()
        finally:
            with self._lock:
                self._run = None


class RunCoordinator(QObject):
    """Owns the coordinator thread; lives on the GUI thread.

    Its signals are delivered on the GUI thread (queued connections).
    """

    runStarted = Signal(int, object)
    poolReady = Signal(int, float)
    tasksCompleted = Signal(int, object)
    runFinished = Signal(int, object)
    jobStarted = Signal(str)
    jobFinished = Signal(bool)
    jobFailed = Signal(str)
    warmingUp = Signal(str)
    experimentStep = Signal(str, str, object)
    experimentProgressed = Signal(str, object, object)
    experimentFinished = Signal(str, object)
    _submit = Signal(object)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._busy = False
        self._thread = QThread()  # keep a reference: never let Qt destroy it running
        self._thread.setObjectName("gcdapp-coordinator")
        self._closed = False
        # Set when shutdown waited in vain: a kernel that never looks at the
        # stop flag holds the thread, and quitting need not wait again.
        self._gave_up = False
        self._worker = _RunWorker()
        self._worker.moveToThread(self._thread)
        self._submit.connect(self._worker.execute)
        for name in ("jobStarted", "runStarted", "poolReady", "tasksCompleted", "runFinished",
                     "jobFailed", "warmingUp", "experimentStep", "experimentProgressed"):
            getattr(self._worker, name).connect(getattr(self, name))
        # Held until the job ends, so that whoever hears an experiment finish
        # finds the coordinator idle (its thread stopped, a new job startable).
        self._finished_experiment: tuple | None = None
        self._worker.experimentFinished.connect(self._on_experiment_finished)
        self._worker.jobFinished.connect(self._on_job_finished)
        self._worker.jobFailed.connect(self._on_job_failed)
        app = QCoreApplication.instance()
        if app is not None:  # never leave the thread running past the event loop
            app.aboutToQuit.connect(self.shutdown)

    @property
    def busy(self) -> bool:
        return self._busy

    def start(self, job: Job | ExperimentJob) -> None:
        """Run ``job`` (runs, or an experiment) on the coordinator thread.

        The thread runs only while a job does, so an idle coordinator (and
        the window owning it) can be destroyed at any time."""
        if self._busy:
            raise RuntimeError("a job is already running")
        if self._closed:
            raise RuntimeError("the coordinator has been shut down")
        self._busy = True
        # Cleared here, before the job is queued: a cancel that arrives before
        # the worker thread picks the job up must still stop it.
        self._worker._stop.clear()
        self._thread.start()
        self._submit.emit(job)

    def cancel(self) -> None:
        if self._busy:
            self._worker.cancel()

    @Slot()
    def shutdown(self, timeout_ms: int = 2000) -> bool:
        """Cancel any job, stop the thread and wait for it; no job starts
        afterwards. True when the thread has stopped."""
        self._closed = True
        if not self._thread.isRunning():
            return True
        if self._gave_up:  # one wait was enough: the run is stuck in a kernel
            return False
        self._worker.cancel()
        self._thread.quit()
        stopped = self._thread.wait(timeout_ms)
        self._gave_up = not stopped
        return stopped

    def _stop_thread(self) -> None:
        # The worker has returned from execute(): the loop quits at once.
        self._thread.quit()
        self._thread.wait()
        self._busy = False

    @Slot(str, object)
    def _on_experiment_finished(self, kind: str, result) -> None:
        self._finished_experiment = (kind, result)

    @Slot(bool)
    def _on_job_finished(self, all_completed: bool) -> None:
        self._stop_thread()
        finished, self._finished_experiment = self._finished_experiment, None
        if finished is not None:
            self.experimentFinished.emit(*finished)
        self.jobFinished.emit(all_completed)

    @Slot(str)
    def _on_job_failed(self, message: str) -> None:
        self._stop_thread()
        self.jobFinished.emit(False)
