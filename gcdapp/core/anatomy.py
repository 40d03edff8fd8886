"""Why a run took the time it did: each task's trip, step by step, and the
run's totals.

The engine measures every task (the arrays of
:class:`~gcdapp.core.events.TaskBatch`); this module is the one place that
turns them into the figures the views, the CLI and the findings show:

* a task's wall is ``t_end - t_start``, and the time it spent waiting (for
  the GIL, or starved by the machine) is that wall less its CPU time;
* the copy to the worker is ``t_recv - t_submit`` less the time the task
  queued because its worker was still busy with its previous task (and
  pickling that one's result); the queue wait is the rest of ``t_start -
  t_submit`` once the copy and the unpickling are taken out;
* the copy back is ``t_arrive - t_end - pickle_out_s``.

For a process task the seed's nine :data:`STEPS` each get a duration. In
process (serial, threads) nothing is pickled or copied: those steps are 0.
Unknown values (NaN: runs saved before these were recorded) count as 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gcdapp.core.events import RunResult

#: The anatomy of a process task, in the seed's order.
STEPS: tuple[str, ...] = (
    "pickle arguments",
    "copy to the worker",
    "unpickle arguments",
    "import the module",
    "compute",
    "pickle the result",
    "copy back",
    "unpickle the result",
    "merge results",
)


@dataclass(frozen=True)
class Anatomy:
    """Seconds per step, in :data:`STEPS` order, and their total."""

    steps: tuple[tuple[str, float], ...]
    total_s: float

    def seconds(self, name: str) -> float:
        """That step's seconds."""
        for step, value in self.steps:
            if step == name:
                return value
        raise KeyError(f"no step {name!r}; the steps are {', '.join(STEPS)}")

    def share(self, name: str) -> float:
        """That step's share of :attr:`total_s` (0..1; 0 when the total is 0)."""
        value = self.seconds(name)
        return value / self.total_s if self.total_s > 0 else 0.0


@dataclass(frozen=True)
class Breakdown:
    """A run's time, summed over its tasks (the CLI's JSON ``breakdown``
    object is ``asdict`` of it)."""

    compute_s: float  # CPU time inside tasks
    wait_s: float  # wall minus CPU inside tasks (GIL, or starved)
    queue_s: float  # submitted, not yet on a worker
    transfer_s: float  # copying alone, both directions
    pickle_s: float  # arguments (parent) + results (worker)
    unpickle_s: float  # arguments (worker) + results (parent)
    startup_s: float  # the pool's start-up (the run's, not per task)
    shutdown_s: float  # the pool's shutdown
    bytes_in: int
    bytes_out: int
    task_wall_s: float  # sum of task walls (t_end - t_start)

    @property
    def wait_share(self) -> float:
        """``wait_s`` over the tasks' total wall (0 when there are no tasks)."""
        return self.wait_s / self.task_wall_s if self.task_wall_s > 0 else 0.0


def _known(values) -> np.ndarray:
    """float64 with NaN (unknown) as 0."""
    return np.nan_to_num(np.asarray(values, dtype=np.float64), nan=0.0)


@dataclass(frozen=True)
class _Columns:
    """Every task's step durations (arrays, one value per task)."""

    pickle_in: np.ndarray
    copy_in: np.ndarray
    unpickle_in: np.ndarray
    import_: np.ndarray
    compute: np.ndarray  # the task's wall
    pickle_out: np.ndarray
    copy_out: np.ndarray
    unpickle_out: np.ndarray
    merge: np.ndarray
    cpu: np.ndarray
    wait: np.ndarray
    queue: np.ndarray

    def step(self, i: int | slice | None = None) -> tuple[float, ...]:
        cols = (self.pickle_in, self.copy_in, self.unpickle_in, self.import_, self.compute,
                self.pickle_out, self.copy_out, self.unpickle_out, self.merge)
        if i is None:
            return tuple(float(c.sum()) for c in cols)
        return tuple(float(c[i]) for c in cols)


def _columns(result: RunResult) -> _Columns:
    t = result.tasks
    n = len(t)
    t_start = np.asarray(t.t_start, dtype=np.float64)
    t_end = np.asarray(t.t_end, dtype=np.float64)
    wall = np.maximum(0.0, t_end - t_start)
    cpu_raw = np.asarray(t.cpu_s, dtype=np.float64)
    cpu = np.minimum(_known(cpu_raw), wall)
    # unknown CPU: no wait can be told
    wait = np.where(np.isfinite(cpu_raw), np.maximum(0.0, wall - cpu), 0.0)
    pickle_in, unpickle_in = _known(t.pickle_in_s), _known(t.unpickle_in_s)
    pickle_out, unpickle_out = _known(t.pickle_out_s), _known(t.unpickle_out_s)
    submit = np.asarray(t.t_submit, dtype=np.float64)
    recv = np.asarray(t.t_recv, dtype=np.float64)
    arrive = np.asarray(t.t_arrive, dtype=np.float64)

    # When each task's worker was free to take it: the end of the previous
    # task on its lane (in start order), plus that task's result pickling.
    free = np.full(n, -np.inf)
    lane = np.asarray(t.lane)
    order = np.lexsort((t_start, lane))  # by lane, then start
    by_lane = lane[order]
    same = by_lane[1:] == by_lane[:-1]
    if n:
        prev_free = (t_end + pickle_out)[order][:-1]
        free[order[1:]] = np.where(same, prev_free, -np.inf)
    picked = np.maximum(submit, free)
    has_recv = np.isfinite(recv) & np.isfinite(submit)
    copy_in = np.where(has_recv, np.maximum(0.0, recv - picked), 0.0)
    queue = np.where(
        np.isfinite(submit),
        np.maximum(0.0, t_start - submit - copy_in - unpickle_in),
        0.0,
    )
    copy_out = np.where(np.isfinite(arrive) & np.isfinite(pickle_out),
                        np.maximum(0.0, arrive - t_end - pickle_out), 0.0)
    # In process the result is in the parent when the task ends: no copy.
    copy_out = np.where(np.isfinite(recv), copy_out, 0.0)

    import_ = np.zeros(n)
    lane_import = np.asarray(result.lane_import_s, dtype=np.float64)
    if n and len(lane_import):
        heads = np.flatnonzero(np.concatenate(([True], ~same)))  # each lane's first task
        for i, ln in zip(order[heads].tolist(), by_lane[heads].tolist()):
            if 0 <= ln < len(lane_import) and math.isfinite(lane_import[ln]):
                import_[i] = lane_import[ln]
    return _Columns(
        pickle_in=pickle_in, copy_in=copy_in, unpickle_in=unpickle_in, import_=import_,
        compute=wall, pickle_out=pickle_out, copy_out=copy_out, unpickle_out=unpickle_out,
        merge=_known(t.merge_s), cpu=cpu, wait=wait, queue=queue,
    )


def _anatomy(values: tuple[float, ...]) -> Anatomy:
    return Anatomy(tuple(zip(STEPS, values)), float(sum(values)))


def task_anatomy(result: RunResult, task: int) -> Anatomy:
    """The nine steps of one task (an index into ``result.tasks``). The
    module's import counts for the first task each worker ran."""
    n = len(result.tasks)
    if not -n <= task < n:
        raise IndexError(f"task {task} is not among the run's {n} tasks")
    return _anatomy(_columns(result).step(task))


def run_anatomy(result: RunResult) -> Anatomy:
    """The nine steps summed over every task of the run."""
    return _anatomy(_columns(result).step())


def breakdown(result: RunResult) -> Breakdown:
    """The run's time by kind, summed over its tasks."""
    t = result.tasks
    c = _columns(result)
    return Breakdown(
        compute_s=float(c.cpu.sum()),
        wait_s=float(c.wait.sum()),
        queue_s=float(c.queue.sum()),
        transfer_s=float(c.copy_in.sum() + c.copy_out.sum()),
        pickle_s=float(c.pickle_in.sum() + c.pickle_out.sum()),
        unpickle_s=float(c.unpickle_in.sum() + c.unpickle_out.sum()),
        startup_s=float(result.startup_s),
        shutdown_s=float(result.shutdown_s),
        bytes_in=int(np.asarray(t.bytes_in, dtype=np.int64).sum()),
        bytes_out=int(np.asarray(t.bytes_out, dtype=np.int64).sum()),
        task_wall_s=float(c.compute.sum()),
    )


@dataclass(frozen=True)
class LaneUsage:
    """One worker's tasks: how long they ran, and how much of it on a CPU.
    CPU well below wall means the worker waited: for the GIL (threads) or,
    for processes, for a core the machine gave to something else."""

    label: str
    tasks: int
    wall_s: float
    cpu_s: float

    @property
    def cpu_share(self) -> float:
        return self.cpu_s / self.wall_s if self.wall_s > 0 else 0.0


def lane_usage(result: RunResult) -> list[LaneUsage]:
    """Per lane (worker), in lane order: task count, task wall and CPU time."""
    t = result.tasks
    c = _columns(result)
    lane = np.asarray(t.lane, dtype=np.int64)
    n_lanes = len(t.lanes)
    counts = np.bincount(lane, minlength=n_lanes) if len(lane) else np.zeros(n_lanes, int)
    walls = np.bincount(lane, weights=c.compute, minlength=n_lanes) if len(lane) else counts * 0.0
    cpus = np.bincount(lane, weights=c.cpu, minlength=n_lanes) if len(lane) else counts * 0.0
    return [LaneUsage(str(label), int(counts[i]), float(walls[i]), float(cpus[i]))
            for i, label in enumerate(t.lanes)]
