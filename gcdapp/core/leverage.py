"""A leverage map: where a parallel mode starts to pay, over digits per
integer, pairs per task (chunk size) and kernel.

Each cell of the grid is one workload: generated pairs
(:func:`~gcdapp.core.generate.generate_pairs`, the map's seed) of ``digits``
digits, run by ``kernel`` in tasks of ``chunksize`` pairs. A cell runs
``rounds`` rounds (default :data:`DEFAULT_ROUNDS` = 3); each round runs the
serial baseline and the chosen mode once on the same pairs, the two
interleaved and alternating which goes first (serial first in even rounds,
the mode first in odd ones), so that drift in this machine's speed falls on
both alike. The cell's speedup is the median of its per-round speedups.

**Which time.** The speedup compares serial's wall time with the mode's wall
time *less its pool's start-up* (``RunResult.compute_s``): the start-up
(about 0.25 s for a process pool here) is paid once per pool, not per task,
and the map is about what each task's size does to leverage. Counting it in,
every cell small enough to keep the map under a minute would be below 1.0×.
Each cell also keeps the speedup with the start-up counted
(``speedup_with_startup`` in the JSON).

**How many pairs per cell.** Before the first cell of each (kernel, digits),
the map times the kernel on a few pairs in process (doubling the count until
it takes :data:`CALIBRATE_S`) to learn the serial cost of one pair. A cell
then gets enough pairs for its serial run to take about
:data:`TARGET_SERIAL_S` (50 ms: long enough to measure against
perf_counter's and the scheduler's noise, short enough that 16 cells of
3 rounds take seconds), and never fewer than two tasks per worker (so that
the chunk size, not a lack of tasks, sets the speedup), and never more than
:data:`MAX_TASKS` tasks (a chunk-size-1 cell of ``math.gcd`` would
otherwise be 100 000 tasks: seconds of pure overhead per run). A cell whose
pairs would take longer than :data:`MAX_CELL_SERIAL_S` serially is skipped,
with why (brute force on 7-digit pairs takes about 0.25 s a pair: it gets
4 pairs at chunk size 1, and larger chunk sizes are skipped), and so is a
heavy kernel beyond :data:`HEAVY_MAX_DIGITS` digits, which cannot even be
calibrated (one 20-digit pair would take years).

:class:`LeverageMap` is Qt-free and used once, like :class:`~gcdapp.core.sweep.Sweep`:
build it (which checks everything and raises ``RunSetupError`` with every
problem), call :meth:`LeverageMap.execute` on the thread that should drive
the pools, and :meth:`LeverageMap.cancel` from any other. It reports to a
:class:`LeverageObserver` after every run and cell, with the map so far and
its progress; a cancelled map keeps every finished cell.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Sequence

import numpy as np

from gcdapp.core import backends
from gcdapp.core.anatomy import breakdown
from gcdapp.core.progress import Progress
from gcdapp.core.engine import Run, RunSetupError
from gcdapp.core.events import RunObserver, RunResult, RunSpec
from gcdapp.core.generate import generate_pairs
from gcdapp.core.kernels import KERNELS
from gcdapp.core.leverage_result import CellKey, LeverageCell, LeverageResult, PerTask
from gcdapp.core.parsing import MAX_DIGITS
from gcdapp.core.run_settings import MAX_CHUNKSIZE, MAX_REPEATS, MAX_WORKERS
from gcdapp.core.stats import Summary
from gcdapp.core.system import usable_cores

DEFAULT_DIGITS = (3, 7, 20)
DEFAULT_CHUNKSIZES = (1, 10, 100, 1000)
DEFAULT_KERNELS = ("bruteforce", "builtin")
DEFAULT_MODE = "processes"
DEFAULT_ROUNDS = 3
BASELINE_MODE = "serial"

#: A cell's serial run should take about this long.
TARGET_SERIAL_S = 0.05
#: A cell whose serial run would take longer is skipped.
MAX_CELL_SERIAL_S = 1.5
#: Most tasks in one run of a cell.
MAX_TASKS = 1000
#: Calibration doubles its pair count until the kernel takes this long ...
CALIBRATE_S = 0.01
#: ... or the next doubling would take longer than this.
CALIBRATE_MAX_S = 0.3
#: A heavy kernel (brute force) beyond this many digits is skipped uncalibrated.
HEAVY_MAX_DIGITS = 7


def pair_count(pair_cost_s: float, chunksize: int, workers: int) -> int:
    """The pairs a cell gets; see the module docstring."""
    wanted = math.ceil(TARGET_SERIAL_S / pair_cost_s - 1e-9) if pair_cost_s > 0 else MAX_TASKS
    floor = 2 * workers * chunksize
    return max(floor, min(wanted, MAX_TASKS * chunksize))


def calibrate(kernel: str, digits: int, seed: int = 0) -> float:
    """The serial seconds of one pair of ``digits`` digits for ``kernel``,
    timed in process on up to a few thousand pairs."""
    func = KERNELS[kernel].func
    count, pool = 1, generate_pairs(1, digits, seed).tolist()
    while True:
        pairs = pool[:count]
        t0 = time.perf_counter()
        for pair in pairs:
            func(pair)
        elapsed = time.perf_counter() - t0
        per_pair = elapsed / count
        if elapsed >= CALIBRATE_S or 2 * elapsed > CALIBRATE_MAX_S or count >= 1 << 16:
            return per_pair
        count *= 2
        if len(pool) < count:
            pool = generate_pairs(count, digits, seed).tolist()


#: How far a map is (one step: one cell).
LeverageProgress = Progress


class LeverageObserver:
    """Receives a map's events on the thread that executes it. Subclass it
    and override what you need."""

    def map_started(self, keys: tuple[CellKey, ...]) -> None:
        pass

    def cell_started(self, key: CellKey, progress: LeverageProgress) -> None:
        pass

    def run_observer(self, key: CellKey, mode: str, round: int) -> RunObserver | None:
        """An observer for the engine's events of one run of a cell, or None."""
        return None

    def cell_finished(self, cell: LeverageCell, result: LeverageResult,
                      progress: LeverageProgress) -> None:
        """After each cell, measured or skipped: ``result`` is the map so far."""

    def map_finished(self, result: LeverageResult) -> None:
        pass


def _positive_ints(name: str, values, high: int) -> list[str]:
    if not values:
        return [f"a leverage map needs at least one {name}"]
    bad = [v for v in values if type(v) is not int or not 1 <= v <= high]
    if bad:
        return [f"{name} must be between 1 and {high:,}, got {', '.join(map(str, bad))}"]
    return []


def check_map(digits, chunksizes, kernels, mode: str, workers: int, rounds: int) -> list[str]:
    """Every reason a map with these values cannot run."""
    problems = (_positive_ints("digit count", digits, MAX_DIGITS)
                + _positive_ints("chunk size", chunksizes, MAX_CHUNKSIZE))
    if not kernels:
        problems.append("a leverage map needs at least one kernel")
    for k in kernels:
        if k not in KERNELS:
            problems.append(f"unknown kernel {k!r}; choose one of {', '.join(KERNELS)}")
        elif KERNELS[k].mode_reason(mode):
            problems.append(f"{k} cannot run in {mode} mode: {KERNELS[k].mode_reason(mode)}")
    if type(rounds) is not int or not 1 <= rounds <= MAX_REPEATS:
        problems.append(f"rounds must be between 1 and {MAX_REPEATS}, got {rounds}")
    if type(workers) is not int or not 1 <= workers <= MAX_WORKERS:
        problems.append(f"workers must be between 1 and {MAX_WORKERS}, got {workers}")
    if mode not in backends.names():
        problems.append(f"unknown mode {mode!r}; choose one of {', '.join(backends.names())}")
    elif mode == BASELINE_MODE:
        problems.append("serial is the baseline: map a parallel mode against it")
    else:
        caps = backends.get(mode).capabilities
        if caps.max_workers is not None and isinstance(workers, int) \
                and workers > caps.max_workers:
            problems.append(f"{mode} mode takes at most {caps.max_workers} workers, "
                            f"got {workers}")
    return problems


def _per_task(results: Sequence[RunResult]) -> PerTask | None:
    rows = []
    for r in results:
        n = len(r.tasks)
        if n:
            b = breakdown(r)
            rows.append((b.compute_s / n, b.transfer_s / n, b.pickle_s / n, b.unpickle_s / n,
                         b.bytes_in / n, b.bytes_out / n))
    if not rows:
        return None
    return PerTask(*(float(np.median(col)) for col in zip(*rows)))


class LeverageMap:
    """One leverage map; see the module docstring."""

    def __init__(self, digits: Sequence[int] = DEFAULT_DIGITS,
                 chunksizes: Sequence[int] = DEFAULT_CHUNKSIZES,
                 kernels: Sequence[str] = DEFAULT_KERNELS, mode: str = DEFAULT_MODE,
                 observer: LeverageObserver | None = None, *, workers: int | None = None,
                 rounds: int = DEFAULT_ROUNDS, seed: int = 0, start_method: str | None = None,
                 cores: int | None = None):
        self.cores = cores or usable_cores()
        self.workers = workers if workers is not None else self.cores
        self.digits = tuple(dict.fromkeys(digits))
        self.chunksizes = tuple(dict.fromkeys(chunksizes))
        self.kernels = tuple(dict.fromkeys(kernels))
        problems = check_map(self.digits, self.chunksizes, self.kernels, mode, self.workers,
                             rounds)
        if problems:
            raise RunSetupError(problems)
        self.mode = mode
        self.rounds = rounds
        self.seed = seed
        self.start_method = start_method
        self.observer = observer or LeverageObserver()
        self.keys = tuple(CellKey(k, d, c) for k in self.kernels for d in self.digits
                          for c in self.chunksizes)
        self.cells: list[LeverageCell] = []
        self._costs: dict[tuple[str, int], float] = {}
        self._cell_durations: list[float] = []
        self._t0: float | None = None
        self._status = "pending"
        self._error: str | None = None
        self._lock = threading.Lock()
        self._cancelled = False
        self._run: Run | None = None
        self._started = False

    # -- control from other threads ----------------------------------------
    def cancel(self) -> None:
        """Stop within the current run, which is stopped too (its cell is not
        kept). Every finished cell is kept. Safe from any thread."""
        with self._lock:
            self._cancelled = True
            run = self._run
        if run is not None:
            run.cancel()

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def progress(self) -> LeverageProgress:
        elapsed = 0.0 if self._t0 is None else time.perf_counter() - self._t0
        done = len(self.cells)
        eta = None
        if self._cell_durations:
            eta = (len(self.keys) - done) * sum(self._cell_durations) / len(self._cell_durations)
        return LeverageProgress(done, len(self.keys), elapsed, eta)

    def result(self) -> LeverageResult:
        """The map so far (or as it ended). Safe from any thread."""
        return LeverageResult(
            mode=self.mode, workers=self.workers, cores=self.cores, rounds=self.rounds,
            status=self._status, cells=tuple(self.cells), digits=self.digits,
            chunksizes=self.chunksizes, kernels=self.kernels, seed=self.seed,
            error=self._error)

    # -- the map ------------------------------------------------------------------
    def execute(self) -> LeverageResult:
        """Measure every cell (or until cancelled or a run fails). A
        KeyboardInterrupt passes through; :meth:`result` then still gives
        every finished cell."""
        if self._started:
            raise RuntimeError("a LeverageMap executes once; build a new one")
        self._started = True
        self._status = "running"
        self._t0 = time.perf_counter()
        for mode in (BASELINE_MODE, self.mode):
            backends.get(mode).prepare(self.start_method)
        self.observer.map_started(self.keys)
        try:
            self._warm_up()
            for key in self.keys:
                if self._cancelled or not self._cell(key):
                    break
            else:
                self._status = "completed"
        finally:
            if self._status == "running":
                self._status = "cancelled"
        result = self.result()
        self.observer.map_finished(result)
        return result

    def _warm_up(self) -> None:
        """One unmeasured run of the mode, so that the first cell does not pay
        for starting the machinery (a fork server, imports in the workers)."""
        kernel = next((k for k in self.kernels if KERNELS[k].unavailable_reason is None), None)
        if kernel is not None:
            spec = RunSpec(mode=self.mode, kernel=kernel, workers=self.workers, chunksize=1,
                           start_method=self.start_method)
            self._execute(Run(generate_pairs(2 * self.workers, 2, self.seed), spec))

    def _execute(self, run: Run) -> RunResult | None:
        with self._lock:
            if self._cancelled:
                return None
            self._run = run
        try:
            return run.execute()
        finally:
            with self._lock:
                self._run = None

    def _skip_reason(self, key: CellKey) -> str | None:
        kernel = KERNELS[key.kernel]
        if kernel.unavailable_reason:
            return f"{key.kernel} is not available here: {kernel.unavailable_reason}"
        if kernel.heavy and key.digits > HEAVY_MAX_DIGITS:
            return (f"{key.kernel} tries up to 10^{key.digits} candidates a pair: one pair "
                    f"would take far longer than the map's budget (it takes at most "
                    f"{HEAVY_MAX_DIGITS} digits)")
        return None

    def _finish(self, cell: LeverageCell, started: float) -> None:
        self.cells.append(cell)
        if cell.measured:
            self._cell_durations.append(time.perf_counter() - started)
        self.observer.cell_finished(cell, self.result(), self.progress())

    def _cell(self, key: CellKey) -> bool:
        """Measure (or skip) one cell; False when the map must stop."""
        started = time.perf_counter()
        self.observer.cell_started(key, self.progress())
        reason = self._skip_reason(key)
        if reason:
            self._finish(LeverageCell(key, skipped=reason), started)
            return True
        cost = self._costs.get((key.kernel, key.digits))
        if cost is None:
            cost = self._costs[(key.kernel, key.digits)] = calibrate(key.kernel, key.digits,
                                                                   self.seed)
        n = pair_count(cost, key.chunksize, self.workers)
        if n * cost > MAX_CELL_SERIAL_S:
            self._finish(LeverageCell(key, n_pairs=n, pair_cost_s=cost, skipped=(
                f"{n:,} pairs (two tasks of {key.chunksize:,} per worker) would take about "
                f"{n * cost:.1f} s serially, over the map's {MAX_CELL_SERIAL_S:g} s a cell")),
                started)
            return True
        pairs = generate_pairs(n, key.digits, self.seed)
        specs = {m: RunSpec(mode=m, kernel=key.kernel, chunksize=key.chunksize,
                            workers=None if m == BASELINE_MODE else self.workers,
                            start_method=None if m == BASELINE_MODE else self.start_method)
                 for m in (BASELINE_MODE, self.mode)}
        runs: dict[str, list[RunResult]] = {BASELINE_MODE: [], self.mode: []}
        reference = None
        for r in range(self.rounds):
            order = (BASELINE_MODE, self.mode) if r % 2 == 0 else (self.mode, BASELINE_MODE)
            for mode in order:
                try:
                    run = Run(pairs, specs[mode], self.observer.run_observer(key, mode, r))
                except RunSetupError as exc:
                    self._fail(f"{key.label}, {mode}: {'; '.join(exc.problems)}")
                    return False
                outcome = self._execute(run)
                if outcome is None or outcome.status == "cancelled":
                    return False
                if outcome.status != "completed":
                    self._fail(f"{key.label}, {mode}: {outcome.error or outcome.status}")
                    return False
                if reference is None:
                    reference = outcome.results
                elif not np.array_equal(reference, outcome.results):
                    self._fail(f"{key.label}, {mode}: its results differ from serial's")
                    return False
                runs[mode].append(outcome)
        serial, other = runs[BASELINE_MODE], runs[self.mode]
        ratios = [s.wall_s / max(o.compute_s, 1e-9) for s, o in zip(serial, other)]
        median = sorted(range(len(ratios)), key=ratios.__getitem__)[(len(ratios) - 1) // 2]
        self._finish(LeverageCell(
            key, n_pairs=n, n_tasks=other[0].info.n_tasks,
            speedups=Summary.of([s.wall_s / max(o.compute_s, 1e-9)
                                 for s, o in zip(serial, other)]),
            speedups_with_startup=Summary.of([s.wall_s / o.wall_s
                                              for s, o in zip(serial, other)]),
            serial_s=Summary.of([s.wall_s for s in serial]),
            mode_s=Summary.of([o.compute_s for o in other]),
            startup_s=Summary.of([o.startup_s for o in other]),
            per_task=_per_task(other), pair_cost_s=cost,
            runs=(serial[median], other[median])), started)
        return True

    def _fail(self, message: str) -> None:
        self._status = "failed"
        self._error = message
