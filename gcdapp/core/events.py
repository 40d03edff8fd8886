"""What the engine reports while it runs, and the protocol of its observers.

The engine emits plain Python objects (dataclasses holding numpy arrays). The
Qt coordinator is one observer and the CLI another; neither needs the other.
Times are seconds since the run started (before the pool was created), taken
with ``time.perf_counter_ns`` inside the worker that ran the task.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

import numpy as np

from gcdapp.core.run_spec import RunSpec

__all__ = [
    "NullObserver", "RunInfo", "RunObserver", "RunResult", "RunSpec", "Status", "TaskBatch",
]

Status = Literal["completed", "cancelled", "failed"]


@dataclass(frozen=True)
class RunInfo:
    """Sent once, when a run starts, with every default resolved."""

    mode: str
    kernel: str
    workers: int
    chunksize: int
    start_method: str | None
    n_pairs: int
    n_tasks: int


@dataclass(frozen=True)
class TaskBatch:
    """Tasks that completed since the previous batch, in completion order.

    One task computes the contiguous pairs ``start[i] : start[i] + count[i]``.
    ``pair_index`` and ``gcd`` list every pair those tasks computed. ``lane``
    indexes ``lanes``, the labels of every worker seen so far in this run
    (a pid for processes, a thread name for threads).
    """

    start: np.ndarray  # int64, per task
    count: np.ndarray  # int64, per task
    t_start: np.ndarray  # float64 seconds, per task
    t_end: np.ndarray  # float64 seconds, per task
    lane: np.ndarray  # int32, per task
    lanes: tuple[str, ...]
    pair_index: np.ndarray  # int64, per pair
    gcd: np.ndarray  # int64 (object for huge ints), per pair

    def __len__(self) -> int:
        return len(self.start)

    @property
    def n_pairs(self) -> int:
        return len(self.pair_index)


@dataclass
class RunResult:
    """Everything a finished run measured. Partial when cancelled or failed."""

    info: RunInfo
    status: Status
    results: np.ndarray  # per pair, input order; meaningful where ``done``
    done: np.ndarray  # bool per pair
    tasks: TaskBatch  # every completed task, in completion order
    wall_s: float  # start to end, pool start-up included
    startup_s: float  # pool creation until workers were ready (warmed up) to compute
    error: str | None = None
    failed_pairs: list[int] = field(default_factory=list)
    #: Stopping the pool: from the end of compute until every worker has
    #: exited; the last ``shutdown_s`` of ``wall_s``.
    shutdown_s: float = 0.0
    #: Per lane of ``tasks.lanes``: seconds from the run's start (the pool's
    #: creation) until that lane's worker was ready to compute, as the worker
    #: measured it in its initializer; NaN where it cannot be known (threads,
    #: serial, runs saved before this was recorded).
    lane_startup_s: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def compute_s(self) -> float:
        return max(0.0, self.wall_s - self.startup_s)

    @property
    def n_done(self) -> int:
        return int(self.done.sum())

    def result_list(self) -> list[int | None]:
        """Results in input order as Python ints (None where not computed)."""
        values = self.results.tolist()
        return [int(v) if d else None for v, d in zip(values, self.done.tolist())]


class RunObserver(Protocol):
    """Receives a run's events, on the thread that runs the engine."""

    def run_started(self, info: RunInfo) -> None: ...

    def pool_ready(self, startup_s: float) -> None: ...

    def tasks_completed(self, batch: TaskBatch) -> None: ...

    def run_finished(self, result: RunResult) -> None: ...


class NullObserver:
    """An observer that ignores everything; subclass it to handle a few events."""

    def run_started(self, info: RunInfo) -> None:
        pass

    def pool_ready(self, startup_s: float) -> None:
        pass

    def tasks_completed(self, batch: TaskBatch) -> None:
        pass

    def run_finished(self, result: RunResult) -> None:
        pass
