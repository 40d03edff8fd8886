"""Several finished runs' worker timelines, stacked, on one shared time axis.

After Compare modes, or when several runs are selected in the runs table,
serial, threads and processes are seen together at the same scale: one
:class:`~gcdapp.ui.charts.timeline.TimelineChart` per run, their x axes
linked and set to the longest run's wall time, only the bottom one labelled.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QScrollArea, QVBoxLayout, QWidget

from gcdapp.core.events import RunResult
from gcdapp.ui.charts.legend import TimelineLegend
from gcdapp.ui.charts.timeline import TimelineChart

__all__ = ["ComparedRun", "ComparisonTimelines"]


@dataclass(frozen=True)
class ComparedRun:
    """One run to show: its id, label, colour, result and pairs."""

    run_id: int
    label: str
    color: object
    result: RunResult
    pairs: np.ndarray


class ComparisonTimelines(QWidget):
    """A timeline per run, top to bottom in the order given, one x axis."""

    #: A task was clicked: (run id, task index among that run's tasks).
    taskClicked = Signal(int, int)
    #: Below this height per timeline, the stack scrolls instead of squeezing.
    MIN_TIMELINE_HEIGHT = 80
    #: What the bottom timeline adds for the time axis's values and label.
    AXIS_HEIGHT = 36

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAccessibleName("Comparison timelines")
        self._inner = QWidget()
        self._stack = QVBoxLayout(self._inner)
        self._stack.setContentsMargins(0, 0, 0, 0)
        self._stack.setSpacing(2)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self._inner)
        self.legend = TimelineLegend()  # (in grey: each run has its own colour)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.legend)
        layout.addWidget(scroll, 1)
        self._charts: list[TimelineChart] = []
        self._runs: list[ComparedRun] = []

    def timelines(self) -> list[TimelineChart]:
        """The stacked timelines, top first."""
        return list(self._charts)

    def run_ids(self) -> list[int]:
        return [run.run_id for run in self._runs]

    def result_of(self, run_id: int) -> RunResult | None:
        return next((r.result for r in self._runs if r.run_id == run_id), None)

    def x_range(self) -> tuple[float, float]:
        """The shared time axis (s)."""
        if not self._charts:
            return 0.0, 1.0
        lo, hi = self._charts[0].getPlotItem().getViewBox().viewRange()[0]
        return float(lo), float(hi)

    def show_runs(self, runs: list[ComparedRun]) -> None:
        """Show ``runs``, replacing what was shown."""
        self.clear()
        self._runs = list(runs)
        span = max((run.result.wall_s for run in runs), default=1.0) or 1.0
        first = None
        for i, run in enumerate(runs):
            chart = TimelineChart()
            bottom = i == len(runs) - 1
            chart.setMinimumHeight(self.MIN_TIMELINE_HEIGHT + (self.AXIS_HEIGHT if bottom else 0))
            chart.show_result(run.result, run.pairs, run.label, run.color)
            item = chart.getPlotItem()
            if not bottom:
                # one time axis, at the bottom: the others keep their grid lines only
                item.setLabel("bottom", None)
                axis = item.getAxis("bottom")
                axis.setStyle(showValues=False, tickLength=0)
                axis.setHeight(4)
            vb = item.getViewBox()
            vb.disableAutoRange(axis=vb.XAxis)
            if first is None:
                first = chart
            else:
                chart.setXLink(first)
            chart.taskClicked.connect(self._on_task_clicked)
            self._stack.addWidget(chart, 1)
            self._charts.append(chart)
        if first is not None:
            first.setXRange(0.0, span, padding=0.01)
        self._align_axes()

    def _align_axes(self) -> None:
        """Every lane axis as wide as the widest, so the time axes line up."""
        width = max((c.natural_axis_width() for c in self._charts), default=0)
        for chart in self._charts:
            chart.set_min_axis_width(width)

    @Slot(int)
    def _on_task_clicked(self, task: int) -> None:
        chart = self.sender()
        if chart in self._charts:
            self.taskClicked.emit(self._runs[self._charts.index(chart)].run_id, task)

    def clear(self) -> None:
        for chart in self._charts:
            self._stack.removeWidget(chart)
            chart.close()
            chart.deleteLater()
        self._charts = []
        self._runs = []
