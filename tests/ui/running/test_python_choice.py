"""The Python choice against real discovery of this machine's interpreters
(pyenv's 3.12 and 3.13 here; tests skip, saying so, when none is found)."""

from __future__ import annotations

import os
import stat

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QStandardItemModel

from gcdapp.core.pythons.discovery import pyenv_root
from gcdapp.ui.document.preferences import AppSettings
from gcdapp.ui.running.python_choice import FINDING, PythonChoice
from gcdapp.ui.running.settings_panel import ModePanel
from tests.other_pythons import other_python

# Read before the Qt fixtures point HOME at a throwaway directory.
REAL_PYENV_ROOT = str(pyenv_root())
DISCOVERY_TIMEOUT = 180_000  # the first probe of each interpreter takes seconds


@pytest.fixture
def real_pyenv(monkeypatch):
    monkeypatch.setenv("PYENV_ROOT", REAL_PYENV_ROOT)


@pytest.fixture
def prefs(tmp_path):
    return AppSettings(QSettings(str(tmp_path / "prefs.conf"), QSettings.Format.IniFormat))


class Answers:
    """Stands in for the modal file dialog: records calls, answers ``path``."""

    def __init__(self, path=""):
        self.path, self.calls = path, 0

    def __call__(self, _parent):
        self.calls += 1
        return self.path


def discover(qtbot, choice: PythonChoice) -> None:
    with qtbot.waitSignal(choice.discovered, timeout=DISCOVERY_TIMEOUT):
        choice.start_discovery()


def rows(choice: PythonChoice):
    """(text, data, enabled, tooltip) per row of the list."""
    combo, model = choice.combo, choice.combo.model()
    assert isinstance(model, QStandardItemModel)
    return [(combo.itemText(r), combo.itemData(r), model.item(r).isEnabled(),
             model.item(r).toolTip()) for r in range(combo.count())]


def messages(widget):
    got = []
    widget.messageRequested.connect(lambda text, kind: got.append((text, kind)))
    return got


def test_it_lists_the_other_pythons_with_labels_and_disables_unusable_ones(
        qtbot, real_pyenv, prefs):
    py312, py313 = other_python("3.12"), other_python("3.13")
    choice = PythonChoice(prefs, ask_path=Answers())
    qtbot.addWidget(choice)
    # Until discovery answers: the running Python and a placeholder, at once.
    choice.start_discovery()
    assert choice.is_finding()
    shown = rows(choice)
    assert shown[0][0].endswith("(this Python)") and shown[0][1] is None
    assert shown[-1][0] == FINDING and shown[-1][2] is False
    assert choice.value() is None
    qtbot.waitUntil(lambda: not choice.is_finding(), timeout=DISCOVERY_TIMEOUT)

    shown = rows(choice)
    by_path = {data: (text, enabled, tip) for text, data, enabled, tip in shown}
    assert FINDING not in [r[0] for r in shown]
    assert by_path[py312.path][0] == f"{py312.label} — pyenv" and by_path[py312.path][1]
    assert by_path[py313.path][0] == f"{py313.label} — pyenv" and by_path[py313.path][1]
    assert py312.path in by_path[py312.path][2]  # the tooltip names the file
    unusable = [i for i in choice.interpreters() if not i.usable]
    if not unusable:
        pytest.skip("discovery found no unusable interpreter to check the disabled rows with")
    for item in unusable:
        _text, enabled, tip = by_path[item.path]
        assert not enabled
        assert f"Unusable: {item.probe.unusable_reason}" in tip
    # A disabled one cannot be picked.
    choice.set_value(unusable[0].path)
    assert choice.value() is None


def test_add_with_a_bad_file_says_why_and_keeps_the_list(qtbot, real_pyenv, prefs, tmp_path):
    not_executable = tmp_path / "python3.99"
    not_executable.write_text("#!/bin/sh\n")
    ask = Answers(str(not_executable))
    choice = PythonChoice(prefs, ask_path=ask)
    qtbot.addWidget(choice)
    discover(qtbot, choice)
    before = rows(choice)
    got = messages(choice)

    choice.add_button.click()
    assert ask.calls == 1
    assert got == [(f"Cannot add that Python: {not_executable}: not executable", "error")]
    ask.path = str(tmp_path / "missing" / "python3")
    choice.add_interpreter()
    assert got[-1] == (f"Cannot add that Python: {ask.path}: no such file", "error")
    ask.path = str(tmp_path)
    choice.add_interpreter()
    assert got[-1][0].endswith(": not a file")
    assert rows(choice) == before and not choice.is_finding()
    assert prefs.python_paths() == []
    ask.path = ""  # the dialog cancelled: nothing happens
    choice.add_interpreter()
    assert len(got) == 3 and rows(choice) == before


def test_adding_a_real_interpreter_lists_it_and_keeps_it(qtbot, monkeypatch, prefs, tmp_path):
    py312 = other_python("3.12")
    exe = os.path.join(os.path.dirname(py312.path), "python3.12")
    if not os.path.isfile(exe):
        pytest.skip(f"{exe} not found beside {py312.path}")
    # Without pyenv, the interpreter is found only because it was added.
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "no-pyenv"))
    choice = PythonChoice(prefs, ask_path=Answers(exe))
    qtbot.addWidget(choice)
    discover(qtbot, choice)
    assert not any(i.probe.version == py312.probe.version and not i.is_running
                   for i in choice.interpreters() if "user" in i.sources)
    got = messages(choice)
    with qtbot.waitSignal(choice.discovered, timeout=DISCOVERY_TIMEOUT):
        choice.add_button.click()
    assert got == []
    added = [i for i in choice.interpreters() if "user" in i.sources]
    assert [i.probe.version for i in added] == [py312.probe.version]
    assert os.path.realpath(added[0].path) == os.path.realpath(exe)
    assert choice.value() == added[0].path  # picked once listed
    assert choice.combo.currentText() == f"{py312.label} — added"
    assert prefs.python_paths() == [exe]

    # The next window's list has it too: the path is in the preferences.
    again = PythonChoice(prefs, ask_path=Answers())
    qtbot.addWidget(again)
    discover(qtbot, again)
    assert again.combo.findData(added[0].path) >= 0


def _mode_row(panel: ModePanel, mode: str):
    combo = panel.mode
    row = combo.findData(mode)
    return combo.model().item(row).isEnabled(), combo.itemData(row, 3)  # 3: ToolTipRole


def test_interpreters_mode_follows_the_chosen_python(qtbot, real_pyenv):
    py312, py313 = other_python("3.12"), other_python("3.13")
    panel = ModePanel()
    qtbot.addWidget(panel)
    choice = panel.python_choice
    # This Python (3.11): the backend's own reason.
    enabled, tip = _mode_row(panel, "interpreters")
    assert not enabled and "needs Python 3.14" in tip
    discover(qtbot, choice)

    choice.set_value(py312.path)
    assert panel.settings().get("python") == py312.path
    enabled, tip = _mode_row(panel, "interpreters")
    assert py312.probe.subinterpreters.usable is False
    assert not enabled
    assert f"in {py312.label}, subinterpreters: unusable ({py312.probe.subinterpreters.reason})" \
        in tip
    assert panel.spec().python == py312.path
    assert panel.backport_offer.isHidden()  # offered for 3.13 only

    choice.set_value(py313.path)
    enabled, tip = _mode_row(panel, "interpreters")
    sub = py313.probe.subinterpreters
    assert enabled is sub.usable
    assert panel.backport_offer.isHidden() is not bool(sub.missing)
    if sub.usable:
        panel.mode.setCurrentIndex(panel.mode.findData("interpreters"))
        spec = panel.spec()
        assert (spec.mode, spec.python) == ("interpreters", py313.path)
        # Back to this Python: interpreters cannot run here, the mode gives way.
        choice.set_value(None)
        assert panel.spec().mode == "processes" and panel.spec().python is None


def test_native_kernels_are_disabled_in_a_python_without_numba(qtbot, real_pyenv):
    py312 = other_python("3.12")
    if py312.probe.numba:
        pytest.skip(f"{py312.path} has numba")
    panel = ModePanel()
    qtbot.addWidget(panel)
    discover(qtbot, panel.python_choice)
    panel.python_choice.set_value(py312.path)
    combo = panel.kernel
    row = combo.findData("bruteforce-native")
    assert not combo.model().item(row).isEnabled()
    assert f"numba is not installed in {py312.label}" in combo.itemData(row, 3)
    assert combo.model().item(combo.findData("bruteforce")).isEnabled()


def test_a_session_restores_a_python_before_discovery_found_it(qtbot, real_pyenv):
    py313 = other_python("3.13")
    panel = ModePanel()
    qtbot.addWidget(panel)
    settings = panel.settings().with_values(python=py313.path)
    panel.set_settings(settings)
    assert panel.settings().get("python") == py313.path  # waiting for discovery
    discover(qtbot, panel.python_choice)
    assert panel.python_choice.current_interpreter().path == py313.path
    assert panel.spec().python == py313.path


def test_install_backport_runs_in_the_background_and_cancels(qtbot, real_pyenv):
    from dataclasses import replace

    from gcdapp.core.pythons import backport
    from gcdapp.core.pythons.discovery import Interpreter
    from gcdapp.core.pythons.probe import Subinterpreters

    py313 = other_python("3.13")
    panel = ModePanel()
    qtbot.addWidget(panel)
    # 3.13 as the probe sees it where the backport is not installed.
    missing = Subinterpreters(False, "backport", backport.missing_reason(
        backport.packages_needed((3, 13)), py313.path), (backport.PACKAGE,))
    lacking = Interpreter(py313.path, py313.sources, replace(py313.probe, subinterpreters=missing))
    offer = panel.backport_offer
    offer.set_interpreter(lacking)
    assert not offer.isHidden() and backport.PACKAGE in offer.install_button.toolTip()
    got = messages(panel)
    with qtbot.waitSignal(offer.finished, timeout=60_000) as done:
        offer.install_button.click()
        assert offer.installing and not offer.busy.isHidden()
        assert offer.install_button.isHidden() and not offer.cancel_button.isHidden()
        offer.cancel_button.click()
    assert done.args[0] is False and "cancelled" in done.args[1]
    assert not offer.installing and not offer.install_button.isHidden()
    assert got and got[0][1] == "error" and "cancelled" in got[0][0]


def test_a_bad_interpreter_file_added_and_then_probed_says_it_is_unusable(
        qtbot, prefs, tmp_path, monkeypatch):
    fake = tmp_path / "python3.42"
    fake.write_text("#!/bin/sh\necho not a python\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "no-pyenv"))
    choice = PythonChoice(prefs, ask_path=Answers(str(fake)))
    qtbot.addWidget(choice)
    got = messages(choice)
    with qtbot.waitSignal(choice.discovered, timeout=DISCOVERY_TIMEOUT):
        choice.add_interpreter()
    assert len(got) == 1 and got[0][0].startswith(f"{fake} is listed but cannot be used: probe "
                                                  "failed")
    row = choice.combo.findData(str(fake))
    assert row >= 0 and not choice.combo.model().item(row).isEnabled()
    assert choice.value() is None
