"""The run panel as a view of the workspace's run settings (:class:`RunChoices`).

The panel writes what the user picks into the workspace; a change of the
workspace's settings (a session opened, preferences restored) is shown in
the panel with the panel's signals blocked, so it is not written back as if
the user had picked it."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, Slot

from gcdapp.core import backends
from gcdapp.core.run_choices import RunChoices
from gcdapp.core.workspace import Workspace
from gcdapp.ui.running.settings_panel import ModePanel


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


class PanelSync(QObject):
    """Keeps ``panel`` and ``workspace.settings`` in step (the workspace is
    the truth; it starts with what the panel shows)."""

    def __init__(self, panel: ModePanel, workspace: Workspace):
        super().__init__(panel)
        self._panel = panel
        self._workspace = workspace
        panel.specChanged.connect(self._panel_changed)
        workspace.events.settings_changed.connect(self._settings_changed)
        workspace.set_settings(choices_of(panel))

    @Slot()
    def _panel_changed(self) -> None:
        self._workspace.set_settings(choices_of(self._panel))

    def _settings_changed(self, choices: RunChoices) -> None:
        panel = self._panel
        was_blocked = panel.blockSignals(True)
        try:
            apply_choices(panel, choices)
        finally:
            panel.blockSignals(was_blocked)
        # What the panel could not show (a mode this machine cannot run, a
        # value out of range) is corrected in the workspace: it shows the panel.
        shown = choices_of(panel)
        if shown != choices:
            self._workspace.set_settings(shown)
