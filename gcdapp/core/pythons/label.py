"""The short name a run carries for its interpreter: "3.13.0",
"3.14.2t free-threaded, GIL off", "PyPy 3.10.14"."""

from __future__ import annotations

_IMPLEMENTATION_NAMES = {"cpython": "", "pypy": "PyPy", "graalpy": "GraalPy"}


def python_label(version: str, *, implementation: str = "cpython",
                 free_threaded_build: bool = False, gil_enabled: bool = True) -> str:
    """Label from facts observed in that interpreter (the probe, or a worker)."""
    name = _IMPLEMENTATION_NAMES.get(implementation, implementation)
    text = f"{name} {version}".strip()
    if free_threaded_build:
        text += f"t free-threaded, GIL {'on' if gil_enabled else 'off'}"
    elif not gil_enabled:  # not a free-threaded build, yet no GIL: say so
        text += ", GIL off"
    return text


def label(result) -> str:
    """Label of a :class:`~gcdapp.core.pythons.probe.ProbeResult`."""
    if result.error is not None or result.version is None:
        return "unknown (probe failed)"
    return python_label(result.version, implementation=result.implementation or "cpython",
                        free_threaded_build=result.free_threaded_build,
                        gil_enabled=result.gil_enabled)
