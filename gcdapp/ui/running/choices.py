"""The run panel's choices as settings and sessions keep them (:class:`RunChoices`)."""

from __future__ import annotations

from dataclasses import replace

from gcdapp.core import backends
from gcdapp.ui.running.settings_panel import ModePanel
from gcdapp.ui.document.preferences import RunChoices


def choices_of(panel: ModePanel) -> RunChoices:
    """The panel's choices, keeping workers and start method even for modes
    that ignore them."""
    spec = replace(panel.spec(), workers=panel.workers.value(),
                   start_method=panel.start_method.currentData())
    return RunChoices(spec, panel.repeat_count())


def apply_choices(panel: ModePanel, choices: RunChoices) -> None:
    """Show ``choices`` in the panel; a mode this machine cannot run keeps
    the panel's current mode."""
    spec = choices.spec
    if not backends.available(spec.mode):
        spec = replace(spec, mode=panel.spec().mode)
    panel.set_spec(spec)
    panel.set_repeat_count(choices.repeats)
