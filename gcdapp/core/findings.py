"""Findings: what a run's measurements mean, in short sentences with the numbers.

Each :class:`Finding` is one short sentence (or two) built from measured
figures only: the run's wall time and start-up, the task breakdown of
:mod:`gcdapp.core.anatomy` (GIL or starved wait, pickling and copying), the
speedup against the serial reference of :class:`~gcdapp.core.history.RunHistory`,
the usable cores, and the pyperf stability rules of :mod:`gcdapp.core.stats`.

The makespan bound ("of a possible 1.93×")
------------------------------------------
The serial reference of a run is the latest completed serial run of the
same pairs with the same kernel (``history.baseline``). Its measured task
times (``t_end - t_start``) say what each pair costs to compute; when the
reference ran other chunks than this run, a serial task's time is shared
evenly among its pairs. Summed over this run's own chunks they give, per
task of this run, its serial cost ``c_i``. On ``W`` workers, with ``W`` this
run's workers but no more than the usable cores, no schedule of those tasks
finishes sooner than::

    makespan >= max(max_i c_i, sum_i c_i / W)

(the longest task cannot be split, and ``W`` workers cannot share out the
total faster than evenly). Two measured costs come on top. The parent's own
work in the serial reference, outside its tasks (handing tasks out,
collecting and merging results: ``parent = wall - start-up - shutdown - sum
of task times``), is paid by every mode, since the parent still hands out and
collects every task. And the run pays its own measured start-up
(``RunResult.startup_s``: pool creation until the workers were ready). So::

    bound_s       = max(longest, total / W) + parent + startup_s
    bound_speedup = serial wall_s / bound_s

The serial run's own bound is then 1 (give or take its shutdown), and no
bound exceeds ``W``. When tasks are tiny, ``parent`` dominates and the bound
says that no number of workers helps.

No run of those tasks on that many workers can beat ``bound_speedup`` unless
the task times themselves change (they vary from run to run: see the
stability findings). Without a serial reference, or for a run that did not
complete, there is no bound (None) and the findings say so.

Findings are computed here, without Qt; the CLI prints them under its table
and the window's Findings panel shows them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from gcdapp.core.anatomy import breakdown
from gcdapp.core.events import RunResult
from gcdapp.core.history import RunHistory, RunRecord
from gcdapp.core.repeats import RepeatGroup, repeat_groups
from gcdapp.core.system import gil_enabled, usable_cores

#: A threads run whose tasks waited this share of their wall time or more
#: waited for the GIL (CPU-bound Python); processes waiting this much were
#: starved of cores.
WAIT_SHARE_HIGH = 0.3
#: Compute per task this many times the time spent moving its data: processes pay.
LEVERAGE_PAYS = 10.0
#: Start-up this share of a run's wall time or more gets its own finding.
STARTUP_SHARE_HIGH = 0.25
#: A parallel mode must beat serial by this factor to be recommended over it
#: (this machine's speed drifts by more than a few per cent).
WORTH_IT = 1.10


@dataclass(frozen=True)
class Finding:
    kind: str  # "gil", "parallel", "leverage", "startup", "unstable", "recommendation", ...
    text: str  # one short sentence with the numbers


@dataclass(frozen=True)
class Bound:
    """The makespan bound of one run (see the module docstring)."""

    longest_s: float  # the longest of this run's tasks, at serial cost
    total_s: float  # all of them, at serial cost
    workers: int  # W: the run's workers, no more than the usable cores
    startup_s: float  # the run's measured start-up
    serial_wall_s: float  # the serial reference's wall time
    parent_s: float = 0.0  # the serial reference's time outside its tasks

    @property
    def bound_s(self) -> float:
        return (max(self.longest_s, self.total_s / self.workers) + self.parent_s
                + self.startup_s)

    @property
    def speedup(self) -> float | None:
        return self.serial_wall_s / self.bound_s if self.bound_s > 0 else None

    @property
    def limit(self) -> str:
        """What sets the bound: ``"longest"`` (the longest task), ``"share"``
        (the total shared evenly) or ``"parent"`` (the parent's own work)."""
        share = self.total_s / self.workers
        if self.parent_s >= max(self.longest_s, share):
            return "parent"
        return "longest" if self.longest_s >= share else "share"


# -- the makespan bound ----------------------------------------------------------


def _serial_costs(reference: RunResult, n_pairs: int) -> np.ndarray | None:
    """Per pair: its share of the reference's measured task time."""
    tasks = reference.tasks
    if len(tasks) == 0:
        return None
    count = np.asarray(tasks.count, dtype=np.int64)
    start = np.asarray(tasks.start, dtype=np.int64)
    wall = np.asarray(tasks.t_end, dtype=float) - np.asarray(tasks.t_start, dtype=float)
    if int(count.sum()) != n_pairs or (count <= 0).any() or not np.isfinite(wall).all():
        return None
    offsets = np.arange(n_pairs) - np.repeat(np.cumsum(count) - count, count)
    costs = np.zeros(n_pairs)
    costs[np.repeat(start, count) + offsets] = np.repeat(np.maximum(wall, 0) / count, count)
    return costs


def makespan_bound(record: RunRecord, history: RunHistory,
                   cores: int | None = None) -> Bound | None:
    """The makespan bound of ``record`` against its serial reference in
    ``history`` (None without one, or when the run did not complete)."""
    if not record.completed:
        return None
    reference = history.baseline(record)
    if reference is None:
        return None
    result = record.result
    n = result.info.n_pairs
    if reference.result.info.n_pairs != n or len(result.tasks) == 0:
        return None
    costs = _serial_costs(reference.result, n)
    if costs is None:
        return None
    cumulative = np.concatenate(([0.0], np.cumsum(costs)))
    start = np.asarray(result.tasks.start, dtype=np.int64)
    task_costs = cumulative[start + np.asarray(result.tasks.count, dtype=np.int64)] \
        - cumulative[start]
    cores = usable_cores() if cores is None else cores
    workers = max(1, min(result.info.workers, cores))
    startup = result.startup_s if math.isfinite(result.startup_s) else 0.0
    ref = reference.result
    outside = ref.wall_s - float(costs.sum()) - _finite(ref.startup_s) - _finite(ref.shutdown_s)
    return Bound(float(task_costs.max()), float(task_costs.sum()), workers, max(0.0, startup),
                 ref.wall_s, max(0.0, outside))


def _finite(value: float) -> float:
    return value if math.isfinite(value) else 0.0


def bound_speedup(record: RunRecord, history: RunHistory,
                  cores: int | None = None) -> float | None:
    """The best speedup over serial that ``record``'s tasks allow on its
    workers (the makespan bound); None without a serial reference."""
    bound = makespan_bound(record, history, cores)
    return None if bound is None else bound.speedup


# -- wording -----------------------------------------------------------------------


def duration(seconds: float) -> str:
    """``1.23 s``, ``71 ms``, ``20 µs``, ``150 ns``: three significant figures."""
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.3g} ms"
    if seconds >= 1e-6:
        return f"{seconds * 1e6:.3g} µs"
    return f"{seconds * 1e9:.3g} ns"


def percent(share: float) -> str:
    """``49 %``; one decimal below 1 % (``0.2 %``)."""
    value = share * 100
    return f"{value:.1f} %" if abs(value) < 1 else f"{value:.0f} %"


def times(speedup: float) -> str:
    """``1.77×``; two significant figures below 0.1 (``0.0014×``)."""
    return f"{speedup:.2f}×" if speedup >= 0.1 else f"{speedup:.2g}×"


def mode_label(record: RunRecord) -> str:
    """``Serial``, ``Threads ×2``, ``Processes ×4``."""
    info = record.result.info
    name = info.mode.capitalize()
    return name if info.mode == "serial" else f"{name} ×{info.workers}"


def _group_label(group: RepeatGroup) -> str:
    return mode_label(group.records[0])


# -- the measurements a finding reads ------------------------------------------------


@dataclass(frozen=True)
class _Measured:
    """The breakdown figures findings use (NaN where unknown)."""

    compute_s: float
    moving_s: float  # pickling, unpickling and copying, both ways
    bytes_moved: int
    task_wall_s: float
    wait_share: float
    n_tasks: int


def _measured(result: RunResult) -> _Measured:
    b = breakdown(result)
    tasks = result.tasks
    # Runs saved before these were measured hold NaN, which the breakdown
    # counts as 0: unknown here, not zero.
    cpu_known = len(tasks) > 0 and bool(np.isfinite(tasks.cpu_s).any())
    ipc_known = len(tasks) > 0 and bool(np.isfinite(tasks.t_arrive).any())
    moving = b.pickle_s + b.unpickle_s + b.transfer_s if ipc_known else math.nan
    share = b.wait_share if cpu_known and b.task_wall_s > 0 else math.nan
    return _Measured(b.compute_s, moving, b.bytes_in + b.bytes_out, b.task_wall_s, share,
                     len(result.tasks))


def _known(*values: float) -> bool:
    return all(v is not None and math.isfinite(v) for v in values)


def _waits(measured: _Measured) -> bool:
    """The tasks waited (GIL, or starved) a high share of their time."""
    return _known(measured.wait_share) and measured.wait_share >= WAIT_SHARE_HIGH


def _loses(measured: _Measured) -> bool:
    """Moving the data cost more than computing it."""
    return _known(measured.compute_s, measured.moving_s) and measured.moving_s > measured.compute_s


# -- one run ---------------------------------------------------------------------


def run_findings(record: RunRecord, history: RunHistory,
                 cores: int | None = None) -> list[Finding]:
    """What one finished run's measurements say, and which mode to use."""
    cores = usable_cores() if cores is None else cores
    result = record.result
    if not record.completed:
        return [Finding("status", f"{record.label} {result.status}: {result.n_done:,} of "
                                  f"{result.info.n_pairs:,} pairs done. Findings need a "
                                  "completed run.")]
    out = _explain(record, history, cores)
    unstable = _unstable(record, history)
    out += unstable
    same = [r for r in history if r.fingerprint == record.fingerprint
            and r.kernel == record.kernel]
    if record not in same:
        same.append(record)
    out.append(_recommend(same, history, cores, unstable=bool(unstable)))
    return out


def _explain(record: RunRecord, history: RunHistory, cores: int) -> list[Finding]:
    """The run's own findings: speed, bound, waiting, start-up, leverage."""
    result, info = record.result, record.result.info
    measured = _measured(result)
    out = [_speed(record, history, cores, measured)]
    if info.mode == "serial":
        return out
    if info.workers > cores:
        out.append(Finding("oversubscribed", f"{info.workers} workers on {cores} usable "
                                             f"cores: no more than {cores} compute at once."))
    if _known(measured.wait_share):
        out += _waiting(record, history, measured, cores)
    if info.mode == "processes":
        out += _startup(record, history)
    out += _cluster(record, cores)
    out += _interpreter(record, history)
    if info.mode == "processes" or measured.bytes_moved > 0:
        out += _leverage(record, measured)
    return out


def _speed(record: RunRecord, history: RunHistory, cores: int,
           measured: _Measured) -> Finding:
    result, info = record.result, record.result.info
    label = mode_label(record)
    if info.mode == "serial":
        return Finding("serial", f"Serial: {duration(result.wall_s)} for {info.n_pairs:,} "
                                 f"pairs, the reference for the other modes' speedups "
                                 f"({info.kernel} kernel).")
    speedup = history.speedup(record)
    bound = makespan_bound(record, history, cores)
    if speedup is None or bound is None or bound.speedup is None:
        return Finding("parallel", f"{label}: {duration(result.wall_s)}. No serial run of "
                                   f"these pairs with the {info.kernel} kernel yet, so no "
                                   "speedup or possible speedup: run serial too.")
    text = f"{label}: {times(speedup)} serial, of a possible {times(bound.speedup)}."
    if bound.limit == "longest":
        text += f" The longest task ({duration(bound.longest_s)}) sets the bound."
    elif bound.limit == "parent":
        text += (f" The parent's own work handing out and collecting the tasks "
                 f"({duration(bound.parent_s)} in the serial run) sets the bound: more "
                 "workers cannot help.")
    else:
        text += (f" Sharing {duration(bound.total_s)} of work over {bound.workers} "
                 f"workers sets the bound.")
    if speedup > 1.05 * bound.speedup:
        text += " That is more than the serial run's own task times allow: "
        base = history.baseline(record)
        waited = breakdown(base.result).wait_share if base is not None else float("nan")
        if _known(waited) and waited >= 0.05:
            text += (f"its tasks waited {percent(waited)} of their time (the machine was busy, "
                     "or the window's drawing shared the GIL with it), ")
        text += "so the serial reference was slowed and this speedup overstates the gain."
    wall = result.wall_s
    if info.mode == "processes" and wall > 0:
        text += f" Start-up took {duration(result.startup_s)} ({percent(result.startup_s / wall)})"
        if _known(measured.moving_s) and measured.task_wall_s > 0:
            busy = measured.task_wall_s + measured.moving_s
            text += (f", and moving data {duration(measured.moving_s)} "
                     f"({percent(measured.moving_s / busy)} of the tasks' time)")
        text += "."
    return Finding("parallel", text)


def _interpreter(record: RunRecord, history: RunHistory) -> list[Finding]:
    """A run in another Python than its serial reference: its speedup mixes
    the parallelism with the two interpreters' own speeds."""
    base = history.baseline(record)
    here, there = record.result.python, base.result.python if base is not None else None
    if here is None or there is None or here == there:
        return []
    return [Finding("interpreter", (
        f"{mode_label(record)} ran in Python {here.label}, its serial reference in "
        f"{there.label}: part of the difference is the two interpreters' own speed. "
        f"Run serial in {here.label} too for a like-for-like speedup."))]


def _cluster(record: RunRecord, cores: int) -> list[Finding]:
    """A local Dask cluster whose workers fill the cores: its scheduler and
    this process's client run on the same cores and take turns with them."""
    cluster, info = record.result.info.cluster, record.result.info
    if cluster is None or not cluster.local or info.workers < cores:
        return []
    return [Finding("cluster", (
        f"Dask ×{info.workers} on {cores} usable cores: the scheduler and the client "
        f"(both in this process) compete with the {info.workers} workers for those cores, "
        "so every task also waits for them and the run stays well below "
        f"{info.workers}× serial; a cluster pays off on more cores or other machines."))]


def _waiting(record: RunRecord, history: RunHistory, measured: _Measured,
             cores: int) -> list[Finding]:
    info = record.result.info
    share = measured.wait_share
    if info.mode == "threads" and info.workers > 1:
        if not gil_enabled():
            return [Finding("gil", f"Each thread waited {percent(share)} of its time; this "
                                   "interpreter runs without the GIL, so that was waiting "
                                   "for a core.")]
        speedup = history.speedup(record)
        gained = speedup is not None and speedup >= WORTH_IT
        if share >= WAIT_SHARE_HIGH:
            if gained:
                return [Finding("gil", f"Yet each thread waited for the GIL {percent(share)} "
                                       "of its time, so that gain cannot come from computing "
                                       "in parallel: CPU-bound Python runs one thread at a "
                                       "time.")]
            return [Finding("gil", f"No gain: each thread waited for the GIL {percent(share)} "
                                   "of its time. CPU-bound Python runs one thread at a time.")]
        tail = " so they computed at once." if gained else " the GIL was not what held them back."
        return [Finding("gil", f"The threads waited for the GIL only {percent(share)} of "
                               f"their time:{tail}")]
    if info.mode != "serial" and share >= WAIT_SHARE_HIGH:
        return [Finding("starved", f"Workers waited for a core {percent(share)} of their "
                                   f"task time: {info.workers} workers on {cores} usable "
                                   "cores, or other programs busy.")]
    return []


def _startup(record: RunRecord, history: RunHistory) -> list[Finding]:
    result = record.result
    if result.wall_s <= 0 or not _known(result.startup_s):
        return []
    base = history.baseline(record)
    if base is not None and result.startup_s > base.result.wall_s:
        return [Finding("startup", f"Start-up alone ({duration(result.startup_s)}) took "
                                   f"longer than the whole serial run "
                                   f"({duration(base.result.wall_s)}).")]
    share = result.startup_s / result.wall_s
    if share >= STARTUP_SHARE_HIGH:
        return [Finding("startup", f"Start-up took {duration(result.startup_s)}, "
                                   f"{percent(share)} of the run: it is paid once per run, so "
                                   "it weighs less with more pairs.")]
    return []


def _leverage(record: RunRecord, measured: _Measured) -> list[Finding]:
    n = measured.n_tasks
    if n == 0 or not _known(measured.compute_s, measured.moving_s):
        return []
    compute, moving = measured.compute_s / n, measured.moving_s / n
    text = (f"Leverage: {duration(compute)} of compute per task against "
            f"{duration(moving)} of pickling and copying")
    pairs = record.result.info.n_pairs / n
    if pairs > 1:
        text += (f" ({duration(compute / pairs)} against {duration(moving / pairs)} "
                 "per pair)")
    if moving <= 0 or compute >= LEVERAGE_PAYS * moving:
        return [Finding("leverage", text + ", so processes pay.")]
    if compute < moving:
        return [Finding("leverage", text + ": processes lose. Run serial, or send more "
                                           "pairs per task if the tasks are small.")]
    return [Finding("leverage", text + f": moving data takes {percent(moving / (compute + moving))}"
                                       " of each task's time; more pairs per task would help.")]


def _unstable(record: RunRecord, history: RunHistory) -> list[Finding]:
    """Not trustworthy: this run's settings (or its serial reference's) are
    unstable over their repeats, by pyperf's rules."""
    members = [m for m in (record, history.baseline(record)) if m is not None]
    groups = [g for g in repeat_groups(history)
              if g.walls.unstable and any(r is m for r in g.records for m in members)]
    return [_unstable_finding(g) for g in groups]


def _unstable_finding(group: RepeatGroup) -> Finding:
    reasons = "; ".join(group.walls.instability())
    return Finding("unstable", f"Not trustworthy: {_group_label(group)} is unstable over "
                               f"{group.walls.n} runs: {reasons}. Use more repeats, a warm-up "
                               "run, or a quieter machine.")


# -- which mode ------------------------------------------------------------------------


def _median_record(group: RepeatGroup) -> RunRecord:
    """The run whose wall time is nearest its group's median."""
    median = group.walls.median
    return min(group.records, key=lambda r: abs(r.result.wall_s - median))


def _recommend(records: Sequence[RunRecord], history: RunHistory, cores: int,
               unstable: bool = False) -> Finding:
    """The mode to use for these runs' pairs and kernel, with the reason."""
    groups = repeat_groups(records)
    modes = {g.records[0].mode for g in groups}
    caution = " The timings are unstable, so check again before relying on it." \
        if unstable or any(g.walls.unstable for g in groups) else ""
    if len(modes) < 2:
        return Finding("recommendation", _one_mode_advice(groups, cores) + caution)
    serial = next((g for g in groups if g.records[0].mode == "serial"), None)
    if serial is None:
        best = min(groups, key=lambda g: g.walls.median)
        return Finding("recommendation", f"Recommendation: {_group_label(best)} was the "
                                         f"fastest here ({duration(best.walls.median)}); run "
                                         "serial too, to know whether it beats it." + caution)
    others = [g for g in groups if g is not serial]
    held = {id(g): _gil_held(g) for g in others}
    fastest = min(others, key=lambda g: g.walls.median)
    eligible = [g for g in others if held[id(g)] is None] or others
    rival = min(eligible, key=lambda g: g.walls.median)
    gain = _gain(serial, rival)
    doubt = ""
    if held[id(fastest)] is not None and _gain(serial, fastest) >= WORTH_IT:
        doubt = (f" {_group_label(fastest)} measured {times(_gain(serial, fastest))} serial but "
                 f"waited for the GIL {percent(held[id(fastest)])} of the time, so that gain "
                 "cannot come from computing in parallel: repeat to check.")
    if gain < WORTH_IT or held[id(rival)] is not None:
        if doubt and rival is fastest:
            text = "Recommendation: serial for these pairs." + doubt
        else:
            why = _why_slow(_median_record(rival), serial.walls.median)
            text = (f"Recommendation: serial for these pairs. The fastest other mode, "
                    f"{_group_label(rival)}, ran at {times(gain)} serial{why}." + doubt)
        return Finding("recommendation", text + caution)
    mode = rival.records[0].mode
    if mode == "processes":
        reason = "each task computes long enough to pay for start-up and moving data"
    elif mode == "threads":
        reason = "no start-up or pickling to pay, and the kernel lets threads compute at once"
    else:
        reason = "the fastest measured"
    if not doubt and any(held[id(g)] is not None for g in others):
        reason += "; threads wait for the GIL"
    return Finding("recommendation", f"Recommendation: {_group_label(rival)} for these pairs, "
                                     f"{times(gain)} serial: {reason}." + doubt + caution)


def _gain(serial: RepeatGroup, other: RepeatGroup) -> float:
    return serial.walls.median / other.walls.median if other.walls.median > 0 else 0.0


def _gil_held(group: RepeatGroup) -> float | None:
    """For threads held back by the GIL: their wait share (else None)."""
    record = _median_record(group)
    if record.mode != "threads" or record.result.info.workers < 2 or not gil_enabled():
        return None
    measured = _measured(record.result)
    if not _waits(measured):
        return None
    return measured.wait_share


def _why_slow(record: RunRecord, serial_wall: float) -> str:
    """Why a parallel run did not beat serial, briefly (starts with a comma)."""
    result = record.result
    if record.mode == "threads":
        measured = _measured(result)
        if _waits(measured):
            return f", its threads waiting for the GIL {percent(measured.wait_share)} of the time"
        return ", not enough to be worth it" if serial_wall >= result.wall_s else ""
    if _known(result.startup_s) and result.startup_s >= 0.5 * serial_wall:
        return f"; its start-up alone took {duration(result.startup_s)}"
    measured = _measured(result)
    if _waits(measured):
        return f", its workers waiting for a core {percent(measured.wait_share)} of the time"
    if _loses(measured):
        return "; moving the data cost more than computing it"
    return ", not enough to be worth it" if serial_wall >= result.wall_s else ""


def _one_mode_advice(groups: list[RepeatGroup], cores: int) -> str:
    record = _median_record(groups[0])
    mode = record.mode
    if mode == "serial":
        return ("Recommendation: compare modes, to learn whether threads or processes pay "
                "for these pairs.")
    measured = _measured(record.result)
    if mode == "threads" and _waits(measured) and gil_enabled():
        return ("Recommendation: not threads for this CPU-bound work (the GIL lets one run "
                "at a time); compare serial and processes.")
    if mode == "processes" and _loses(measured):
        return ("Recommendation: serial, or more pairs per task: these processes spent more "
                "time moving data than computing.")
    return f"Recommendation: run serial too, to see whether {mode} pay for these pairs."


# -- several runs --------------------------------------------------------------------------


def comparison_findings(records: Iterable[RunRecord], history: RunHistory,
                        cores: int | None = None) -> list[Finding]:
    """What several runs of the same pairs say side by side: each mode's
    findings (its median run's), whether to trust them, and which mode to use."""
    cores = usable_cores() if cores is None else cores
    records = list(records)
    completed = [r for r in records if r.completed]
    if not completed:
        return [Finding("status", "None of these runs completed; findings need completed runs.")]
    workloads: dict[tuple[str, str], list[RunRecord]] = {}
    for record in completed:
        workloads.setdefault((record.fingerprint, record.kernel), []).append(record)
    out: list[Finding] = []
    if len(workloads) > 1:
        out.append(Finding("mixed", f"These runs cover {len(workloads)} different pair lists "
                                    "or kernels; only runs of the same pairs and kernel are "
                                    "compared."))
    if len(completed) < len(records):
        out.append(Finding("status", f"{len(records) - len(completed)} of the runs did not "
                                     "complete and are left out."))
    for members in workloads.values():
        groups = repeat_groups(members)
        for group in groups:
            out += _explain(_median_record(group), history, cores)
        unstable = [g for g in groups if g.walls.n > 1 and g.walls.unstable]
        out += [_unstable_finding(g) for g in unstable]
        if all(g.walls.n == 1 for g in groups) and len(groups) > 1:
            out.append(Finding("repeats", "Each ran once, so how much these times vary is "
                                          "unknown: repeat the runs before trusting small "
                                          "differences."))
        out.append(_recommend(members, history, cores, unstable=bool(unstable)))
    return out


# -- experiments ------------------------------------------------------------------------

def sweep_findings(sweep) -> list[Finding]:
    """A worker sweep's sentence (:func:`gcdapp.core.sweep_result.describe`),
    and its failure if it failed."""
    out = [Finding("sweep", sweep.finding())]
    if sweep.error:
        out.append(Finding("status", f"The sweep failed: {sweep.error}."))
    return out


def leverage_findings(leverage) -> list[Finding]:
    """A leverage map's sentence, and its failure if it failed."""
    out = [Finding("leverage", leverage.finding())]
    if leverage.error:
        out.append(Finding("status", f"The map failed: {leverage.error}."))
    return out


def cell_findings(cell, mode: str) -> list[Finding]:
    """One cell of a leverage map
    (:func:`gcdapp.core.leverage_result.describe_cell`), and what loading it did."""
    from gcdapp.core.leverage_result import describe_cell

    return [Finding("leverage", describe_cell(cell, mode)),
            Finding("recommendation", "Its pairs are loaded, with its kernel, chunk size and "
                                      "mode: press Compare modes (Ctrl+F5) to run them again.")]
