"""The three timing charts together.

The worker timeline takes the top (it is where the GIL shows: thread lanes
take turns, process lanes run side by side); the completion curves and the
wall-time bars sit side by side below it, to compare runs. Splitters let the
user trade space between them.

The sub charts are public (``.timeline``, ``.completion``, ``.walls``); the
methods here only route one run's events to all three, for a caller that
does not want to address them one by one.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from gcdapp.core.events import RunInfo, RunResult, TaskBatch
from gcdapp.ui.charts.completion import CompletionChart
from gcdapp.ui.charts.palette import to_qcolor
from gcdapp.ui.charts.timeline import TimelineChart
from gcdapp.ui.charts.walls import WallTimeChart

__all__ = ["TimingChart"]


class TimingChart(QWidget):
    """Worker timeline on top; completion curves and wall-time bars below."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAccessibleName("Timing chart")
        self.timeline = TimelineChart()
        self.completion = CompletionChart()
        self.walls = WallTimeChart()
        self.timeline.setMinimumHeight(160)
        self.completion.setMinimumSize(240, 150)
        self.walls.setMinimumSize(200, 150)

        self._bottom = QSplitter(Qt.Orientation.Horizontal)
        self._bottom.setChildrenCollapsible(False)
        self._bottom.addWidget(self.completion)
        self._bottom.addWidget(self.walls)
        self._bottom.setStretchFactor(0, 3)
        self._bottom.setStretchFactor(1, 2)

        self._split = QSplitter(Qt.Orientation.Vertical)
        self._split.setChildrenCollapsible(False)
        self._split.addWidget(self.timeline)
        self._split.addWidget(self._bottom)
        self._split.setStretchFactor(0, 3)
        self._split.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._split)

        self._runs: dict[int, tuple[str, object]] = {}  # run_id -> (label, colour)
        self._timeline_run: int | None = None

    # -- routing one run's events ----------------------------------------

    def begin_run(self, run_id: int, info: RunInfo, pairs: np.ndarray, label: str, color) -> None:
        """A run started: the timeline shows it, and it gets a completion curve."""
        color = to_qcolor(color)
        self._runs[run_id] = (label, color)
        self._timeline_run = run_id
        self.timeline.begin_run(info, pairs, label, color)
        self.completion.begin_run(run_id, label, color, total=info.n_pairs)

    def add_batch(self, run_id: int, batch: TaskBatch) -> None:
        if run_id == self._timeline_run:
            self.timeline.add_batch(batch)
        self.completion.add_batch(run_id, batch)

    def finish_run(self, run_id: int, result: RunResult, speedup: float | None) -> None:
        """A run ended: close its curve and add its wall-time bar; the
        timeline and the curves fit their data again."""
        label, color = self._runs.get(run_id, (f"#{run_id}", "grey"))
        if run_id == self._timeline_run:
            self.timeline.end_run(result)
        self.completion.finish_run(run_id, result)
        self.walls.add_run(run_id, label, color, result.wall_s, speedup)

    def add_finished_run(
        self, run_id: int, label: str, color, result: RunResult, speedup: float | None
    ) -> None:
        """A run from history: a completion curve and a wall bar (timeline untouched)."""
        color = to_qcolor(color)
        self._runs[run_id] = (label, color)
        self.completion.add_finished_run(run_id, label, color, result)
        self.walls.add_run(run_id, label, color, result.wall_s, speedup)

    def show_run(self, run_id: int, result: RunResult, pairs: np.ndarray) -> None:
        """Show a finished run's tasks in the timeline."""
        label, color = self._runs.get(run_id, (f"#{run_id}", "grey"))
        self._timeline_run = run_id
        self.timeline.show_result(result, pairs, label, color)

    def remove_run(self, run_id: int) -> None:
        self._runs.pop(run_id, None)
        if run_id == self._timeline_run:
            self._timeline_run = None
            self.timeline.clear()
        self.completion.remove_run(run_id)
        self.walls.remove_run(run_id)

    def clear(self) -> None:
        self._runs.clear()
        self._timeline_run = None
        self.timeline.clear()
        self.completion.clear()
        self.walls.clear()
