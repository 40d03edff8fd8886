"""Result collection: each completed task's gcds into the results, its
timing into the task log, and batches of new tasks to the observer."""

from __future__ import annotations

from array import array
from collections.abc import Callable
from time import perf_counter_ns

import numpy as np

from gcdapp.core.clock import run_seconds, worker_offset_ns
from gcdapp.core.engine.failure import RunFailure
from gcdapp.core.events import (
    TASK_ANATOMY_FIELDS, TASK_BYTE_FIELDS, RunObserver, TaskBatch,
)
from gcdapp.core.task_rows import pair_rows


_INT64 = 2**63


class TaskLog:
    """Completed tasks, in compact growable arrays."""

    def __init__(self):
        self.start = array("q")
        self.count = array("q")
        self.t_start = array("d")
        self.t_end = array("d")
        self.lane = array("i")
        # The anatomy of each task (TaskBatch's fields of the same names);
        # left empty by an uninstrumented run.
        self.anatomy = {
            name: array("q" if name in TASK_BYTE_FIELDS else "d")
            for name in TASK_ANATOMY_FIELDS
        }

    def __len__(self):
        return len(self.start)

    def append_anatomy(self, values: tuple) -> None:
        """The anatomy of the task appended last, in TASK_ANATOMY_FIELDS order."""
        for column, value in zip(self.anatomy.values(), values):
            column.append(value)

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
        pair_index = pair_rows(start, count)
        extra = {}
        if len(self.anatomy["cpu_s"]) == len(self.start):
            for name, column in self.anatomy.items():
                dtype = np.int64 if name in TASK_BYTE_FIELDS else np.float64
                extra[name] = np.frombuffer(column, dtype=dtype)[begin:].copy()
        return TaskBatch(
            start=start,
            count=count,
            t_start=np.frombuffer(self.t_start, dtype=np.float64)[begin:].copy(),
            t_end=np.frombuffer(self.t_end, dtype=np.float64)[begin:].copy(),
            lane=np.frombuffer(self.lane, dtype=np.int32)[begin:].copy(),
            lanes=lanes,
            pair_index=pair_index,
            gcd=results[pair_index],
            **extra,
        )


class Collector:
    """Everything a run has computed so far, and what the observer has seen."""

    def __init__(
        self,
        pairs: np.ndarray,
        kernel_name: str,
        lane_label: Callable[[int, str], str],
        observer: RunObserver,
        instrument: bool = True,
        clock_offset: Callable[[int, str], int] | None = None,
    ):
        """``clock_offset(pid, thread)``: the clock offset (ns) of the worker
        that reported that lane, asked once per lane (default: this
        machine's, :func:`~gcdapp.core.clock.worker_offset_ns`)."""
        n = len(pairs)
        self._clock_offset = clock_offset
        self._lane_offsets: list[int] = []
        self._instrument = instrument
        self.pairs = pairs
        self.kernel_name = kernel_name
        self.results = np.zeros(n, dtype=object if pairs.dtype == object else np.int64)
        self.done = np.zeros(n, dtype=bool)
        self.log = TaskLog()
        self._lane_label = lane_label
        self._lanes: dict[tuple[int, str], int] = {}
        self._lane_labels: list[str] = []
        self._observer = observer
        self._flushed = 0
        self._t0_ns = 0
        #: Per lane: when its worker became ready (perf_counter_ns), if it said.
        self._lane_ready_ns: dict[int, int] = {}
        #: Per lane: how long its worker imported the kernel's module (ns).
        self._lane_import_ns: dict[int, int] = {}
        self._in_process = False
        self._created_ns: int | None = None
        self._warmed_ns: int | None = None
        self._announced = False

    def start_clock(self, t0_ns: int) -> None:
        """Task times are reported in seconds since ``t0_ns``."""
        self._t0_ns = t0_ns

    # -- the pool's start-up -------------------------------------------------
    def pool_created(self, now_ns: int) -> None:
        """The executor exists (its workers may still be starting)."""
        self._created_ns = now_ns

    def pool_warmed(self, now_ns: int) -> None:
        """Every worker is up (the engine's warm-up): tasks start from here."""
        self._warmed_ns = now_ns

    @property
    def startup_s(self) -> float:
        """Pool creation until workers were ready to compute: until the
        warm-up ended where there was one, else the earliest start-up a worker
        reported, else until the executor existed."""
        if self._warmed_ns is not None:
            return (self._warmed_ns - self._t0_ns) / 1e9
        if self._lane_ready_ns:
            return max(0, min(self._lane_ready_ns.values()) - self._t0_ns) / 1e9
        if self._created_ns is None:
            return 0.0
        return (self._created_ns - self._t0_ns) / 1e9

    def lane_startup_s(self) -> np.ndarray:
        """Per lane of :meth:`tasks`: seconds from the run's start until that
        lane's worker was ready (NaN where the worker did not say).

        Workers stamp ``perf_counter_ns`` in their own process: on Linux and
        macOS that is a system-wide monotonic clock, so it compares with the
        parent's directly (task times rely on the same)."""
        out = np.full(len(self._lane_labels), np.nan)
        for lane, ready_ns in self._lane_ready_ns.items():
            out[lane] = max(0, ready_ns - self._t0_ns) / 1e9
        return out

    def lane_import_s(self, in_process: bool) -> tuple[float, ...]:
        """Per lane of :meth:`tasks`: the seconds its worker spent importing
        the kernel's module in its initializer; 0 for ``in_process`` runs
        (the module is already imported), NaN where the worker did not say."""
        unknown = 0.0 if in_process else float("nan")
        return tuple(
            self._lane_import_ns[lane] / 1e9 if lane in self._lane_import_ns else unknown
            for lane in range(len(self._lane_labels))
        )

    def announce_pool_ready(self) -> None:
        """Tell the observer the pool is up, once, before any batch."""
        if not self._announced:
            self._announced = True
            self._observer.pool_ready(self.startup_s)

    @property
    def n_done(self) -> int:
        return int(self.done.sum())

    def record(
        self, outcome: tuple, submit_ns: int = 0, arrive_ns: int = 0, trip: tuple | None = None,
    ) -> RunFailure | None:
        """Store one completed task (a :class:`~gcdapp.core.tasks.ChunkOutcome`
        tuple); return the failure when its kernel raised or it was
        cancelled (keeping the pairs it finished). Outcomes of 7 to 10
        fields (without a cancelled flag, a ready time, CPU time or import
        time) are taken too.

        ``submit_ns`` and ``arrive_ns`` are when the parent handed the task
        to the executor and when its result came back (perf_counter_ns, 0:
        unknown); ``trip``, for tasks that were pickled by the engine, is
        ``(pickle_in_ns, bytes_in, t_recv_ns, unpickle_in_ns, pickle_out_ns,
        bytes_out, unpickle_out_ns)``."""
        begin, values, t_start_ns, t_end_ns, pid, thread, error, *rest = outcome
        n_rest = len(rest)
        cancelled = bool(rest[0]) if rest else False
        ready_ns = rest[1] if n_rest > 1 else None
        merge_start = perf_counter_ns()
        k = len(values)
        if (k == 1 and type(values) is list and type(values[0]) is int
                and -_INT64 <= values[0] < _INT64 and self.results.dtype != object):
            # one pair (chunk size 1): scalar stores, no slices
            self.results[begin] = values[0]
            self.done[begin] = True
        elif k:
            if isinstance(values, array):
                self.results[begin : begin + k] = np.frombuffer(values, dtype=np.int64)
            elif isinstance(values, np.ndarray) and values.dtype == np.int64:
                # (Dask ships arrays; huge-int runs keep Python ints)
                self.results[begin : begin + k] = (
                    values if self.results.dtype != object else values.tolist())
            else:
                if self.results.dtype != object:
                    self.results = self.results.astype(object)
                self.results[begin : begin + k] = values
            self.done[begin : begin + k] = True
        merge_ns = perf_counter_ns() - merge_start
        key = (pid, thread)
        lane = self._lanes.get(key)
        if lane is None:
            lane = self._lanes[key] = len(self._lane_labels)
            self._lane_labels.append(self._lane_label(pid, thread))
            self._lane_offsets.append(
                worker_offset_ns(lane) if self._clock_offset is None
                else self._clock_offset(pid, thread))
        if ready_ns is not None:
            self._lane_ready_ns[lane] = ready_ns
        t0 = self._t0_ns
        offset = self._lane_offsets[lane]
        self.log.append(begin, k, run_seconds(t_start_ns, t0, offset),
                        run_seconds(t_end_ns, t0, offset), lane)
        if self._instrument:
            cpu = rest[2] / 1e9 if n_rest > 2 else float("nan")
            if n_rest > 3 and rest[3] is not None:
                self._lane_import_ns[lane] = rest[3]
            submit = (submit_ns - t0) / 1e9 if submit_ns else float("nan")
            arrive = (arrive_ns - t0) / 1e9 if arrive_ns else float("nan")
            if trip is None:  # in-process: nothing pickled, nothing sent
                self.log.append_anatomy((cpu, submit, float("nan"), arrive, 0, 0,
                                         0.0, 0.0, 0.0, 0.0, merge_ns / 1e9))
            else:
                pickle_in, bytes_in, recv_ns, unpickle_in, pickle_out, bytes_out, \
                    unpickle_out = trip
                self.log.append_anatomy((
                    cpu, submit, run_seconds(recv_ns, t0, offset), arrive, bytes_in, bytes_out,
                    pickle_in / 1e9, unpickle_in / 1e9, pickle_out / 1e9, unpickle_out / 1e9,
                    merge_ns / 1e9,
                ))
        if error is not None:
            return RunFailure.kernel_raised(begin + k, error, self.kernel_name)
        if cancelled:
            return RunFailure.cancelled()
        return None

    @property
    def unflushed(self) -> bool:
        return len(self.log) > self._flushed

    def flush(self) -> None:
        """Send the tasks completed since the last flush, as one batch."""
        if not self.unflushed:
            return
        self.announce_pool_ready()
        batch = self.log.batch(self._flushed, tuple(self._lane_labels), self.results)
        self._flushed = len(self.log)
        self._observer.tasks_completed(batch)

    def tasks(self) -> TaskBatch:
        """Every completed task, as one batch."""
        return self.log.batch(0, tuple(self._lane_labels), self.results)
