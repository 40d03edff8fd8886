"""A worker sweep and a leverage map as a session keeps them, and read back.

A sweep is kept as its measurements (every measured run: worker count, round,
wall, start-up and shutdown times, and what the run resolved), so that its
points and fits are rebuilt exactly as they were made
(:func:`gcdapp.core.sweep_result.build_result`). A map is kept cell by cell
with every raw value of its summaries. Both forms are plain JSON::

    {"mode": "processes", "kernel": "bruteforce", "n_pairs": 10, "cores": 2,
     "repeats": 3, "status": "completed", "error": null, "order_seed": 7,
     "measurements": [{"workers": 0, "round": 0, "wall_s": 0.5, "startup_s": 0.0,
                       "shutdown_s": 0.0, "info": {"mode": "serial", ...}}, ...]}

    {"mode": "processes", "workers": 2, "cores": 2, "rounds": 3,
     "status": "completed", "error": null, "seed": 0, "digits": [3, 7],
     "chunksizes": [1, 10], "kernels": ["builtin"],
     "cells": [{"kernel": "builtin", "digits": 3, "chunksize": 1, "n_pairs": 40,
                "n_tasks": 40, "speedups": [1.1, 0.9, 1.0], ...,
                "per_task": {"compute_s": ..., ...}, "pair_cost_s": ..., "skipped": null}]}

Reading checks every field and raises :class:`ExperimentFormatError`, whose
message names the field (``cells[3].speedups[1] should be a number, not
text``). Nothing is evaluated.
"""

from __future__ import annotations

import math
from typing import Any

from gcdapp.core.events import RunInfo
from gcdapp.core.python_info import PythonInfo
from gcdapp.core.json_kind import kind_of
from gcdapp.core.leverage_result import CellKey, LeverageCell, LeverageResult, PerTask
from gcdapp.core.stats import Summary
from gcdapp.core.sweep_result import Measurement, SweepResult, build_result

__all__ = [
    "ExperimentFormatError", "leverage_from_json", "leverage_to_json", "sweep_from_json",
    "sweep_to_json",
]

_STATUSES = ("completed", "cancelled", "failed", "running")
_SUMMARIES = ("speedups", "speedups_with_startup", "serial_s", "mode_s", "startup_s")
_PER_TASK = ("compute_s", "transfer_s", "pickle_s", "unpickle_s", "bytes_in", "bytes_out")


class ExperimentFormatError(ValueError):
    """A kept sweep or map is not what gcdapp writes; the message says where
    (``where``: the field, empty for the whole; ``what``: what is wrong)."""

    def __init__(self, where: str, what: str):
        super().__init__(f"{where or 'it'} {what}")
        self.where = where
        self.what = what


# -- writing ----------------------------------------------------------------------

def _info(info: RunInfo) -> dict:
    return {"mode": info.mode, "kernel": info.kernel, "workers": info.workers,
            "chunksize": info.chunksize, "start_method": info.start_method,
            "n_pairs": info.n_pairs, "n_tasks": info.n_tasks,
            **({"python": info.python.to_json()} if info.python is not None else {})}


def sweep_to_json(result: SweepResult) -> dict:
    return {
        "mode": result.mode, "kernel": result.kernel, "n_pairs": result.n_pairs,
        "cores": result.cores, "repeats": result.repeats, "status": result.status,
        "error": result.error, "order_seed": result.order_seed,
        "measurements": [{"workers": m.workers, "round": m.round, "wall_s": m.wall_s,
                          "startup_s": m.startup_s, "shutdown_s": m.shutdown_s,
                          "info": _info(m.info)} for m in result.measurements],
    }


def _values(s: Summary | None) -> list[float] | None:
    return None if s is None else list(s.values)


def leverage_to_json(result: LeverageResult) -> dict:
    cells = []
    for c in result.cells:
        cell = {"kernel": c.key.kernel, "digits": c.key.digits, "chunksize": c.key.chunksize,
                "n_pairs": c.n_pairs, "n_tasks": c.n_tasks, "pair_cost_s": c.pair_cost_s,
                "skipped": c.skipped}
        cell.update({name: _values(getattr(c, name)) for name in _SUMMARIES})
        t = c.per_task
        cell["per_task"] = None if t is None else {f: getattr(t, f) for f in _PER_TASK}
        cells.append(cell)
    return {
        "mode": result.mode, "workers": result.workers, "cores": result.cores,
        "rounds": result.rounds, "status": result.status, "error": result.error,
        "seed": result.seed, "digits": list(result.digits),
        "chunksizes": list(result.chunksizes), "kernels": list(result.kernels),
        "cells": cells,
    }


# -- reading ----------------------------------------------------------------------

class _Reader:
    def fail(self, where: str, what: str):
        raise ExperimentFormatError(where, what)

    def obj(self, value: Any, where: str) -> dict:
        if not isinstance(value, dict):
            self.fail(where, f"should be an object, not {kind_of(value)}")
        return value

    def get(self, obj: dict, key: str, where: str) -> Any:
        if key not in obj:
            self.fail(f"{where}.{key}" if where else key, "is missing")
        return obj[key]

    def integer(self, obj: dict, key: str, where: str, minimum: int | None = None) -> int:
        value = self.get(obj, key, where)
        here = f"{where}.{key}" if where else key
        if type(value) is not int:
            self.fail(here, f"should be a whole number, not {kind_of(value)}")
        if minimum is not None and value < minimum:
            self.fail(here, f"should be at least {minimum}, not {value}")
        return value

    def text(self, obj: dict, key: str, where: str, optional: bool = False) -> str | None:
        value = self.get(obj, key, where) if not optional else obj.get(key)
        if value is None and optional:
            return None
        if not isinstance(value, str):
            self.fail(f"{where}.{key}" if where else key, f"should be text, not {kind_of(value)}")
        return value

    def number(self, value: Any, where: str, optional: bool = False) -> float | None:
        if value is None and optional:
            return None
        if type(value) not in (int, float) or not math.isfinite(value):
            self.fail(where, f"should be a number, not {kind_of(value)}")
        return float(value)

    def seconds(self, obj: dict, key: str, where: str) -> float:
        value = self.number(self.get(obj, key, where), f"{where}.{key}")
        if value < 0:
            self.fail(f"{where}.{key}", f"should not be negative, got {value}")
        return value

    def status(self, obj: dict) -> str:
        status = self.text(obj, "status", "")
        if status not in _STATUSES:
            self.fail("status", f"should be one of {', '.join(_STATUSES)}, not {status!r}")
        return status

    def ints(self, obj: dict, key: str) -> tuple[int, ...]:
        value = self.get(obj, key, "")
        if not isinstance(value, list) or any(type(v) is not int for v in value):
            self.fail(key, "should be a list of whole numbers")
        return tuple(value)

    def summary(self, value: Any, where: str) -> Summary | None:
        if value is None:
            return None
        if not isinstance(value, list) or not value:
            self.fail(where, f"should be a non-empty list of numbers, not {kind_of(value)}")
        return Summary.of([self.number(v, f"{where}[{i}]") for i, v in enumerate(value)])

    def info(self, value: Any, where: str) -> RunInfo:
        obj = self.obj(value, where)
        return RunInfo(
            mode=self.text(obj, "mode", where), kernel=self.text(obj, "kernel", where),
            workers=self.integer(obj, "workers", where, 1),
            chunksize=self.integer(obj, "chunksize", where, 1),
            start_method=self.text(obj, "start_method", where, optional=True),
            n_pairs=self.integer(obj, "n_pairs", where, 0),
            n_tasks=self.integer(obj, "n_tasks", where, 0),
            python=self.python(obj.get("python"), f"{where}.python"))

    def python(self, value: Any, where: str) -> PythonInfo | None:
        """The interpreter a measurement ran in; older files lack it (None)."""
        if value is None:
            return None
        try:
            return PythonInfo.from_json(value)
        except ValueError as exc:
            self.fail(where, str(exc))


def sweep_from_json(value: Any) -> SweepResult:
    """The sweep :func:`sweep_to_json` wrote, with its points and fits rebuilt."""
    r = _Reader()
    doc = r.obj(value, "")
    measurements = []
    items = r.get(doc, "measurements", "")
    if not isinstance(items, list):
        r.fail("measurements", f"should be a list, not {kind_of(items)}")
    for i, item in enumerate(items):
        w = f"measurements[{i}]"
        m = r.obj(item, w)
        measurements.append(Measurement(
            workers=r.integer(m, "workers", w, 0), round=r.integer(m, "round", w, 0),
            info=r.info(r.get(m, "info", w), f"{w}.info"), wall_s=r.seconds(m, "wall_s", w),
            startup_s=r.seconds(m, "startup_s", w), shutdown_s=r.seconds(m, "shutdown_s", w)))
    seed = doc.get("order_seed")
    if seed is not None and type(seed) is not int:
        r.fail("order_seed", f"should be a whole number, not {kind_of(seed)}")
    return build_result(
        mode=r.text(doc, "mode", ""), kernel=r.text(doc, "kernel", ""),
        n_pairs=r.integer(doc, "n_pairs", "", 0), cores=r.integer(doc, "cores", "", 1),
        repeats=r.integer(doc, "repeats", "", 1), status=r.status(doc),
        measurements=measurements, error=r.text(doc, "error", "", optional=True),
        order_seed=seed)


def leverage_from_json(value: Any) -> LeverageResult:
    """The map :func:`leverage_to_json` wrote."""
    r = _Reader()
    doc = r.obj(value, "")
    kernels = r.get(doc, "kernels", "")
    if not isinstance(kernels, list) or any(not isinstance(k, str) for k in kernels):
        r.fail("kernels", "should be a list of kernel names")
    items = r.get(doc, "cells", "")
    if not isinstance(items, list):
        r.fail("cells", f"should be a list, not {kind_of(items)}")
    cells = []
    for i, item in enumerate(items):
        w = f"cells[{i}]"
        c = r.obj(item, w)
        key = CellKey(r.text(c, "kernel", w), r.integer(c, "digits", w, 1),
                      r.integer(c, "chunksize", w, 1))
        per_task = c.get("per_task")
        if per_task is not None:
            t = r.obj(per_task, f"{w}.per_task")
            per_task = PerTask(*(r.number(r.get(t, f, f"{w}.per_task"), f"{w}.per_task.{f}")
                                 for f in _PER_TASK))
        summaries = {name: r.summary(c.get(name), f"{w}.{name}") for name in _SUMMARIES}
        cells.append(LeverageCell(
            key, n_pairs=r.integer(c, "n_pairs", w, 0), n_tasks=r.integer(c, "n_tasks", w, 0),
            per_task=per_task,
            pair_cost_s=r.number(c.get("pair_cost_s"), f"{w}.pair_cost_s", optional=True),
            skipped=r.text(c, "skipped", w, optional=True), **summaries))
    return LeverageResult(
        mode=r.text(doc, "mode", ""), workers=r.integer(doc, "workers", "", 1),
        cores=r.integer(doc, "cores", "", 1), rounds=r.integer(doc, "rounds", "", 1),
        status=r.status(doc), cells=tuple(cells), digits=r.ints(doc, "digits"),
        chunksizes=r.ints(doc, "chunksizes"), kernels=tuple(kernels),
        seed=r.integer(doc, "seed", "", 0), error=r.text(doc, "error", "", optional=True))
