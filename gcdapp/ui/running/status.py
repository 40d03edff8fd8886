"""Live run status for the status bar: elapsed, done/total, throughput, ETA
and a progress bar.

Batches of results arrive up to ~30 times a second; the text and the bar
follow at most :attr:`RunStatus.MIN_REFRESH_S` apart (the counts themselves,
``done`` and ``total``, are always current).
"""

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

    #: Shortest time between two refreshes of the text and bar caused by ``advance``.
    MIN_REFRESH_S = 0.1

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
        # Shows an advance that came too soon after the last refresh, a little later.
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.timeout.connect(self._refresh)
        self._last_refresh = float("-inf")
        self._shown_value: int | None = None  # what the bar and its text show
        self._t0 = 0.0
        self._done = 0
        self._total = 0
        self._prefix = ""
        # An experiment's steps (runs of a sweep, cells of a map), not pairs:
        self._unit: str | None = None
        self._steps = None  # (Progress, when it was reported)
        self._step_label = ""

    @property
    def done(self) -> int:
        return self._done

    @property
    def total(self) -> int:
        return self._total

    def start(self, info: RunInfo, prefix: str = "") -> None:
        self._unit = None
        self._t0 = time.monotonic()
        self._done = 0
        self._total = info.n_pairs
        self._prefix = prefix
        # QProgressBar holds ints: scale a huge total into its range.
        self.progress.setRange(0, 1000)
        self._set_progress(0)
        self._timer.start()
        self._refresh()

    def advance(self, pairs: int) -> None:
        """``pairs`` more are done (shown within ``MIN_REFRESH_S``)."""
        self._done += pairs
        wait = self._last_refresh + self.MIN_REFRESH_S - time.monotonic()
        if wait <= 0:
            self._refresh()
        elif not self._pending.isActive():
            self._pending.start(max(1, round(wait * 1000)))

    def start_steps(self, prefix: str, unit: str) -> None:
        """An experiment starts: progress counts its ``unit`` (``"runs"``,
        ``"cells"``), with the elapsed time and the time left."""
        self._t0 = time.monotonic()
        self._unit, self._prefix = unit, prefix
        self._steps, self._step_label = None, ""
        self.progress.setRange(0, 1000)
        self._set_progress(0)
        self._timer.start()
        self._refresh()

    def step(self, label: str | None, progress) -> None:
        """The experiment's :class:`~gcdapp.core.progress.Progress` (and what
        it runs now, when ``label`` is given)."""
        if label is not None:
            self._step_label = label
        self._steps = (progress, time.monotonic())
        self._refresh()

    def finish(self, text: str) -> None:
        self._timer.stop()
        self._refresh()
        self._unit = None
        self.label.setText(text)

    def show_text(self, text: str) -> None:
        self.label.setText(text)

    def _set_progress(self, value: int) -> None:
        if value == self._shown_value:
            return
        self._shown_value = value
        bar = self.progress
        # QProgressBar.setValue repaints at once (synchronously), and with it
        # whatever else of the window awaits a paint: have the bar wait for the
        # next paint like the rest (setUpdatesEnabled(True) calls update()).
        bar.setUpdatesEnabled(False)
        try:
            bar.setValue(value)
            bar.setFormat(f"{value / 10:.0f}%")
        finally:
            bar.setUpdatesEnabled(True)

    def _refresh_steps(self, now: float) -> None:
        parts = [f"{self._prefix}{format_duration(now - self._t0)}"]
        if self._steps is not None:
            progress, when = self._steps
            self._set_progress(round(1000 * progress.fraction))
            parts.append(f"{progress.done:,} / {progress.total:,} {self._unit}")
            if progress.eta_s is not None and progress.done < progress.total:
                left = max(0.0, progress.eta_s - (now - when))
                parts.append(f"about {format_duration(left)} left")
        if self._step_label:
            parts.append(self._step_label)
        self.label.setText("   ·   ".join(parts))

    @Slot()
    def _refresh(self) -> None:
        self._pending.stop()
        now = time.monotonic()
        self._last_refresh = now
        if self._unit is not None:
            self._refresh_steps(now)
            return
        elapsed = now - self._t0
        total = max(1, self._total)
        self._set_progress(round(1000 * self._done / total))
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
