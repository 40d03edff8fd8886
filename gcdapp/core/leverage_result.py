"""What a leverage map measured: its cells, one sentence, JSON.

A cell is one workload (digits per integer, pairs per task, kernel). Each of
its rounds runs the serial baseline and the chosen mode once, on the same
pairs; the round's speedup is serial's time over the mode's (see
:mod:`gcdapp.core.leverage` for which time), and the cell's speedup is the
median over its rounds, with their spread. Its compute and transfer per task
come from the mode's runs (:func:`gcdapp.core.anatomy.breakdown`, divided by
the run's tasks), median over the rounds. A cell that cannot be measured in
the map's budget (brute force on 20-digit pairs) is *skipped*, with why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from gcdapp.core.stats import Summary

#: Where processes start to pay.
BREAK_EVEN = 1.0


@dataclass(frozen=True, order=True)
class CellKey:
    """Which workload a cell measures; cells sort by kernel, digits, chunk size."""

    kernel: str
    digits: int
    chunksize: int

    @property
    def label(self) -> str:
        return f"{self.kernel}, {self.digits} digits, {self.chunksize} per task"


@dataclass(frozen=True)
class PerTask:
    """Medians over a cell's rounds of the mode's per-task figures (seconds,
    bytes)."""

    compute_s: float
    transfer_s: float
    pickle_s: float
    unpickle_s: float
    bytes_in: float
    bytes_out: float


@dataclass(frozen=True)
class LeverageCell:
    """One cell of the map: measured, or skipped with a reason."""

    key: CellKey
    n_pairs: int = 0
    n_tasks: int = 0
    #: the mode's speedup per round, pool start-up left out (the map's figure)
    speedups: Summary | None = None
    #: the same with the pool's start-up counted in the mode's time
    speedups_with_startup: Summary | None = None
    serial_s: Summary | None = None  # serial's wall per round
    mode_s: Summary | None = None  # the mode's wall less its pool start-up
    startup_s: Summary | None = None  # the mode's pool start-up
    per_task: PerTask | None = None
    #: the calibrated serial cost of one pair, which set ``n_pairs``
    pair_cost_s: float | None = None
    skipped: str | None = None  # why it was not measured
    #: the runs of its median round (serial, then the mode), whole, so that a
    #: click on the cell shows their timelines; in memory only: sessions,
    #: JSON and comparisons leave them out
    runs: tuple = field(default=(), compare=False, repr=False)

    @property
    def measured(self) -> bool:
        return self.speedups is not None

    @property
    def speedup(self) -> float | None:
        return None if self.speedups is None else self.speedups.median

    @property
    def instability(self) -> tuple[str, ...]:
        if self.speedups is None:
            return ()
        return tuple(self.speedups.instability(lambda v: f"{v:.2f}×"))

    @property
    def unstable(self) -> bool:
        return bool(self.instability)

    @property
    def pays(self) -> bool | None:
        """Above the 1.0× line (None when not measured)."""
        return None if self.speedup is None else self.speedup > BREAK_EVEN


@dataclass(frozen=True)
class LeverageResult:
    """A map's cells, in the order they ran; partial when cancelled or failed."""

    mode: str
    workers: int
    cores: int
    rounds: int
    status: str  # "running", "completed", "cancelled", "failed"
    cells: tuple[LeverageCell, ...]
    digits: tuple[int, ...] = ()
    chunksizes: tuple[int, ...] = ()
    kernels: tuple[str, ...] = ()
    seed: int = 0
    error: str | None = None

    def cell(self, kernel: str, digits: int, chunksize: int) -> LeverageCell | None:
        key = CellKey(kernel, digits, chunksize)
        return next((c for c in self.cells if c.key == key), None)

    @property
    def measured(self) -> tuple[LeverageCell, ...]:
        return tuple(c for c in self.cells if c.measured)

    def finding(self) -> str:
        return describe(self)

    def to_json(self) -> dict:
        return leverage_json(self)


def _best_and_worst(cells: Sequence[LeverageCell]) -> tuple[LeverageCell, LeverageCell]:
    ordered = sorted(cells, key=lambda c: c.speedup)
    return ordered[-1], ordered[0]


def describe(result: LeverageResult) -> str:
    """``Processes pay in 5 of 16 cells; best 1.9× (bruteforce, 7 digits, 1
    per task), worst 0.04× (builtin, 7 digits, 1 per task).``"""
    cells = result.measured
    if not cells:
        skipped = sum(1 for c in result.cells if c.skipped)
        return (f"No cell measured: {skipped} cell{'s' if skipped != 1 else ''} skipped (too "
                "slow to measure in the map's budget, or not available)." if skipped
                else "No cell measured yet.")
    above = [c for c in cells if c.pays]
    best, worst = _best_and_worst(cells)
    mode = result.mode[0].upper() + result.mode[1:]
    if not above:
        head = f"{mode} pay in none of the {len(cells)} cells measured"
    elif len(above) == len(cells):
        head = f"{mode} pay in every one of the {len(cells)} cells measured"
    else:
        head = f"{mode} pay in {len(above)} of {len(cells)} cells"
    parts = [f"{head}; best {best.speedup:.2f}× ({best.key.label}), worst "
             f"{worst.speedup:.2f}× ({worst.key.label})."]
    unstable = [c for c in cells if c.unstable]
    if unstable:
        parts.append(f"{len(unstable)} cell{'s are' if len(unstable) != 1 else ' is'} "
                     "unstable by pyperf's rules.")
    skipped = [c for c in result.cells if c.skipped]
    if skipped:
        parts.append(f"{len(skipped)} cell{'s' if len(skipped) != 1 else ''} skipped "
                     "(too slow to measure in the map's budget, or not available).")
    if result.status not in ("completed", "running"):
        parts.append(f"The map was {result.status} before its last cell.")
    return " ".join(parts)


def _duration(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    return f"{seconds * 1e3:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def describe_cell(cell: LeverageCell, mode: str) -> str:
    """One cell in a sentence or two: ``builtin, 7 digits, 1 per task:
    processes ran 0.04× serial (median of 3 rounds), so they do not pay:
    0.3 µs of compute per task against 210.0 µs moving it.``"""
    if cell.skipped:
        return f"{cell.key.label}: skipped, {cell.skipped}."
    if cell.speedup is None:
        return f"{cell.key.label}: not measured yet."
    verdict = "so they pay" if cell.pays else "so they do not pay"
    text = (f"{cell.key.label}: {mode} ran {cell.speedup:.2f}× serial (median of "
            f"{cell.speedups.n} round{'s' if cell.speedups.n != 1 else ''}, "
            f"{cell.n_pairs:,} pairs in {cell.n_tasks:,} tasks), {verdict}")
    t = cell.per_task
    if t is not None:
        text += (f": {_duration(t.compute_s)} of compute per task against "
                 f"{_duration(t.transfer_s)} moving it")
    text += "."
    if cell.unstable:
        text += " Its rounds are unstable by pyperf's rules."
    return text


# -- JSON ------------------------------------------------------------------------------

def _summary(s: Summary | None) -> dict | None:
    return None if s is None else s.as_json()


def cell_json(c: LeverageCell) -> dict:
    t = c.per_task
    return {
        "digits": c.key.digits,
        "chunksize": c.key.chunksize,
        "kernel": c.key.kernel,
        "speedup": c.speedup,
        "compute_s": None if t is None else t.compute_s,
        "transfer_s": None if t is None else t.transfer_s,
        "pickle_s": None if t is None else t.pickle_s,
        "unpickle_s": None if t is None else t.unpickle_s,
        "bytes_in": None if t is None else t.bytes_in,
        "bytes_out": None if t is None else t.bytes_out,
        "pairs": c.n_pairs,
        "tasks": c.n_tasks,
        "pair_cost_s": c.pair_cost_s,
        "unstable": c.unstable,
        "instability": list(c.instability),
        "skipped": c.skipped,
        "speedup_min": c.speedups.min if c.speedups else None,
        "speedup_max": c.speedups.max if c.speedups else None,
        "speedup_with_startup": (c.speedups_with_startup.median
                                 if c.speedups_with_startup else None),
        "speedups": _summary(c.speedups),
        "serial_s": _summary(c.serial_s),
        "mode_s": _summary(c.mode_s),
        "startup_s": _summary(c.startup_s),
    }


def leverage_json(result: LeverageResult) -> dict:
    """``{"mode", "cells": [{"digits", "chunksize", "kernel", "speedup",
    "compute_s", "transfer_s", "pairs", "unstable", ...}], ...}``; the per-task
    figures are seconds (bytes) per task of the mode's runs."""
    return {
        "mode": result.mode,
        "workers": result.workers,
        "cores": result.cores,
        "rounds": result.rounds,
        "status": result.status,
        "error": result.error,
        "seed": result.seed,
        "digits": list(result.digits),
        "chunksizes": list(result.chunksizes),
        "kernels": list(result.kernels),
        "speedup_excludes_startup": True,
        "cells": [cell_json(c) for c in result.cells],
        "finding": result.finding(),
    }
