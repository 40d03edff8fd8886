"""Which runs a press of Run or Compare modes makes, and in what order.

Modes are compared interleaved (A B C A B C …, never A A A B B B): when
this machine's speed drifts, the drift then falls on every mode alike.
"""

from __future__ import annotations

from gcdapp.core import backends
from gcdapp.core.run_settings import RunSettings
from gcdapp.core.run_spec import RunSpec

#: The modes Compare modes runs, where they are registered.
COMPARED_MODES = ("serial", "threads", "processes")


def run_plan(settings: RunSettings) -> list[RunSpec]:
    """The settings' run, ``repeats`` times."""
    return [settings.run_spec()] * settings.repeats


def comparison_plan(settings: RunSettings, modes: tuple[str, ...] = COMPARED_MODES
                    ) -> list[RunSpec]:
    """Each of ``modes`` with the other settings as they are, each mode
    given only the settings it uses; ``repeats`` rounds, interleaved."""
    known = backends.names()
    specs = [settings.with_values(mode=mode).run_spec() for mode in modes if mode in known]
    return specs * settings.repeats
