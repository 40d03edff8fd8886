"""The "Generate pairs" dialog: how many pairs, how many digits, which seed."""

from __future__ import annotations

import secrets
import sys

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

MAX_COUNT = 10_000_000
MAX_DIGITS = 100
MAX_SEED = 2**31 - 1


def estimate_bytes(count: int, digits: int) -> int:
    """Roughly how much memory ``count`` pairs of ``digits``-digit numbers take."""
    if digits <= 18:
        return 16 * count  # int64
    # object array: a pointer plus a Python int per value
    return 2 * count * (8 + sys.getsizeof(10 ** (digits - 1)))


def format_bytes(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1000
    raise AssertionError("not reached")


class GenerateDialog(QDialog):
    """Ask for ``(count, digits, seed)``; see :meth:`values`."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        count: int = 1000,
        digits: int = 7,
        seed: int = 0,
    ):
        super().__init__(parent)
        self.setWindowTitle("Generate pairs")
        self.setAccessibleName("Generate pairs")

        self.count_spin = QSpinBox()
        self.count_spin.setRange(1, MAX_COUNT)
        self.count_spin.setGroupSeparatorShown(True)
        self.count_spin.setValue(count)
        self.count_spin.setAccessibleName("Number of pairs")
        self.count_spin.setToolTip(f"How many pairs to generate (1 to {MAX_COUNT:,})")

        self.digits_spin = QSpinBox()
        self.digits_spin.setRange(1, MAX_DIGITS)
        self.digits_spin.setValue(digits)
        self.digits_spin.setAccessibleName("Digits per number")
        self.digits_spin.setToolTip(
            "How many decimal digits each number has; more digits make each gcd "
            "costlier (above 18 digits numbers no longer fit in 64 bits)"
        )

        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, MAX_SEED)
        self.seed_spin.setValue(seed)
        self.seed_spin.setAccessibleName("Seed")
        self.seed_spin.setToolTip("The same seed always generates the same pairs")

        self.random_button = QPushButton("&Random")
        self.random_button.setAccessibleName("Random seed")
        self.random_button.setToolTip("Pick a new random seed")
        self.random_button.clicked.connect(self.randomize_seed)

        seed_row = QHBoxLayout()
        seed_row.setContentsMargins(0, 0, 0, 0)
        seed_row.addWidget(self.seed_spin, 1)
        seed_row.addWidget(self.random_button)

        self.estimate_label = QLabel()
        self.estimate_label.setAccessibleName("Memory estimate")
        self.estimate_label.setToolTip("About how much memory the generated pairs will take")

        form = QFormLayout()
        form.addRow("&Pairs:", self.count_spin)
        form.addRow("&Digits:", self.digits_spin)
        form.addRow("&Seed:", seed_row)
        form.addRow("", self.estimate_label)
        # Buddy the seed label to the spin box (a layout has no buddy).
        seed_label = form.labelForField(seed_row)
        if isinstance(seed_label, QLabel):
            seed_label.setBuddy(self.seed_spin)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Generate")
        ok.setAccessibleName("Generate")
        ok.setToolTip("Replace the pairs with the generated ones (undoable)")
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName("Cancel")
        cancel.setToolTip("Close without generating")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

        self.count_spin.valueChanged.connect(self._update_estimate)
        self.digits_spin.valueChanged.connect(self._update_estimate)
        self._update_estimate()

    def values(self) -> tuple[int, int, int]:
        """``(count, digits, seed)`` as chosen."""
        return self.count_spin.value(), self.digits_spin.value(), self.seed_spin.value()

    def randomize_seed(self) -> int:
        """Pick a new seed, different from the current one; return it."""
        current = self.seed_spin.value()
        seed = current
        while seed == current:
            seed = secrets.randbelow(MAX_SEED + 1)
        self.seed_spin.setValue(seed)
        return seed

    def _update_estimate(self) -> None:
        count, digits, _ = self.values()
        self.estimate_label.setText(f"≈ {format_bytes(estimate_bytes(count, digits))} in memory")
