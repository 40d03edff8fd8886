"""pyperf JSON: runs and sweeps written with the pyperf library, so that
``python -m pyperf stats`` and ``compare_to`` read them, and read back.

One pyperf benchmark per mode (a set of runs) or per point (a sweep: the
serial baseline is the benchmark ``serial``, each worker count one such as
``processes ×2``). Each measured run is one pyperf run whose one value is
its wall time in seconds, with metadata: the Python, this machine's CPU
count and usable cores, its platform (the OS kernel), the gcd kernel, mode,
workers, chunk size, start method, pairs and tasks, start-up and shutdown,
and ``gcdapp_version``, which marks a file as gcdapp's.

pyperf is imported only when a file is written or read; without it these
raise :class:`PyperfError` saying how to install it.
"""

from __future__ import annotations

import io
import math
import os
import platform
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from gcdapp import __version__
from gcdapp.core.atomic import atomic_write_text
from gcdapp.core.events import RunInfo, RunResult, TaskBatch
from gcdapp.core.python_info import PythonInfo
from gcdapp.core.system import usable_cores

#: The largest pyperf file :func:`read_pyperf` reads.
MAX_PYPERF_BYTES = 64 * 1024 * 1024
#: The metadata key that marks a benchmark as written by gcdapp.
MARKER = "gcdapp_version"


class PyperfError(ValueError):
    """A pyperf file that cannot be written or read, said for a user."""


@dataclass(frozen=True)
class PerfGroup:
    """Measured runs of the same settings: one pyperf benchmark."""

    name: str
    info: RunInfo
    walls: tuple[float, ...]
    startups: tuple[float, ...] = ()
    shutdowns: tuple[float, ...] = ()
    rounds: tuple[int, ...] = ()  # a sweep's round of each run (0-based)
    extra: dict = field(default_factory=dict)  # more metadata for every run


def _pyperf():
    try:
        import pyperf
    except ImportError:
        raise PyperfError("pyperf export needs the pyperf package: "
                          "python -m pip install pyperf") from None
    return pyperf


def _label(info: RunInfo) -> str:
    return info.mode if info.workers <= 1 and info.mode == "serial" else (
        f"{info.mode} ×{info.workers}")


def _key(info: RunInfo) -> tuple:
    return (info.mode, info.workers, info.kernel, info.chunksize, info.start_method,
            info.n_pairs)


def run_groups(results: Iterable[RunResult], fingerprint: str | None = None) -> list[PerfGroup]:
    """The completed runs among ``results``, one group per mode, workers,
    kernel, chunk size and start method, in order of first run. Names are
    ``processes ×2``, with the kernel and chunk size added where two groups
    would share a name."""
    groups: dict[tuple, list[RunResult]] = {}
    for result in results:
        if result.status == "completed":
            groups.setdefault(_key(result.info), []).append(result)
    names = [_label(rs[0].info) for rs in groups.values()]
    extra = {"pairs_fingerprint": fingerprint} if fingerprint else {}
    out = []
    for name, runs in zip(names, groups.values()):
        info = runs[0].info
        if names.count(name) > 1:
            name = f"{name} [{info.kernel}, chunk {info.chunksize}]"
        out.append(PerfGroup(name, info, tuple(r.wall_s for r in runs),
                             tuple(r.startup_s for r in runs),
                             tuple(r.shutdown_s for r in runs), extra=extra))
    return out


def sweep_groups(sweep, fingerprint: str | None = None) -> list[PerfGroup]:
    """A :class:`~gcdapp.core.sweep_result.SweepResult` as groups: the
    baseline (``serial``), then one per point."""
    by_workers: dict[int, list] = {}
    for m in sweep.measurements:
        by_workers.setdefault(m.workers, []).append(m)
    extra = {"sweep_mode": sweep.mode, "sweep_cores": sweep.cores}
    if sweep.order_seed is not None:
        extra["sweep_order_seed"] = sweep.order_seed
    if fingerprint:
        extra["pairs_fingerprint"] = fingerprint
    out = []
    for workers in sorted(by_workers):
        ms = by_workers[workers]
        info = ms[0].info
        out.append(PerfGroup(
            _label(info), info, tuple(m.wall_s for m in ms), tuple(m.startup_s for m in ms),
            tuple(m.shutdown_s for m in ms), tuple(m.round for m in ms),
            extra=dict(extra, sweep_workers=workers,
                       oversubscribed=int(workers > sweep.cores) if workers else 0)))
    return out


def leverage_groups(result) -> list[PerfGroup]:
    """A :class:`~gcdapp.core.leverage_result.LeverageResult` as groups: for
    each measured cell, its serial baseline and its mode (wall less the
    pool's start-up, the map's figure), named ``serial [builtin, 7 digits,
    chunk 10]`` and ``processes ×2 [builtin, 7 digits, chunk 10]``."""
    out = []
    for cell in result.measured:
        key = cell.key
        where = f"[{key.kernel}, {key.digits} digits, chunk {key.chunksize}]"
        extra = {"leverage_digits": key.digits, "leverage_seed": result.seed,
                 "leverage_mode": result.mode}
        base = RunInfo("serial", key.kernel, 1, key.chunksize, None, cell.n_pairs,
                       cell.n_tasks)
        mode = RunInfo(result.mode, key.kernel, result.workers, key.chunksize, None,
                       cell.n_pairs, cell.n_tasks)
        out.append(PerfGroup(f"serial {where}", base, cell.serial_s.values, extra=extra))
        startups = cell.startup_s.values if cell.startup_s else ()
        out.append(PerfGroup(f"{_label(mode)} {where}", mode, cell.mode_s.values, startups,
                             extra=extra))
    return out


def _common_metadata() -> dict:
    return {
        "unit": "second",
        "python_version": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "cpu_count": os.cpu_count() or 1,
        "usable_cores": usable_cores(),
        "platform": platform.platform(),
        MARKER: __version__,
    }


def _run_metadata(group: PerfGroup, i: int, common: dict) -> dict:
    info = group.info
    meta = dict(common, name=group.name, mode=info.mode, kernel=info.kernel,
                workers=info.workers, chunksize=info.chunksize, n_pairs=info.n_pairs,
                n_tasks=info.n_tasks)
    if info.start_method:
        meta["start_method"] = info.start_method
    if info.python is not None:  # the interpreter the run's workers ran in
        meta.update(python_version=info.python.version,
                    python_executable=info.python.executable,
                    python_free_threaded_build=int(info.python.free_threaded_build),
                    python_gil_enabled=int(info.python.gil_enabled))
    for key, values in (("startup_s", group.startups), ("shutdown_s", group.shutdowns)):
        if i < len(values) and math.isfinite(values[i]) and values[i] >= 0:
            meta[key] = float(values[i])
    if i < len(group.rounds):
        meta["sweep_round"] = group.rounds[i] + 1
    meta.update({k: v for k, v in group.extra.items() if v is not None})
    return meta


def pyperf_text(groups: Sequence[PerfGroup]) -> str:
    """The pyperf JSON of ``groups``, made by pyperf itself."""
    pyperf = _pyperf()
    if not groups:
        raise PyperfError("nothing to export: no completed runs")
    common = _common_metadata()
    benchmarks = []
    for group in groups:
        runs = []
        for i, wall in enumerate(group.walls):
            if not wall > 0:
                raise PyperfError(f"{group.name}: run {i + 1} has no positive wall time "
                                  f"({wall!r}); pyperf takes only positive values")
            runs.append(pyperf.Run([float(wall)], metadata=_run_metadata(group, i, common),
                                   collect_metadata=False))
        benchmarks.append(pyperf.Benchmark(runs))
    out = io.StringIO()
    pyperf.BenchmarkSuite(benchmarks).dump(out, compact=False)
    return out.getvalue()


def write_pyperf(path: str | os.PathLike, groups: Sequence[PerfGroup]) -> None:
    """Write ``groups`` as pyperf JSON, atomically."""
    atomic_write_text(path, pyperf_text(groups))


# -- reading back -------------------------------------------------------------------

def _python(meta: dict, where: str) -> PythonInfo | None:
    """The run's interpreter, when the file says (files from before it did: None)."""
    if "python_gil_enabled" not in meta:
        return None
    flags = {k: _field(meta, k, (int,), where) for k in
             ("python_free_threaded_build", "python_gil_enabled")}
    return PythonInfo(
        version=_field(meta, "python_version", (str,), where),
        executable=_field(meta, "python_executable", (str,), where),
        free_threaded_build=bool(flags["python_free_threaded_build"]),
        gil_enabled=bool(flags["python_gil_enabled"]),
        implementation=str(meta.get("python_implementation", "cpython")).lower(),
    )


@dataclass(frozen=True)
class ImportedRun:
    """One run of a gcdapp pyperf file: its settings and timings. pyperf
    keeps no per-pair results, so :meth:`to_result` has none."""

    benchmark: str
    info: RunInfo
    wall_s: float
    startup_s: float = 0.0
    shutdown_s: float = 0.0
    fingerprint: str | None = None
    sweep_round: int | None = None  # 1-based, for a sweep's runs

    def to_result(self) -> RunResult:
        """A completed :class:`RunResult` with these timings and no tasks
        (``done`` is all False: the results were not exported)."""
        n = self.info.n_pairs
        empty_i = np.zeros(0, dtype=np.int64)
        tasks = TaskBatch(start=empty_i, count=empty_i.copy(), t_start=np.zeros(0),
                          t_end=np.zeros(0), lane=np.zeros(0, dtype=np.int32), lanes=(),
                          pair_index=empty_i.copy(), gcd=empty_i.copy())
        return RunResult(info=self.info, status="completed", results=np.zeros(n, np.int64),
                         done=np.zeros(n, bool), tasks=tasks, wall_s=self.wall_s,
                         startup_s=self.startup_s, shutdown_s=self.shutdown_s)


def _field(meta: dict, key: str, kinds, where: str, *, optional=False, positive=False):
    if key not in meta:
        if optional:
            return None
        raise PyperfError(f"{where}: the metadata has no {key!r}")
    value = meta[key]
    if type(value) not in kinds or (positive and not value > 0) or (
            type(value) is float and not math.isfinite(value)):
        want = " or ".join(k.__name__ for k in kinds)
        raise PyperfError(f"{where}: metadata {key!r} should be "
                          f"{'a positive ' if positive else 'a '}{want}, not {value!r}")
    return value


def read_pyperf(path: str | os.PathLike) -> list[ImportedRun]:
    """The runs of a pyperf file gcdapp wrote. PyperfError (with the
    benchmark and run) for anything else: not JSON, not pyperf's, not
    gcdapp's, or a run whose settings are missing or malformed."""
    from gcdapp.core.files import display_name, read_regular

    name = display_name(path)
    try:
        data = read_regular(path, MAX_PYPERF_BYTES)
    except OSError as exc:
        raise PyperfError(f"{name}: cannot read: {exc.strerror or exc}") from None
    return parse_pyperf(data, name)


def parse_pyperf(data: bytes | str, name: str = "pyperf file") -> list[ImportedRun]:
    pyperf = _pyperf()
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        suite = pyperf.BenchmarkSuite.loads(text)
    except UnicodeDecodeError:
        raise PyperfError(f"{name}: not UTF-8 text, so not a pyperf JSON file") from None
    except ValueError as exc:  # json's errors are ValueErrors
        raise PyperfError(f"{name}: not a pyperf JSON file: {exc}") from None
    except (KeyError, TypeError, AttributeError, IndexError) as exc:
        raise PyperfError(f"{name}: not a pyperf JSON file (missing or malformed "
                          f"{exc})") from None
    out = []
    for bench in suite:
        bench_name = bench.get_name()
        for i, run in enumerate(bench.get_runs()):
            where = f"{name}: benchmark {bench_name!r}, run {i + 1}"
            meta = run.get_metadata()
            if MARKER not in meta:
                raise PyperfError(f"{where}: not written by gcdapp (no {MARKER!r} metadata)")
            values = run.values
            if len(values) != 1:
                raise PyperfError(f"{where}: has {len(values)} values; gcdapp writes one "
                                  "wall time per run")
            info = RunInfo(
                mode=_field(meta, "mode", (str,), where),
                kernel=_field(meta, "kernel", (str,), where),
                workers=_field(meta, "workers", (int,), where, positive=True),
                chunksize=_field(meta, "chunksize", (int,), where, positive=True),
                start_method=_field(meta, "start_method", (str,), where, optional=True),
                n_pairs=_field(meta, "n_pairs", (int,), where),
                n_tasks=_field(meta, "n_tasks", (int,), where),
                python=_python(meta, where),
            )
            if info.n_pairs < 0 or info.n_tasks < 0:
                raise PyperfError(f"{where}: negative pair or task count")
            seconds = {k: _field(meta, k, (int, float), where, optional=True)
                       for k in ("startup_s", "shutdown_s")}
            if any(v is not None and v < 0 for v in seconds.values()):
                raise PyperfError(f"{where}: negative start-up or shutdown time")
            out.append(ImportedRun(
                bench_name, info, float(values[0]), float(seconds["startup_s"] or 0.0),
                float(seconds["shutdown_s"] or 0.0),
                _field(meta, "pairs_fingerprint", (str,), where, optional=True),
                _field(meta, "sweep_round", (int,), where, optional=True)))
    return out
