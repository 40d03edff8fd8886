"""The engine: submits GCD work to a backend's executor and streams completed
tasks, in completion order, to an observer.

A :class:`Run` is used once: build it (which validates everything and raises
:class:`RunSetupError` with every problem), call :meth:`Run.execute` on the
thread that should drive the pool, and call :meth:`Run.cancel` from any other
thread to stop it.
"""

from __future__ import annotations

import collections
import math
import threading
from array import array
from concurrent.futures import FIRST_COMPLETED, CancelledError, Executor, Future, wait
from concurrent.futures.process import BrokenProcessPool
from time import perf_counter_ns

import numpy as np

from gcdapp.core.backends import Backend, get_backend
from gcdapp.core.events import (
    NullObserver,
    RunInfo,
    RunObserver,
    RunResult,
    RunSpec,
    Status,
    TaskBatch,
)
from gcdapp.core.kernels import Kernel, get_kernel
from gcdapp.core.pairs import as_pairs
from gcdapp.core.system import usable_cores
from gcdapp.core.tasks import SMALL, run_chunk, warm_up

MAX_WORKERS = 256
#: ``auto`` never makes a task larger than this many pairs.
MAX_AUTO_CHUNK = 10_000
#: Observers receive at most this many batches a second.
DEFAULT_FLUSH_INTERVAL = 1 / 30


class RunSetupError(ValueError):
    """A run that cannot start; ``problems`` holds one sentence each."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def auto_chunksize(n_pairs: int, workers: int, kernel: Kernel) -> int:
    """Pairs per task for ``chunksize='auto'``.

    Aims at several tasks per worker (so the load balances and progress
    streams), and for cheap kernels at tasks big enough that pickling and
    dispatch stay small next to compute.
    """
    tasks_per_worker = 64 if kernel.heavy else 8
    size = math.ceil(n_pairs / max(1, workers * tasks_per_worker))
    return max(1, min(MAX_AUTO_CHUNK, size))


def check_run(pairs: np.ndarray, spec: RunSpec, kernel: Kernel | None = None) -> list[str]:
    """Every reason ``spec`` cannot run on ``pairs`` (empty when it can)."""
    problems: list[str] = []
    try:
        backend = get_backend(spec.mode)
    except ValueError as exc:
        return [str(exc)]
    reason = backend.unavailable_reason()
    if reason:
        problems.append(f"{backend.title} mode is unavailable: {reason}")
    if kernel is None:
        try:
            kernel = get_kernel(spec.kernel)
        except ValueError as exc:
            problems.append(str(exc))
    if spec.workers is not None and not 1 <= spec.workers <= MAX_WORKERS:
        problems.append(f"workers must be between 1 and {MAX_WORKERS}, got {spec.workers}")
    if spec.chunksize != "auto" and (
        not isinstance(spec.chunksize, int) or spec.chunksize < 1
    ):
        problems.append(f"chunk size must be 'auto' or a whole number ≥ 1, got {spec.chunksize!r}")
    if spec.start_method is not None and backend.out_of_process:
        if spec.start_method not in backend.start_methods():
            problems.append(
                f"start method {spec.start_method!r} is not available here; "
                f"choose one of {', '.join(backend.start_methods())}"
            )
    if len(pairs) == 0:
        problems.append("there are no pairs to run")
    elif kernel is not None:
        issues = kernel.check(pairs, limit=6)
        if issues:
            total = len(kernel.check(pairs, limit=None)) if len(issues) > 5 else len(issues)
            problems.extend(str(issue) for issue in issues[:5])
            if total > 5:
                problems.append(f"… and {total - 5} more pairs outside {kernel.name}'s domain")
    return problems


def _encode_chunk(chunk: np.ndarray) -> array | list:
    """A chunk as it travels to a worker: raw int64 bytes for long chunks,
    a list of tuples for short ones and for integers beyond 64 bits."""
    if chunk.dtype == np.int64 and len(chunk) >= SMALL:
        out = array("q")
        out.frombytes(np.ascontiguousarray(chunk).tobytes())
        return out
    return [(int(a), int(b)) for a, b in chunk.tolist()]


class _TaskLog:
    """Completed tasks, in compact growable arrays."""

    def __init__(self):
        self.start = array("q")
        self.count = array("q")
        self.t_start = array("d")
        self.t_end = array("d")
        self.lane = array("i")

    def __len__(self):
        return len(self.start)

    def append(self, start, count, t_start, t_end, lane):
        self.start.append(start)
        self.count.append(count)
        self.t_start.append(t_start)
        self.t_end.append(t_end)
        self.lane.append(lane)

    def batch(self, begin: int, lanes: tuple[str, ...], results: np.ndarray) -> TaskBatch:
        """Tasks ``begin:`` as a batch, with the results of their pairs."""
        start = np.frombuffer(self.start, dtype=np.int64)[begin:].copy()
        count = np.frombuffer(self.count, dtype=np.int64)[begin:].copy()
        total = int(count.sum())
        if total and (len(start) == 1 or np.array_equal(start[1:], start[:-1] + count[:-1])):
            # Tasks that follow each other (serial runs always do): a range.
            pair_index = np.arange(start[0], start[0] + total, dtype=np.int64)
        elif total:
            offsets = np.cumsum(count) - count
            pair_index = np.repeat(start - offsets, count) + np.arange(total)
        else:
            pair_index = np.empty(0, dtype=np.int64)
        return TaskBatch(
            start=start,
            count=count,
            t_start=np.frombuffer(self.t_start, dtype=np.float64)[begin:].copy(),
            t_end=np.frombuffer(self.t_end, dtype=np.float64)[begin:].copy(),
            lane=np.frombuffer(self.lane, dtype=np.int32)[begin:].copy(),
            lanes=lanes,
            pair_index=pair_index,
            gcd=results[pair_index],
        )


class Run:
    """One execution of a kernel over pairs on a backend."""

    def __init__(
        self,
        pairs,
        spec: RunSpec = RunSpec(),
        observer: RunObserver | None = None,
        *,
        kernel: Kernel | None = None,
        flush_interval: float = DEFAULT_FLUSH_INTERVAL,
    ):
        self.pairs = as_pairs(pairs)
        problems = check_run(self.pairs, spec, kernel)
        if problems:
            raise RunSetupError(problems)
        self.spec = spec
        self.kernel = kernel or get_kernel(spec.kernel)
        self.backend: Backend = get_backend(spec.mode)
        self.observer = observer or NullObserver()
        self.flush_interval = flush_interval
        workers = self.backend.fixed_workers or spec.workers or usable_cores()
        n = len(self.pairs)
        chunksize = (
            auto_chunksize(n, workers, self.kernel)
            if spec.chunksize == "auto"
            else int(spec.chunksize)
        )
        start_method = None
        if self.backend.out_of_process:
            start_method = spec.start_method or self.backend.default_start_method()
        self.info = RunInfo(
            mode=self.backend.name,
            kernel=self.kernel.name,
            workers=workers,
            chunksize=chunksize,
            start_method=start_method,
            n_pairs=n,
            n_tasks=math.ceil(n / chunksize),
        )
        self._cancel = threading.Event()
        # Done-callbacks (on executor threads) append here; the engine thread
        # drains it when woken: after a refill's worth of completions, at a
        # flush deadline, or on cancel. Not once per task.
        self._completed: collections.deque[Future] = collections.deque()
        self._wake = threading.Event()
        self._wake_after = max(1, self.backend.max_inflight(workers) // 4)
        self._started = False

    # -- control from other threads ------------------------------------
    def cancel(self) -> None:
        """Stop the run as soon as possible. Safe from any thread."""
        self._cancel.set()
        self._wake.set()

    def _on_done(self, future: Future) -> None:
        # Runs on a thread we do not own: only record and signal.
        self._completed.append(future)
        if len(self._completed) >= self._wake_after:
            self._wake.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    # -- the run ---------------------------------------------------------
    def execute(self) -> RunResult:
        """Run to completion, failure or cancellation; never raises for
        those. Returns everything that completed."""
        if self._started:
            raise RuntimeError("a Run executes once; build a new one")
        self._started = True
        info = self.info
        t0 = perf_counter_ns()
        self._t0 = t0
        n = info.n_pairs
        self._results = np.zeros(n, dtype=object if self.pairs.dtype == object else np.int64)
        self._done = np.zeros(n, dtype=bool)
        self._log = _TaskLog()
        self._lanes: dict[tuple[int, str], int] = {}
        self._lane_labels: list[str] = []
        self._flushed = 0
        self._inflight: dict[Future, tuple[int, int]] = {}
        self.observer.run_started(info)

        status: Status = "completed"
        error = None
        failed_pairs: list[int] = []
        startup_ns = 0
        clean = False
        executor: Executor | None = None
        self._executor = None
        self._broken: tuple[list, list] | None = None  # (running tasks, worker handles)
        try:
            executor = self._executor = self.backend.create(
                info.workers, info.start_method, self.kernel.func
            )
            ready = self._warm_up(executor)
            startup_ns = perf_counter_ns() - t0
            self.observer.pool_ready(startup_ns / 1e9)
            if ready:
                status, error, failed_pairs = self._compute(executor)
            else:
                status = "cancelled"
            clean = True
        except BrokenProcessPool:
            status = "failed"
            self._pool_broke(executor, [])
            clean = True
        except Exception as exc:  # e.g. a pool that cannot start
            status, error = "failed", f"the run could not start: {type(exc).__name__}: {exc}"
            clean = True
        finally:
            # Anything but a clean finish (including KeyboardInterrupt passing
            # through) stops the workers instead of waiting for them.
            if executor is not None:
                self.backend.stop(executor, terminate=status != "completed" or not clean)
        if self._broken is not None:  # described now that every worker is reaped
            error = self._broken_pool_message(*self._broken)
        if self.cancelled and status == "completed" and not self._done.all():
            status = "cancelled"
        wall_ns = perf_counter_ns() - t0
        self._flush()
        result = RunResult(
            info=info,
            status=status,
            results=self._results,
            done=self._done,
            tasks=self._log.batch(0, tuple(self._lane_labels), self._results),
            wall_s=wall_ns / 1e9,
            startup_s=startup_ns / 1e9,
            error=error,
            failed_pairs=failed_pairs,
        )
        self.observer.run_finished(result)
        return result

    def _warm_up(self, executor: Executor) -> bool:
        """Start every worker before the clock for compute starts.

        Returns False when cancelled meanwhile."""
        if self.backend.fixed_workers == 1 and not self.backend.out_of_process:
            return not self.cancelled
        pending = {executor.submit(warm_up) for _ in range(self.info.workers)}
        while pending and not self.cancelled:
            done, pending = wait(pending, timeout=0.05, return_when=FIRST_COMPLETED)
            for future in done:
                future.result()  # a pool that cannot start raises here
        return not self.cancelled

    def _submit_more(self, executor: Executor, next_task: int) -> int:
        info = self.info
        limit = self.backend.max_inflight(info.workers)
        size = info.chunksize
        isolated = self.backend.isolated
        while (
            len(self._inflight) < limit
            and next_task < info.n_tasks
            and not self.cancelled
            and not self._pool_broken
        ):
            begin = next_task * size
            end = min(info.n_pairs, begin + size)
            chunk = _encode_chunk(self.pairs[begin:end])
            try:
                if isolated:  # the pool's initializer installed the kernel
                    future = executor.submit(run_chunk, begin, chunk)
                else:
                    future = executor.submit(run_chunk, begin, chunk, self.kernel.func)
            except BrokenProcessPool:
                # A worker died: the tasks in flight report it (naming their
                # pairs) through their futures. Submit nothing more.
                self._pool_broken = True
                break
            self._inflight[future] = (begin, end)
            future.add_done_callback(self._on_done)
            next_task += 1
        return next_task

    def _compute(self, executor: Executor) -> tuple[Status, str | None, list[int]]:
        info = self.info
        self._pool_broken = False
        next_task = self._submit_more(executor, 0)
        completed = 0
        interval = self.flush_interval
        last_flush = perf_counter_ns()
        while completed < info.n_tasks:
            if self.cancelled:
                return "cancelled", None, []
            if not self._completed:
                if len(self._log) > self._flushed:  # sleep until the flush is due
                    since = (perf_counter_ns() - last_flush) / 1e9
                    self._wake.wait(max(0.0, interval - since))
                else:  # nothing to report: sleep until woken or a poll interval
                    self._wake.wait(interval)
            self._wake.clear()
            failure = None
            while self._completed:
                future = self._completed.popleft()
                begin, end = self._inflight.pop(future)
                outcome = self._record(future, begin, end)
                if outcome is None:
                    completed += 1
                elif failure is None:
                    failure = outcome  # keep recording what already completed
            if failure is not None:
                return failure
            next_task = self._submit_more(executor, next_task)
            if self._pool_broken and not self._inflight:
                self._pool_broke(executor, [])
                return "failed", None, []
            now = perf_counter_ns()
            if now - last_flush >= interval * 1e9 and len(self._log) > self._flushed:
                self._flush()
                last_flush = now
        return "completed", None, []

    def _record(self, future: Future, begin: int, end: int):
        """Store one completed task; return a failure triple to end the run."""
        try:
            _, values, t_start_ns, t_end_ns, pid, thread, error = future.result()
        except CancelledError:
            return "cancelled", None, []
        except BrokenProcessPool as exc:
            # Tasks run in submission order: the dead worker's pair is among
            # the earliest that had not completed successfully.
            running = sorted(
                [(b, e) for f, (b, e) in self._inflight.items()
                 if not (f.done() and not f.cancelled() and f.exception() is None)]
                + [(begin, end)]
            )
            self._pool_broke(self._executor, running)
            return "failed", None, [
                i for b, e in running[: self.info.workers] for i in range(b, e)
            ][:20]
        except Exception as exc:  # pickling problems and the like
            return "failed", (
                f"the task for {self._describe_range(begin, end)} failed: "
                f"{type(exc).__name__}: {exc}"
            ), list(range(begin, end))[:20]
        k = len(values)
        if k:
            if isinstance(values, array):
                self._results[begin : begin + k] = np.frombuffer(values, dtype=np.int64)
            else:
                if self._results.dtype != object:
                    self._results = self._results.astype(object)
                self._results[begin : begin + k] = values
            self._done[begin : begin + k] = True
        key = (pid, thread)
        lane = self._lanes.get(key)
        if lane is None:
            lane = self._lanes[key] = len(self._lane_labels)
            self._lane_labels.append(self.backend.lane_label(*key))
        self._log.append(
            begin,
            k,
            (t_start_ns - self._t0) / 1e9,
            (t_end_ns - self._t0) / 1e9,
            lane,
        )
        if error is not None:
            bad = begin + k
            a, b = (int(v) for v in self.pairs[bad])
            return "failed", (
                f"pair {bad + 1} ({a}, {b}) raised {error} "
                f"in kernel {self.kernel.name}"
            ), [bad]
        return None

    def _describe_range(self, begin: int, end: int) -> str:
        shown = ", ".join(
            f"pair {i + 1} ({int(self.pairs[i, 0])}, {int(self.pairs[i, 1])})"
            for i in range(begin, min(end, begin + 3))
        )
        return shown + (f" and {end - begin - 3} more" if end - begin > 3 else "")

    def _pool_broke(self, executor, running: list) -> None:
        if self._broken is None:
            handles = self.backend.worker_handles(executor) if executor is not None else []
            self._broken = (running, handles)

    def _broken_pool_message(self, running: list, handles: list) -> str:
        head = self.backend.describe_failure(handles) or "a worker process ended abruptly"
        if running:
            candidates = running[: self.info.workers]
            where = "; ".join(self._describe_range(b, e) for b, e in candidates)
            head += f" while computing one of: {where}"
        return head + f". {self.n_done_text()}"

    def n_done_text(self) -> str:
        return f"{int(self._done.sum())} of {self.info.n_pairs} pairs had completed and are kept."

    def _flush(self) -> None:
        if len(self._log) <= self._flushed:
            return
        batch = self._log.batch(self._flushed, tuple(self._lane_labels), self._results)
        self._flushed = len(self._log)
        self.observer.tasks_completed(batch)


def run_pairs(pairs, spec: RunSpec = RunSpec(), observer: RunObserver | None = None, **kw) -> RunResult:
    """Build and execute a :class:`Run` in the calling thread."""
    return Run(pairs, spec, observer, **kw).execute()
