"""A worker sweep and a leverage map as CSV: one row per point, one per cell."""

from __future__ import annotations

import csv
import io

from gcdapp.core.leverage_result import LeverageResult
from gcdapp.core.sweep_result import SweepResult

__all__ = ["leverage_csv", "sweep_csv"]

SWEEP_COLUMNS = (
    "mode", "kernel", "workers", "speedup_median", "speedup_min", "speedup_max",
    "speedup_stdev", "rounds", "wall_median_s", "karp_flatt", "oversubscribed", "unstable",
    "amdahl_serial_fraction", "amdahl_ci_low", "amdahl_ci_high", "usl_sigma", "usl_kappa",
)
LEVERAGE_COLUMNS = (
    "mode", "workers", "kernel", "digits", "chunksize", "speedup", "speedup_min",
    "speedup_max", "speedup_with_startup", "compute_s", "transfer_s", "pairs", "tasks",
    "unstable", "skipped",
)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _text(columns, rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return out.getvalue()


def sweep_csv(result: SweepResult) -> str:
    """One row per point; the fits repeated on every row (blank where none)."""
    a, u = result.amdahl, result.usl
    fit = {
        "amdahl_serial_fraction": a.serial_fraction if a else None,
        "amdahl_ci_low": a.ci[0] if a and a.ci else None,
        "amdahl_ci_high": a.ci[1] if a and a.ci else None,
        "usl_sigma": u.sigma if u else None, "usl_kappa": u.kappa if u else None,
    }
    rows = []
    for p in result.points:
        s = p.speedups
        rows.append(dict(fit, mode=result.mode, kernel=result.kernel, workers=p.workers,
                         speedup_median=s.median if s else None, speedup_min=s.min if s else None,
                         speedup_max=s.max if s else None, speedup_stdev=s.stdev if s else None,
                         rounds=s.n if s else 0, wall_median_s=p.walls.median,
                         karp_flatt=p.karp_flatt, oversubscribed=p.oversubscribed,
                         unstable=p.unstable))
    return _text(SWEEP_COLUMNS, rows)


def leverage_csv(result: LeverageResult) -> str:
    """One row per cell, measured or skipped (with why)."""
    rows = []
    for c in result.cells:
        s, t = c.speedups, c.per_task
        rows.append({
            "mode": result.mode, "workers": result.workers, "kernel": c.key.kernel,
            "digits": c.key.digits, "chunksize": c.key.chunksize, "speedup": c.speedup,
            "speedup_min": s.min if s else None, "speedup_max": s.max if s else None,
            "speedup_with_startup": (c.speedups_with_startup.median
                                     if c.speedups_with_startup else None),
            "compute_s": t.compute_s if t else None, "transfer_s": t.transfer_s if t else None,
            "pairs": c.n_pairs, "tasks": c.n_tasks, "unstable": c.unstable,
            "skipped": c.skipped,
        })
    return _text(LEVERAGE_COLUMNS, rows)
