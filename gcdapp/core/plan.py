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


def comparison_plan(settings: RunSettings) -> Plan:
    """Compare modes: serial, threads and processes."""
    return modes_plan(settings, COMPARED_MODES)
