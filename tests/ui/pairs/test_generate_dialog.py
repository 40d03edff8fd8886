"""The Generate dialog: ranges, defaults, the random seed button, OK/Cancel."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QDialogButtonBox

from gcdapp.ui.pairs.generate_dialog import GenerateDialog, estimate_bytes, format_bytes


@pytest.fixture
def dialog(qtbot):
    dlg = GenerateDialog()
    qtbot.addWidget(dlg)
    return dlg


def test_defaults_and_ranges(dialog):
    assert dialog.values() == (1000, 7, 0)
    assert (dialog.count_spin.minimum(), dialog.count_spin.maximum()) == (1, 10_000_000)
    assert (dialog.digits_spin.minimum(), dialog.digits_spin.maximum()) == (1, 100)
    assert dialog.seed_spin.minimum() == 0
    dialog.count_spin.setValue(20_000_000)
    assert dialog.count_spin.value() == 10_000_000
    dialog.digits_spin.setValue(0)
    assert dialog.digits_spin.value() == 1


def test_initial_values(qtbot):
    dlg = GenerateDialog(count=50, digits=3, seed=9)
    qtbot.addWidget(dlg)
    assert dlg.values() == (50, 3, 9)


def test_random_button_picks_a_new_seed(dialog, qtbot):
    seen = {dialog.seed_spin.value()}
    for _ in range(3):
        qtbot.mouseClick(dialog.random_button, Qt.MouseButton.LeftButton)
        seed = dialog.values()[2]
        assert seed not in seen
        seen.add(seed)


def test_ok_accepts_with_the_values(dialog, qtbot):
    dialog.show()
    dialog.count_spin.setValue(250)
    dialog.digits_spin.setValue(12)
    dialog.seed_spin.setValue(42)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.result() == GenerateDialog.DialogCode.Accepted
    assert dialog.values() == (250, 12, 42)


def test_cancel_rejects(dialog, qtbot):
    dialog.show()
    cancel = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    with qtbot.waitSignal(dialog.rejected, timeout=2000):
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)


def test_every_control_is_named_and_explained(dialog):
    controls = dialog.findChildren(QAbstractSpinBox) + dialog.findChildren(QAbstractButton)
    assert len(controls) >= 6  # three spin boxes, Random, Generate, Cancel
    for control in controls:
        assert control.accessibleName(), control
        assert control.toolTip(), control


def test_memory_estimate(dialog):
    assert "16.0 KB" in dialog.estimate_label.text()  # 1000 int64 pairs
    dialog.count_spin.setValue(1_000_000)
    assert "16.0 MB" in dialog.estimate_label.text()
    dialog.digits_spin.setValue(40)
    assert estimate_bytes(1_000_000, 40) > 16_000_000
    assert format_bytes(estimate_bytes(1_000_000, 40)) in dialog.estimate_label.text()
    assert format_bytes(999) == "999 bytes"
    assert format_bytes(3_500_000_000) == "3.5 GB"
