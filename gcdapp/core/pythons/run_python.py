"""The interpreter a finished run ran in, as its result records it.

Each run carries ``python``: ``{"version", "executable",
"free_threaded_build", "gil_enabled"}`` (and optionally ``"label"``), as
observed inside the worker. Runs recorded before that existed (or without
it) ran in the Python gcdapp runs on, so that one's facts stand in.
"""

from __future__ import annotations

from gcdapp.core.python_info import PythonInfo, this_python
from gcdapp.core.pythons.label import python_label


def running_python() -> dict:
    """The record of the Python this process runs on (no probe needed)."""
    return this_python().to_json()


def record_label(record: dict) -> str:
    """``3.11.9``, ``3.13.0``, ``3.14.2t free-threaded, GIL off``."""
    if isinstance(record.get("label"), str) and record["label"]:
        return record["label"]
    return python_label(str(record.get("version") or "?"),
                        implementation=str(record.get("implementation") or "cpython"),
                        free_threaded_build=bool(record.get("free_threaded_build")),
                        gil_enabled=bool(record.get("gil_enabled", True)))


def running_label() -> str:
    return record_label(running_python())


def run_python(result) -> dict:
    """``result``'s python record, or the running Python's for a run without one."""
    record = getattr(result, "python", None)
    if isinstance(record, PythonInfo):  # as the engine records it
        return record.to_json()
    if isinstance(record, dict) and record.get("version"):
        return record
    return running_python()


def short_label(record: dict) -> str:
    """The runs table's form: ``3.11.9``, ``3.14.2t GIL off``."""
    version = str(record.get("version") or "?")
    if record.get("free_threaded_build"):
        return f"{version}t GIL {'on' if record.get('gil_enabled', True) else 'off'}"
    return version if record.get("gil_enabled", True) else f"{version} GIL off"


def run_label(result) -> str:
    return record_label(run_python(result))


def mixes_pythons(results) -> bool:
    """Whether ``results`` ran in more than one interpreter."""
    seen = {(r.get("executable"), r.get("version"), r.get("gil_enabled"))
            for r in map(run_python, results)}
    return len(seen) > 1
