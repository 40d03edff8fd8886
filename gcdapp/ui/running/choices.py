"""The run panel as a view of the workspace's run settings (:class:`RunSettings`).

The panel writes what the user picks into the workspace; a change of the
workspace's settings (a session opened, preferences restored) is shown in
the panel with the panel's signals blocked, so it is not written back as if
the user had picked it."""

from __future__ import annotations

from PySide6.QtCore import QObject, Slot

from gcdapp.core.run_settings import RunSettings
from gcdapp.core.workspace import Workspace
from gcdapp.ui.running.settings_panel import ModePanel


class PanelSync(QObject):
    """Keeps ``panel`` and ``workspace.settings`` in step (the workspace is
    the truth; it starts with what the panel shows)."""

    def __init__(self, panel: ModePanel, workspace: Workspace):
        super().__init__(panel)
        self._panel = panel
        self._workspace = workspace
        panel.specChanged.connect(self._panel_changed)
        workspace.events.settings_changed.connect(self._settings_changed)
        workspace.set_settings(panel.settings())

    @Slot()
    def _panel_changed(self) -> None:
        self._workspace.set_settings(self._panel.settings())

    def _settings_changed(self, choices: RunSettings) -> None:
        panel = self._panel
        was_blocked = panel.blockSignals(True)
        try:
            panel.set_settings(choices)
        finally:
            panel.blockSignals(was_blocked)
        # What the panel could not show (a mode this machine cannot run, a
        # value out of range) is corrected in the workspace: it shows the panel.
        shown = panel.settings()
        if shown != choices:
            self._workspace.set_settings(shown)
