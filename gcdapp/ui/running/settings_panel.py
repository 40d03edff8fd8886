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

from gcdapp.core import backends
from gcdapp.core.backends import Backend
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
        for name in backends.names():
            backend = backends.get(name)
            self.mode.addItem(backend.title or name, name)
            row = self.mode.count() - 1
            reason = backend.capabilities.unavailable_reason
            self.mode.setItemData(
                row,
                backend.description + (f"\nUnavailable: {reason}" if reason else ""),
                Qt.ItemDataRole.ToolTipRole,
            )
            if reason:
                self._disable_item(self.mode, row)
        self.mode.setCurrentIndex(max(0, self.mode.findData(RunSpec().mode)))

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

        # The start methods of every mode that takes one; each mode then
        # enables the box, and picks its default where the choice is not its own.
        takers = [b for b in map(backends.get, backends.names()) if b.capabilities.takes_start_method]
        self._start_method_help = (
            f"How worker processes start ({', '.join(b.title.lower() for b in takers)} mode only)."
        )
        self.start_method = _labelled(QComboBox(), "Start method", self._start_method_help)
        for method in dict.fromkeys(m for b in takers for m in b.capabilities.start_methods):
            self.start_method.addItem(method, method)
            self.start_method.setItemData(
                self.start_method.count() - 1,
                _START_METHOD_HELP.get(method, method),
                Qt.ItemDataRole.ToolTipRole,
            )
        if takers:
            default = takers[0].capabilities.default_start_method
            self.start_method.setCurrentIndex(max(0, self.start_method.findData(default)))

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

    def _backend(self) -> Backend:
        return backends.get(self.mode.currentData())

    def _update_enabled(self) -> None:
        backend = self._backend()
        caps = backend.capabilities
        running = self.cancel_button.isEnabled()
        self.workers.setEnabled(not running and caps.takes_workers)
        self.workers.setToolTip(
            f"{backend.title} mode always uses one worker."
            if not caps.takes_workers
            else f"Worker threads or processes (1–{MAX_GUI_WORKERS}). This machine has "
            f"{usable_cores()} usable cores."
        )
        self.start_method.setEnabled(not running and caps.takes_start_method)
        if not caps.takes_start_method:
            self.start_method.setToolTip(f"{backend.title} mode takes no start method.")
        else:
            self.start_method.setToolTip(self._start_method_help)
            if self.start_method.currentData() not in caps.start_methods:
                blocked = self.start_method.blockSignals(True)  # one specChanged
                self.start_method.setCurrentIndex(
                    self.start_method.findData(caps.default_start_method)
                )
                self.start_method.blockSignals(blocked)

    # -- reading and writing the choices ---------------------------------
    def spec(self) -> RunSpec:
        backend = self._backend()
        caps = backend.capabilities
        chunk = self.chunksize.value()
        return RunSpec(
            mode=backend.name,
            kernel=self.kernel.currentData(),
            workers=self.workers.value() if caps.takes_workers else None,
            chunksize="auto" if chunk == 0 else chunk,
            start_method=self.start_method.currentData() if caps.takes_start_method else None,
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

