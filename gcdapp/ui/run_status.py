"""Live run status for the status bar: elapsed, done/total, throughput, ETA
and a progress bar."""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QSizePolicy, QWidget

from gcdapp.core.events import RunInfo
from gcdapp.core.stats import throughput


def format_duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


class RunStatus(QWidget):
    """Progress of the current run. Call ``start``, ``advance`` and ``finish``."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.label = QLabel("Ready")
        self.label.setAccessibleName("Run status")
        self.label.setToolTip("Elapsed time, pairs done, throughput and estimated time left.")
        # Changing text must not re-lay out the status bar ~30 times a second.
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.label.setMinimumWidth(200)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Progress")
        self.progress.setToolTip("Pairs computed in the current run.")
        self.progress.setFixedWidth(220)
        self.progress.setTextVisible(True)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.progress)
        self._timer = QTimer(self)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self._refresh)
        self._t0 = 0.0
        self._done = 0
        self._total = 0
        self._prefix = ""

    @property
    def done(self) -> int:
        return self._done

    @property
    def total(self) -> int:
        return self._total

    def start(self, info: RunInfo, prefix: str = "") -> None:
        self._t0 = time.monotonic()
        self._done = 0
        self._total = info.n_pairs
        self._prefix = prefix
        # QProgressBar holds ints: scale a huge total into its range.
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self._timer.start()
        self._refresh()

    def advance(self, pairs: int) -> None:
        self._done += pairs
        self._refresh()

    def finish(self, text: str) -> None:
        self._timer.stop()
        self._refresh()
        self.label.setText(text)

    def show_text(self, text: str) -> None:
        self.label.setText(text)

    @Slot()
    def _refresh(self) -> None:
        elapsed = time.monotonic() - self._t0
        total = max(1, self._total)
        value = round(1000 * self._done / total)
        if value != self.progress.value():
            self.progress.setValue(value)
            self.progress.setFormat(f"{value / 10:.0f}%")
        rate = throughput(self._done, elapsed)
        parts = [
            f"{self._prefix}{format_duration(elapsed)}",
            f"{self._done:,} / {self._total:,} pairs",
        ]
        if rate:
            parts.append(f"{rate:,.0f} pairs/s")
            if self._done < self._total:
                parts.append(f"about {format_duration((self._total - self._done) / rate)} left")
        self.label.setText("   ·   ".join(parts))
