"""Turning run results into a text table and JSON records."""

from __future__ import annotations

import math
from dataclasses import asdict

from gcdapp import __version__
from gcdapp.core.anatomy import breakdown, lane_usage
from gcdapp.core.events import RunResult
from gcdapp.core.python_info import this_python
from gcdapp.core.stats import Summary


def mode_record(results: list[RunResult]) -> dict:
    """One mode's repeats as a JSON-ready dict."""
    info = results[0].info
    walls = Summary.of([r.wall_s for r in results])
    startups = Summary.of([r.startup_s for r in results])
    shutdowns = Summary.of([r.shutdown_s for r in results])
    typical = breakdown(median_repeat(results))
    return {
        "mode": info.mode,
        "workers": info.workers,
        "kernel": info.kernel,
        "chunksize": info.chunksize,
        "start_method": info.start_method,
        "n_pairs": info.n_pairs,
        "n_tasks": info.n_tasks,
        "results": results[0].result_list(),
        "wall_s": walls.median,
        "min_s": walls.min,
        "max_s": walls.max,
        "mean_s": walls.mean,
        "stdev_s": walls.stdev,
        "runs": [r.wall_s for r in results],
        # pyperf's rules: stdev ≥ 10 % of the mean, or min/max ≥ 50 % from it
        "unstable": walls.unstable,
        "instability": walls.instability(),
        "startup_s": startups.median,
        "startup_runs": [r.startup_s for r in results],
        "shutdown_s": shutdowns.median,
        "shutdown_runs": [r.shutdown_s for r in results],
        # per run, per lane (a worker): seconds until it was ready, null if unknown
        "lane_startup_runs": [_lane_startups(r) for r in results],
        # the median repeat's (by wall time), summed over its tasks
        "breakdown": {k: v for k, v in asdict(typical).items() if k != "task_wall_s"},
        "wait_share": typical.wait_share,
        # Per worker, CPU time against wall time inside its tasks: a starved
        # worker (or a thread waiting for the GIL) shows as CPU well below wall.
        "lanes": [{"label": u.label, "tasks": u.tasks, "wall_s": u.wall_s, "cpu_s": u.cpu_s}
                  for u in lane_usage(median_repeat(results))],
        # the interpreter its workers ran in, as observed there
        "python": _python_record(results[0]),
        "gcdapp": __version__,
        # dask: the cluster (its start-up, apart from the runs, is the first
        # run's start_s); null for the other modes
        "cluster": info.cluster.to_json() if info.cluster else None,
        # what the backend reported that did not end a run (a lost worker)
        "notes": [note for r in results for note in r.notes],
    }


def _python_record(result: RunResult) -> dict:
    if result.python is not None:
        return result.python.to_json()
    return this_python().to_json()


def median_repeat(results: list[RunResult]) -> RunResult:
    """The repeat whose wall time is the median (the lower middle one for an
    even count): the run the breakdown describes."""
    ordered = sorted(results, key=lambda r: r.wall_s)
    return ordered[(len(ordered) - 1) // 2]


def _lane_startups(result: RunResult) -> list[float | None]:
    return [v if math.isfinite(v) else None for v in map(float, result.lane_startup_s)]


def _seconds(value: float) -> str:
    return f"{value:.3f} s"


def _spread(record: dict) -> str:
    if len(record["runs"]) < 2 or record["mean_s"] <= 0:
        return "—"
    mark = " !" if record["unstable"] else ""
    return f"{record['stdev_s'] / record['mean_s']:.0%}{mark}"


def format_warnings(records: list[dict]) -> list[str]:
    """A line for each mode whose repeats cannot be trusted (pyperf's rules)."""
    return [
        f"warning: {r['mode']} is unstable over {len(r['runs'])} runs: "
        + "; ".join(r["instability"])
        + ". Use more --repeat, --warm-up, or a quieter machine."
        for r in records if r["unstable"]
    ]


def format_findings(findings) -> list[str]:
    """The findings under the table: a heading and one line each. Unstable
    repeats are left to :func:`format_warnings`, which names them above."""
    lines = [f"- {f.text}" for f in findings if f.kind != "unstable"]
    return ["", "findings:", *lines] if lines else []


def format_table(records: list[dict]) -> str:
    """A plain-text table, one row per mode."""
    headers = ["mode", "workers", "chunk", "wall (median)", "min", "max", "± (sd)", "start-up",
               "speedup"]
    rows = []
    for r in records:
        speedup = r.get("speedup")
        rows.append([
            r["mode"],
            str(r["workers"]),
            str(r["chunksize"]),
            _seconds(r["wall_s"]),
            _seconds(r["min_s"]),
            _seconds(r["max_s"]),
            _spread(r),
            _seconds(r["startup_s"]),
            "—" if speedup is None else f"{speedup:.2f}×",
        ])
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]

    def line(cells):
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths))
        )

    return "\n".join([line(headers), line(["─" * w for w in widths]), *map(line, rows)])


def format_cluster(record: dict) -> list[str]:
    """Lines about a mode's cluster (dask): where, its workers, its start-up
    (apart from the runs) and the dashboard's link; and the backend's notes."""
    lines = []
    cluster = record.get("cluster")
    if cluster:
        kind = "local cluster" if cluster["local"] else "scheduler"
        started = (f"; started in {cluster['start_s']:.2f} s (not in the runs' times)"
                   if cluster["start_s"] else "; already running")
        lines.append(f"{record['mode']}: {kind} {cluster['scheduler']}, "
                     f"{len(cluster['workers'])} workers ({', '.join(cluster['workers'])})"
                     f"{started}")
        if cluster.get("dashboard"):
            lines.append(f"{record['mode']}: dashboard {cluster['dashboard']}")
        if cluster.get("clock_corrected"):
            lines.append(f"{record['mode']}: task times corrected by each worker's clock offset")
    lines += [f"{record['mode']}: {note}" for note in record.get("notes", [])]
    return lines
