"""Result collection: each completed task's gcds into the results, its
timing into the task log, and batches of new tasks to the observer."""

from __future__ import annotations

from array import array
from collections.abc import Callable

import numpy as np

from gcdapp.core.engine.failure import RunFailure
from gcdapp.core.events import RunObserver, TaskBatch
from gcdapp.core.task_rows import pair_rows


class TaskLog:
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
        pair_index = pair_rows(start, count)
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


class Collector:
    """Everything a run has computed so far, and what the observer has seen."""

    def __init__(
        self,
        pairs: np.ndarray,
        kernel_name: str,
        lane_label: Callable[[int, str], str],
        observer: RunObserver,
    ):
        n = len(pairs)
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

    def start_clock(self, t0_ns: int) -> None:
        """Task times are reported in seconds since ``t0_ns``."""
        self._t0_ns = t0_ns

    @property
    def n_done(self) -> int:
        return int(self.done.sum())

    def record(self, outcome: tuple) -> RunFailure | None:
        """Store one completed task (a :class:`~gcdapp.core.tasks.ChunkOutcome`
        tuple); return the failure when its kernel raised or it was
        cancelled (keeping the pairs it finished)."""
        begin, values, t_start_ns, t_end_ns, pid, thread, error, *cancelled = outcome
        k = len(values)
        if k:
            if isinstance(values, array):
                self.results[begin : begin + k] = np.frombuffer(values, dtype=np.int64)
            else:
                if self.results.dtype != object:
                    self.results = self.results.astype(object)
                self.results[begin : begin + k] = values
            self.done[begin : begin + k] = True
        key = (pid, thread)
        lane = self._lanes.get(key)
        if lane is None:
            lane = self._lanes[key] = len(self._lane_labels)
            self._lane_labels.append(self._lane_label(pid, thread))
        t0 = self._t0_ns
        self.log.append(begin, k, (t_start_ns - t0) / 1e9, (t_end_ns - t0) / 1e9, lane)
        if error is not None:
            return RunFailure.kernel_raised(begin + k, error, self.kernel_name)
        if cancelled and cancelled[0]:  # (an outcome of 7 fields: not cancelled)
            return RunFailure.cancelled()
        return None

    @property
    def unflushed(self) -> bool:
        return len(self.log) > self._flushed

    def flush(self) -> None:
        """Send the tasks completed since the last flush, as one batch."""
        if not self.unflushed:
            return
        batch = self.log.batch(self._flushed, tuple(self._lane_labels), self.results)
        self._flushed = len(self.log)
        self._observer.tasks_completed(batch)

    def tasks(self) -> TaskBatch:
        """Every completed task, as one batch."""
        return self.log.batch(0, tuple(self._lane_labels), self.results)
