"""The compact dialogs that ask for a worker sweep's and a leverage map's
parameters. They only read and check what is typed (a bad value keeps the
dialog open, with the reason under the fields); the experiment controller
builds and starts the experiment."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gcdapp.core import backends
from gcdapp.core.int_lists import parse_int_list
from gcdapp.core.kernels import KERNELS
from gcdapp.core.leverage import (
    DEFAULT_CHUNKSIZES, DEFAULT_DIGITS, DEFAULT_KERNELS, DEFAULT_MODE, DEFAULT_ROUNDS,
)
from gcdapp.core.parsing import MAX_DIGITS
from gcdapp.core.run_settings import MAX_CHUNKSIZE, MAX_REPEATS, MAX_WORKERS

__all__ = ["LeverageDialog", "LeverageParams", "SweepDialog", "SweepParams", "parallel_modes"]


def parallel_modes() -> list[str]:
    """The modes that take workers and can run here."""
    out = []
    for name in backends.names():
        if not backends.available(name):
            continue
        caps = backends.get(name).capabilities
        if caps.takes_workers:
            out.append(name)
    return out


@dataclass(frozen=True)
class SweepParams:
    mode: str
    workers: tuple[int, ...]
    repeats: int


@dataclass(frozen=True)
class LeverageParams:
    mode: str
    digits: tuple[int, ...]
    chunksizes: tuple[int, ...]
    kernels: tuple[str, ...]
    rounds: int


def _join(values) -> str:
    return ", ".join(map(str, values))


class _ParamsDialog(QDialog):
    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.error = QLabel()
        self.error.setAccessibleName("Problem")
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Start")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _mode_box(self, mode: str) -> QComboBox:
        box = QComboBox()
        modes = parallel_modes()
        box.addItems(modes)
        if mode in modes:
            box.setCurrentText(mode)
        return box

    def params(self):  # pragma: no cover - each dialog has its own
        raise NotImplementedError

    def accept(self) -> None:
        """Close only when every field reads (else say why, and stay)."""
        try:
            self.params()
        except ValueError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        super().accept()


class SweepDialog(_ParamsDialog):
    """Mode, worker counts (default 1 to twice the usable cores), repeats."""

    def __init__(self, mode: str, workers, repeats: int, parent: QWidget | None = None):
        super().__init__("Sweep workers", parent)
        self.mode = self._mode_box(mode)
        self.workers = QLineEdit(_join(workers))
        self.workers.setToolTip("Worker counts: 1, 2, 3, 4 or a range such as 1-4")
        self.repeats = QSpinBox()
        self.repeats.setRange(1, MAX_REPEATS)
        self.repeats.setValue(max(1, min(int(repeats), MAX_REPEATS)))
        self.repeats.setToolTip("Rounds: each runs the serial baseline and every worker count "
                                "once, in a shuffled order")
        self.form.addRow("Mode", self.mode)
        self.form.addRow("Workers", self.workers)
        self.form.addRow("Repeats", self.repeats)

    def params(self) -> SweepParams:
        if not self.mode.currentText():
            raise ValueError("no mode that takes workers can run here")
        workers = parse_int_list(self.workers.text(), "worker count", MAX_WORKERS,
                                 ranges=True, sort=True)
        return SweepParams(self.mode.currentText(), tuple(workers), self.repeats.value())


class LeverageDialog(_ParamsDialog):
    """Mode, digits, chunk sizes, kernels and rounds, with the default grid."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Leverage map", parent)
        self.mode = self._mode_box(DEFAULT_MODE)
        self.digits = QLineEdit(_join(DEFAULT_DIGITS))
        self.digits.setToolTip("Digits per integer of the generated pairs: 3, 7, 20")
        self.chunksizes = QLineEdit(_join(DEFAULT_CHUNKSIZES))
        self.chunksizes.setToolTip("Pairs per task: 1, 10, 100, 1000")
        kernel_row = QHBoxLayout()
        self.kernels: dict[str, QCheckBox] = {}
        for name, kernel in KERNELS.items():
            box = QCheckBox(name)
            box.setChecked(name in DEFAULT_KERNELS)
            if kernel.unavailable_reason:
                box.setChecked(False)
                box.setEnabled(False)
                box.setToolTip(kernel.unavailable_reason)
            self.kernels[name] = box
            kernel_row.addWidget(box)
        kernel_row.addStretch(1)
        self.rounds = QSpinBox()
        self.rounds.setRange(1, MAX_REPEATS)
        self.rounds.setValue(DEFAULT_ROUNDS)
        self.rounds.setToolTip("Rounds per cell: each runs serial and the mode once")
        self.form.addRow("Mode", self.mode)
        self.form.addRow("Digits", self.digits)
        self.form.addRow("Chunk sizes", self.chunksizes)
        self.form.addRow("Kernels", kernel_row)
        self.form.addRow("Rounds", self.rounds)

    def params(self) -> LeverageParams:
        if not self.mode.currentText():
            raise ValueError("no mode that takes workers can run here")
        digits = parse_int_list(self.digits.text(), "digit count", MAX_DIGITS)
        chunks = parse_int_list(self.chunksizes.text(), "chunk size", MAX_CHUNKSIZE)
        kernels = tuple(n for n, box in self.kernels.items() if box.isChecked())
        if not kernels:
            raise ValueError("choose at least one kernel")
        return LeverageParams(self.mode.currentText(), tuple(digits), tuple(chunks), kernels,
                              self.rounds.value())
