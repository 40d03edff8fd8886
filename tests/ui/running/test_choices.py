"""The run panel as a view of the workspace's settings."""

from __future__ import annotations

from gcdapp.core.events import RunSpec
from gcdapp.core.run_settings import RunSettings
from gcdapp.core.workspace import Workspace
from gcdapp.ui.running.choices import PanelSync
from gcdapp.ui.running.settings_panel import ModePanel


def make(qtbot):
    panel, workspace = ModePanel(), Workspace()
    qtbot.addWidget(panel)
    return panel, workspace, PanelSync(panel, workspace)


def test_the_workspace_starts_with_what_the_panel_shows_and_follows_the_user(qtbot):
    panel, workspace, _sync = make(qtbot)
    assert workspace.settings == panel.settings()
    panel.mode.setCurrentIndex(panel.mode.findData("threads"))
    panel.repeats.setValue(4)
    assert workspace.settings.spec.mode == "threads" and workspace.settings.repeats == 4
    assert workspace.settings.run_spec() == panel.spec()


def test_a_workspace_change_is_shown_with_the_panels_signals_blocked(qtbot):
    panel, workspace, _sync = make(qtbot)
    emitted = []
    panel.specChanged.connect(lambda: emitted.append(True))
    choices = RunSettings(RunSpec(mode="serial", kernel="euclid", workers=3, chunksize=5,
                                 start_method=panel.start_method.currentData()), 6)
    workspace.set_settings(choices)
    assert emitted == []  # not written back as if the user had picked it
    assert panel.spec() == choices.run_spec() and panel.repeat_count() == 6
    assert workspace.settings == choices
    assert not panel.workers.isEnabled()  # the panel still follows its own mode


def test_what_the_panel_cannot_show_is_corrected_in_the_workspace(qtbot):
    panel, workspace, _sync = make(qtbot)
    workspace.set_settings(RunSettings(RunSpec(mode="no such mode", kernel="euclid"), 10**6))
    assert workspace.settings == panel.settings()
    assert workspace.settings.spec.mode != "no such mode"
    assert workspace.settings.repeats == panel.repeats.maximum()
