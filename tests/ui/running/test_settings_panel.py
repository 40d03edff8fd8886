"""The settings panel's kernel list: the native kernels are offered where
numba is installed, and disabled with the reason as a tooltip where it is not."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from gcdapp.core import native
from gcdapp.ui.running.settings_panel import ModePanel

ROOT = Path(__file__).resolve().parents[3]
NATIVE = ("bruteforce-native", "euclid-native")


def _item(panel: ModePanel, name: str):
    row = panel.kernel.findData(name)
    assert row >= 0, f"{name} is not in the kernel list"
    return row, panel.kernel.model().item(row)


@pytest.mark.skipif(native.unavailable_reason() is not None, reason="numba is not installed here")
def test_the_native_kernels_are_offered_with_their_description(qtbot):
    panel = ModePanel()
    qtbot.addWidget(panel)
    for name in NATIVE:
        row, item = _item(panel, name)
        assert item.isEnabled()
        tip = panel.kernel.itemData(row, Qt.ItemDataRole.ToolTipRole)
        assert "GIL released" in tip and "Unavailable" not in tip
    row, _ = _item(panel, "bruteforce-native")
    panel.kernel.setCurrentIndex(row)
    assert panel.spec().kernel == "bruteforce-native"


def test_without_numba_the_native_kernels_are_disabled_with_the_reason(qtbot, monkeypatch):
    # numba made unimportable in this process (find_spec then finds nothing).
    monkeypatch.setitem(sys.modules, "numba", None)
    panel = ModePanel()
    qtbot.addWidget(panel)
    for name in NATIVE:
        row, item = _item(panel, name)
        assert not item.isEnabled()
        assert panel.kernel.itemData(row, Qt.ItemDataRole.ToolTipRole).endswith(
            "\nUnavailable: numba is not installed (pip install numba)")
    _, euclid = _item(panel, "euclid")
    assert euclid.isEnabled()


def test_listing_and_choosing_a_native_kernel_does_not_import_numba():
    # numba loads only where a native kernel runs, not for the list.
    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from gcdapp.ui.running.settings_panel import ModePanel\n"
        "app = QApplication([])\n"
        "panel = ModePanel()\n"
        "panel.kernel.setCurrentIndex(panel.kernel.findData('euclid-native'))\n"
        "assert panel.spec().kernel == 'euclid-native'\n"
        "print('numba' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env=env, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "False"


def test_the_start_method_shown_at_first_is_the_backends_safe_default(qtbot):
    from gcdapp.core import backends
    from gcdapp.ui.running.settings_panel import ModePanel

    panel = ModePanel()
    qtbot.addWidget(panel)
    default = backends.get("processes").capabilities.default_start_method
    assert default != "fork"  # never an implicit fork: Qt's threads run
    assert panel.start_method.currentData() == default
    assert panel.spec().start_method == default
    for mode in ("serial", "threads", "processes"):  # switching modes keeps it
        panel.mode.setCurrentIndex(panel.mode.findData(mode))
    assert panel.start_method.currentData() == default
