"""A worker sweep: one mode at several worker counts, against a serial
baseline measured in the same sweep, in shuffled, interleaved rounds.

Each round runs the serial baseline once and every worker count once, in an
order shuffled afresh each round (by ``order_seed``, so that a sweep can be
replayed), so that drift in this machine's speed falls on every point alike
instead of bending the curve. With ``interleave`` off, each point's repeats
run in a row instead, baseline first, in ascending worker counts.

:class:`Sweep` is Qt-free and used once, like the engine's ``Run``: build
it (which checks everything and raises ``RunSetupError`` with every
problem), call :meth:`Sweep.execute` on the thread that should drive the
pools, and :meth:`Sweep.cancel` from any other. It reports to a
:class:`SweepObserver` after every run, with the sweep so far and its
progress; a cancelled sweep keeps every finished run.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gcdapp.core import backends
from gcdapp.core.progress import Progress
from gcdapp.core.engine import Run, RunSetupError, backend_for, check_run
from gcdapp.core.events import RunObserver, RunSpec
from gcdapp.core.pairs import as_pairs
from gcdapp.core.run_settings import MAX_WORKERS, RunSettings
from gcdapp.core.sweep_result import BASELINE, Measurement, SweepResult, build_result
from gcdapp.core.system import usable_cores

#: The mode every sweep's baseline runs in.
BASELINE_MODE = "serial"


def default_workers(cores: int | None = None) -> tuple[int, ...]:
    """1 to twice the usable cores: 1, 2, 3, 4 on 2 cores."""
    return tuple(range(1, 2 * (cores or usable_cores()) + 1))


@dataclass(frozen=True)
class SweepStep:
    """One run of a sweep: a worker count (or the baseline) in a round;
    warm-up runs are made but not measured."""

    workers: int  # BASELINE for the serial baseline
    round: int  # 0-based; -1 for a warm-up
    spec: RunSpec

    @property
    def baseline(self) -> bool:
        return self.workers == BASELINE

    @property
    def warm_up(self) -> bool:
        return self.round < 0

    @property
    def label(self) -> str:
        what = BASELINE_MODE if self.baseline else f"{self.spec.mode} ×{self.workers}"
        return f"{what} warm-up" if self.warm_up else f"{what}, round {self.round + 1}"


#: How far it is (one step: one run).
SweepProgress = Progress


class SweepObserver:
    """Receives a sweep's events on the thread that executes it. Subclass it
    and override what you need."""

    def sweep_started(self, steps: tuple[SweepStep, ...]) -> None:
        pass

    def step_started(self, step: SweepStep, progress: SweepProgress) -> None:
        pass

    def run_observer(self, step: SweepStep) -> RunObserver | None:
        """An observer for the engine's events of ``step``'s run (tasks as
        they complete), or None."""
        return None

    def step_finished(self, step: SweepStep, sweep: SweepResult,
                      progress: SweepProgress) -> None:
        """After each run: ``sweep`` is the sweep so far, points and fits."""

    def sweep_finished(self, result: SweepResult) -> None:
        pass


def sweep_steps(settings: RunSettings, workers: Sequence[int],
                order_seed: int) -> tuple[SweepStep, ...]:
    """Every run of a sweep, in order: warm-ups (with ``settings.warm_up``),
    then ``settings.repeats`` rounds."""
    base = settings.with_values(mode=BASELINE_MODE).run_spec()
    specs = {BASELINE: base}
    for n in workers:
        specs[n] = settings.with_values(workers=n).run_spec()
    keys = list(specs)
    steps = [SweepStep(k, -1, specs[k]) for k in keys] if settings.warm_up else []
    rounds = settings.repeats
    if settings.interleave:
        shuffler = random.Random(order_seed)
        for r in range(rounds):
            order = list(keys)
            shuffler.shuffle(order)
            steps += [SweepStep(k, r, specs[k]) for k in order]
    else:
        steps += [SweepStep(k, r, specs[k]) for k in keys for r in range(rounds)]
    return tuple(steps)


def check_sweep(pairs, settings: RunSettings, workers: Sequence[int]) -> list[str]:
    """Every reason a sweep of ``settings.mode`` over ``workers`` cannot run."""
    mode = settings.spec.mode
    problems = []
    if not workers:
        problems.append("a sweep needs at least one worker count")
    bad = [n for n in workers if type(n) is not int or not 1 <= n <= MAX_WORKERS]
    if bad:
        problems.append(f"worker counts must be between 1 and {MAX_WORKERS}, got "
                        f"{', '.join(map(str, bad))}")
    if mode not in backends.names():
        return problems + [f"unknown mode {mode!r}; choose one of {', '.join(backends.names())}"]
    caps = backends.get(mode).capabilities
    if not caps.takes_workers:
        problems.append(f"{mode} mode always uses one worker: sweep a mode that takes workers")
    elif caps.max_workers is not None:
        over = [n for n in workers if isinstance(n, int) and n > caps.max_workers]
        if over:
            problems.append(f"{mode} mode takes at most {caps.max_workers} workers, got "
                            f"{', '.join(map(str, over))}")
    if problems:
        return problems
    for spec in (settings.with_values(mode=BASELINE_MODE).run_spec(),
                 settings.with_values(workers=max(workers)).run_spec()):
        problems += [f"{spec.mode}: {p}" for p in check_run(pairs, spec)]
    return list(dict.fromkeys(problems))


class Sweep:
    """One worker sweep; see the module docstring."""

    def __init__(self, pairs, settings: RunSettings, workers: Sequence[int] | None = None,
                 observer: SweepObserver | None = None, *, order_seed: int | None = None,
                 cores: int | None = None):
        self.pairs = as_pairs(pairs)
        self.workers = tuple(sorted(set(workers if workers is not None else default_workers())))
        problems = check_sweep(self.pairs, settings, self.workers)
        if problems:
            raise RunSetupError(problems)
        self.settings = settings
        self.mode = settings.spec.mode
        self.cores = cores or usable_cores()
        self.observer = observer or SweepObserver()
        self.order_seed = (order_seed if order_seed is not None
                           else random.SystemRandom().randrange(2**32))
        self.steps = sweep_steps(settings, self.workers, self.order_seed)
        self.measurements: list[Measurement] = []
        self._durations: dict[int, list[float]] = {}
        self._done = 0
        self._t0: float | None = None
        #: "pending", "running", then "completed", "cancelled" or "failed"
        self._status = "pending"
        self._error: str | None = None
        self._reference: np.ndarray | None = None
        self._lock = threading.Lock()
        self._cancelled = False
        self._run: Run | None = None
        self._started = False

    # -- control from other threads ----------------------------------------
    def cancel(self) -> None:
        """Stop after the current run, which is stopped too (its partial run
        is not measured). Every finished run is kept. Safe from any thread."""
        with self._lock:
            self._cancelled = True
            run = self._run
        if run is not None:
            run.cancel()

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def progress(self) -> SweepProgress:
        elapsed = 0.0 if self._t0 is None else time.perf_counter() - self._t0
        return SweepProgress(self._done, len(self.steps), elapsed, self._eta())

    def _eta(self) -> float | None:
        if not self._durations:
            return None
        every = [d for ds in self._durations.values() for d in ds]
        overall = sum(every) / len(every)
        left = 0.0
        for step in self.steps[self._done:]:
            own = self._durations.get(step.workers)
            left += sum(own) / len(own) if own else overall
        return left

    def result(self) -> SweepResult:
        """The sweep so far (or as it ended). Safe from any thread."""
        measured = tuple(self.measurements)  # a snapshot: the sweep may be adding one
        return build_result(
            mode=self.mode, kernel=self.settings.spec.kernel, n_pairs=len(self.pairs),
            cores=self.cores, repeats=self.settings.repeats, status=self._status,
            measurements=measured, error=self._error, order_seed=self.order_seed)

    # -- the sweep ------------------------------------------------------------
    def execute(self) -> SweepResult:
        """Run every step (or until cancelled or a run fails). A
        KeyboardInterrupt passes through; :meth:`result` then still gives
        every finished run."""
        if self._started:
            raise RuntimeError("a Sweep executes once; build a new one")
        self._started = True
        self._status = "running"
        self._t0 = time.perf_counter()
        for mode in dict.fromkeys((BASELINE_MODE, self.mode)):
            spec = self.settings.with_values(mode=mode).run_spec()
            backend_for(spec).prepare(spec.start_method)
        self.observer.sweep_started(self.steps)
        try:
            for step in self.steps:
                if self._cancelled:
                    break
                if not self._one(step):
                    break
            else:
                self._status = "completed"
        finally:
            if self._status == "running":
                self._status = "cancelled"
        result = self.result()
        self.observer.sweep_finished(result)
        return result

    def _one(self, step: SweepStep) -> bool:
        """Run ``step``; False when the sweep must stop."""
        self.observer.step_started(step, self.progress())
        run = Run(self.pairs, step.spec, self.observer.run_observer(step))
        with self._lock:
            if self._cancelled:
                return False
            self._run = run
        t0 = time.perf_counter()
        try:
            outcome = run.execute()
        finally:
            with self._lock:
                self._run = None
        if outcome.status == "cancelled":  # a run that completed is kept
            return False
        if outcome.status != "completed":
            self._fail(f"{step.label}: {outcome.error or outcome.status}")
            return False
        if self._reference is None:
            self._reference = outcome.results
        elif not np.array_equal(self._reference, outcome.results):
            self._fail(f"{step.label}: its results differ from the sweep's first run")
            return False
        self._durations.setdefault(step.workers, []).append(time.perf_counter() - t0)
        self._done += 1
        if not step.warm_up:
            self.measurements.append(Measurement(
                step.workers, step.round, outcome.info, outcome.wall_s, outcome.startup_s,
                outcome.shutdown_s))
        if type(self.observer).step_finished is not SweepObserver.step_finished:
            # the sweep so far (points and fits) is built only for an observer
            # that looks at it
            self.observer.step_finished(step, self.result(), self.progress())
        return True

    def _fail(self, message: str) -> None:
        self._status = "failed"
        self._error = message

