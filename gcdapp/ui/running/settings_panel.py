"""The run controls: mode, workers, kernel, chunk size, start method, repeats,
and the Run and Cancel buttons."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gcdapp.core.backends import BACKENDS, ProcessBackend
from gcdapp.core.events import RunSpec
from gcdapp.core.kernels import KERNELS
from gcdapp.core.system import usable_cores

MAX_GUI_WORKERS = 64
_START_METHOD_HELP = {
    "forkserver": "Workers fork from a small server process started once: safe with threads, quick.",
    "spawn": "Each worker starts a fresh interpreter: safe everywhere, slowest to start.",
    "fork": "Workers are forked from this process. Unsafe while threads run (Qt's do): may deadlock.",
}


def _labelled(widget: QWidget, name: str, tip: str) -> QWidget:
    widget.setAccessibleName(name)
    widget.setToolTip(tip)
    return widget


class ModePanel(QWidget):
    """Choices for the next run. ``spec()`` reads them as a :class:`RunSpec`."""

    runRequested = Signal()
    compareRequested = Signal()
    cancelRequested = Signal()
    specChanged = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.mode = _labelled(QComboBox(), "Mode", "How the pairs are computed.")
        for backend in BACKENDS.values():
            self.mode.addItem(backend.title, backend.name)
            row = self.mode.count() - 1
            reason = backend.unavailable_reason()
            self.mode.setItemData(
                row,
                backend.description + (f"\nUnavailable: {reason}" if reason else ""),
                Qt.ItemDataRole.ToolTipRole,
            )
            if reason:
                self._disable_item(self.mode, row)
        self.mode.setCurrentIndex(self.mode.findData("processes"))

        self.workers = _labelled(
            QSpinBox(), "Workers",
            f"Worker threads or processes (1–{MAX_GUI_WORKERS}). This machine has "
            f"{usable_cores()} usable cores.",
        )
        self.workers.setRange(1, MAX_GUI_WORKERS)
        self.workers.setValue(usable_cores())

        self.kernel = _labelled(QComboBox(), "Kernel", "The gcd implementation each task runs.")
        for kernel in KERNELS.values():
            self.kernel.addItem(kernel.title, kernel.name)
            self.kernel.setItemData(
                self.kernel.count() - 1, kernel.description, Qt.ItemDataRole.ToolTipRole
            )

        self.chunksize = _labelled(
            QSpinBox(), "Chunk size",
            "Pairs per task. 'auto' batches cheap work and splits heavy work finely; "
            "1 is the seed's pool.map.",
        )
        self.chunksize.setRange(0, 1_000_000)
        self.chunksize.setSpecialValueText("auto")
        self.chunksize.setValue(0)

        self.start_method = _labelled(
            QComboBox(), "Start method", "How worker processes start (processes mode only)."
        )
        backend = ProcessBackend()
        for method in backend.start_methods():
            self.start_method.addItem(method, method)
            self.start_method.setItemData(
                self.start_method.count() - 1,
                _START_METHOD_HELP.get(method, method),
                Qt.ItemDataRole.ToolTipRole,
            )
        self.start_method.setCurrentIndex(self.start_method.findData(backend.default_start_method()))

        self.repeats = _labelled(
            QSpinBox(), "Repeats", "Runs in a row with the same settings (1–100)."
        )
        self.repeats.setRange(1, 100)

        self.run_button = _labelled(QPushButton("Run"), "Run", "Run the pairs with these settings (F5).")
        self.run_button.setDefault(True)
        self.cancel_button = _labelled(
            QPushButton("Cancel"), "Cancel", "Stop the run; finished results are kept (Esc)."
        )
        self.cancel_button.setEnabled(False)
        self.compare_button = _labelled(
            QPushButton("Compare modes"), "Compare modes",
            "Run serial, threads and processes in turn on the same pairs (Ctrl+F5).",
        )
        self.run_button.clicked.connect(self.runRequested)
        self.compare_button.clicked.connect(self.compareRequested)
        self.cancel_button.clicked.connect(self.cancelRequested)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for label, widget in (
            ("&Mode", self.mode),
            ("&Workers", self.workers),
            ("&Kernel", self.kernel),
            ("C&hunk size", self.chunksize),
            ("&Start method", self.start_method),
            ("R&epeats", self.repeats),
        ):
            caption = QLabel(label)
            caption.setBuddy(widget)
            form.addRow(caption, widget)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.compare_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addStretch(1)

        for combo in (self.mode, self.kernel, self.start_method):
            combo.currentIndexChanged.connect(self._changed)
        for spin in (self.workers, self.chunksize, self.repeats):
            spin.valueChanged.connect(self._changed)
        self._update_enabled()

    @staticmethod
    def _disable_item(combo: QComboBox, row: int) -> None:
        model = combo.model()
        if isinstance(model, QStandardItemModel):
            model.item(row).setEnabled(False)

    def _changed(self, *_):
        self._update_enabled()
        self.specChanged.emit()

    def _update_enabled(self) -> None:
        backend = BACKENDS[self.mode.currentData()]
        running = self.cancel_button.isEnabled()
        serial = backend.fixed_workers == 1
        self.workers.setEnabled(not running and not serial)
        self.workers.setToolTip(
            "Serial mode always uses one worker: the calling thread."
            if serial
            else f"Worker threads or processes (1–{MAX_GUI_WORKERS}). This machine has "
            f"{usable_cores()} usable cores."
        )
        self.start_method.setEnabled(not running and backend.out_of_process)
        if not backend.out_of_process:
            self.start_method.setToolTip("Only processes mode starts worker processes.")
        else:
            self.start_method.setToolTip("How worker processes start (processes mode only).")

    # -- reading and writing the choices ---------------------------------
    def spec(self) -> RunSpec:
        backend = BACKENDS[self.mode.currentData()]
        chunk = self.chunksize.value()
        return RunSpec(
            mode=backend.name,
            kernel=self.kernel.currentData(),
            workers=None if backend.fixed_workers else self.workers.value(),
            chunksize="auto" if chunk == 0 else chunk,
            start_method=self.start_method.currentData() if backend.out_of_process else None,
        )

    def set_spec(self, spec: RunSpec) -> None:
        """Show ``spec``'s choices (unknown values are ignored)."""
        for combo, value in (
            (self.mode, spec.mode),
            (self.kernel, spec.kernel),
            (self.start_method, spec.start_method),
        ):
            index = combo.findData(value)
            if index >= 0:
                combo.setCurrentIndex(index)
        if spec.workers:
            self.workers.setValue(spec.workers)
        self.chunksize.setValue(0 if spec.chunksize == "auto" else int(spec.chunksize))

    def repeat_count(self) -> int:
        return self.repeats.value()

    def set_repeat_count(self, count: int) -> None:
        """Show ``count`` repeats (clamped to the allowed range)."""
        self.repeats.setValue(max(self.repeats.minimum(), min(self.repeats.maximum(), int(count))))

    def set_running(self, running: bool) -> None:
        for widget in (self.mode, self.kernel, self.chunksize, self.repeats, self.run_button,
                       self.compare_button):
            widget.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self._update_enabled()

