"""Which runs a press of Run or Compare modes makes, and in what order.

Modes are compared interleaved by default (A B C A B C …, not A A A B B B):
when this machine's speed drifts, the drift then falls on every mode alike.
A warm-up run of each spec, first, is run but not recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

from gcdapp.core import backends
from gcdapp.core.run_settings import RunSettings
from gcdapp.core.run_spec import RunSpec

#: The modes Compare modes runs, where they are registered.
COMPARED_MODES = ("serial", "threads", "processes")


@dataclass(frozen=True)
class Plan:
    """Runs in order: ``warm_up`` ones first (not recorded), then ``runs``."""

    runs: tuple[RunSpec, ...]
    warm_up: tuple[RunSpec, ...] = ()


def _ordered(specs: list[RunSpec], settings: RunSettings) -> Plan:
    rounds = settings.repeats
    runs = specs * rounds if settings.interleave else [s for s in specs for _ in range(rounds)]
    return Plan(tuple(runs), tuple(specs) if settings.warm_up else ())


def run_plan(settings: RunSettings) -> Plan:
    """The settings' run, ``repeats`` times."""
    return _ordered([settings.run_spec()], settings)


def modes_plan(settings: RunSettings, modes) -> Plan:
    """Each of ``modes`` with the other settings as they are, each mode
    given only the settings it uses; ``repeats`` rounds."""
    known = backends.names()
    specs = [settings.with_values(mode=mode).run_spec() for mode in modes if mode in known]
    return _ordered(specs, settings)


def _native(kernel: str) -> bool:
    from gcdapp.core.kernels import KERNELS

    return kernel in KERNELS and KERNELS[kernel].native


def comparison_specs_elsewhere(settings: RunSettings, interpreters=()) -> list[RunSpec]:
    """The runs Compare modes adds in other interpreters, from what
    discovery found (``interpreters``, in its order): interpreters mode in
    the first Python where subinterpreters work, and threads in a
    free-threaded build. None when discovery found neither."""
    from gcdapp.core.pythons import offers

    found = list(interpreters)
    kernel = settings.spec.kernel
    out = []
    where = offers.with_interpreters(found)
    # (numba's compiled kernels cannot be loaded in subinterpreters)
    if where is not None and offers.kernel_reason(where, kernel) is None and not _native(kernel):
        python = None if where.is_running else where.path
        out.append(settings.with_values(mode="interpreters", python=python).run_spec())
    free = offers.free_threaded(found)
    if free is not None and offers.kernel_reason(free, kernel) is None:
        python = None if free.is_running else free.path
        out.append(settings.with_values(mode="threads", python=python).run_spec())
    return out


def comparison_plan(settings: RunSettings, interpreters=()) -> Plan:
    """Compare modes: serial, threads and processes; and, where discovery
    found them (``interpreters``), interpreters mode in a Python where
    subinterpreters work and threads in a free-threaded Python."""
    known = backends.names()
    specs = [settings.with_values(mode=m).run_spec() for m in COMPARED_MODES if m in known]
    for spec in comparison_specs_elsewhere(settings, interpreters):
        if spec not in specs:
            specs.append(spec)
    return _ordered(specs, settings)
