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

from gcdapp.core.python_info import PythonInfo
from gcdapp.core.run_spec import RunSpec

__all__ = [
    "ClusterInfo", "NullObserver", "PythonInfo", "RunInfo", "RunObserver", "RunResult", "RunSpec",
    "Status", "TaskBatch",
]

Status = Literal["completed", "cancelled", "failed"]


@dataclass(frozen=True)
class ClusterInfo:
    """The cluster a run ran on (Dask): where its scheduler is, its workers,
    and what starting it cost, apart from the run's own wall time."""

    scheduler: str  # its address
    workers: tuple[str, ...]  # the workers' addresses
    local: bool  # a local cluster gcdapp started on this machine
    dashboard: str | None = None  # the dashboard's link, when it serves one
    start_s: float = 0.0  # starting it for this run; 0: it was already up
    #: task times were corrected by per-worker clock offsets (workers on
    #: other hosts)
    clock_corrected: bool = False

    def to_json(self) -> dict:
        return {"scheduler": self.scheduler, "workers": list(self.workers),
                "local": self.local, "dashboard": self.dashboard,
                "start_s": self.start_s, "clock_corrected": self.clock_corrected}


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
    #: the cluster it runs on (dask mode), None for every other backend
    cluster: ClusterInfo | None = None
    #: The interpreter the run's workers run in, as its probe saw it (or
    #: this one); None in runs saved before it was recorded.
    python: PythonInfo | None = None


#: The per-task anatomy arrays of :class:`TaskBatch` (float64 seconds) ...
TASK_FLOAT_FIELDS = (
    "cpu_s", "t_submit", "t_recv", "t_arrive",
    "pickle_in_s", "unpickle_in_s", "pickle_out_s", "unpickle_out_s", "merge_s",
)
#: ... and its byte counts (int64).
TASK_BYTE_FIELDS = ("bytes_in", "bytes_out")
#: All of them, in the contract's order (sessions and exports use it).
TASK_ANATOMY_FIELDS = (
    "cpu_s", "t_submit", "t_recv", "t_arrive", "bytes_in", "bytes_out",
    "pickle_in_s", "unpickle_in_s", "pickle_out_s", "unpickle_out_s", "merge_s",
)


@dataclass(frozen=True)
class TaskBatch:
    """Tasks that completed since the previous batch, in completion order.

    One task computes the contiguous pairs ``start[i] : start[i] + count[i]``.
    ``pair_index`` and ``gcd`` list every pair those tasks computed. ``lane``
    indexes ``lanes``, the labels of every worker seen so far in this run
    (a pid for processes, a thread name for threads).

    The anatomy of each task (issue 9), one value per task, in seconds on the
    parent's clock since the run's start unless said otherwise (see
    :mod:`gcdapp.core.clock`; derived figures live in
    :mod:`gcdapp.core.anatomy`). NaN where a value cannot be known (runs
    saved before it was recorded); in-process runs (serial, threads) pickle
    nothing, so their byte counts and pickling durations are 0 and
    ``t_recv`` is NaN. Left out, each is filled with "unknown" (NaN, or 0
    bytes) for every task.
    """

    start: np.ndarray  # int64, per task
    count: np.ndarray  # int64, per task
    t_start: np.ndarray  # float64 seconds, per task
    t_end: np.ndarray  # float64 seconds, per task
    lane: np.ndarray  # int32, per task
    lanes: tuple[str, ...]
    pair_index: np.ndarray  # int64, per pair
    gcd: np.ndarray  # int64 (object for huge ints), per pair
    #: thread CPU time inside the task's compute (``time.thread_time_ns``)
    cpu_s: np.ndarray | None = None
    #: when the parent handed the task to the executor (after pickling it)
    t_submit: np.ndarray | None = None
    #: when the worker received it (before unpickling); NaN in-process
    t_recv: np.ndarray | None = None
    #: when its result arrived back in the parent (the future's callback)
    t_arrive: np.ndarray | None = None
    bytes_in: np.ndarray | None = None  # int64: pickled size of the arguments
    bytes_out: np.ndarray | None = None  # int64: pickled size of the result
    pickle_in_s: np.ndarray | None = None  # parent: pickling the arguments
    unpickle_in_s: np.ndarray | None = None  # worker: unpickling them
    pickle_out_s: np.ndarray | None = None  # worker: pickling the result
    unpickle_out_s: np.ndarray | None = None  # parent: unpickling it
    merge_s: np.ndarray | None = None  # parent: storing its gcds into the results

    def __post_init__(self):
        n = len(self.start)
        for name in TASK_FLOAT_FIELDS:
            if getattr(self, name) is None:
                object.__setattr__(self, name, np.full(n, np.nan))
        for name in TASK_BYTE_FIELDS:
            if getattr(self, name) is None:
                object.__setattr__(self, name, np.zeros(n, dtype=np.int64))

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
    #: Per lane: how long its worker took to import the kernel's module in
    #: its initializer (step 4 of a process task); 0 in-process (nothing to
    #: import), NaN where unknown.
    lane_import_s: tuple[float, ...] = ()
    #: What happened that did not end the run, in words for the user (a Dask
    #: worker lost and its tasks re-run).
    notes: tuple[str, ...] = ()
    #: The interpreter the workers ran in, as observed there during the run
    #: (a host reports it when it starts); ``info.python`` otherwise.
    python: PythonInfo | None = None

    def __post_init__(self):
        if self.python is None:
            self.python = self.info.python

    @property
    def python_label(self) -> str:
        """ "3.13.0", "3.14.2t free-threaded, GIL off"; "" when unknown."""
        return self.python.label if self.python is not None else ""

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
