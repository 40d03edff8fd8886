"""The three timing charts together.

The worker timeline takes the top (it is where the GIL shows: thread lanes
take turns, process lanes run side by side); the completion curves and the
wall-time bars sit side by side below it, to compare runs. Splitters let the
user trade space between them.

The sub charts are public (``.timeline``, ``.completion``, ``.walls``); the
methods here only route one run's events to all three, for a caller that
does not want to address them one by one.

A legend above the timeline explains its encoding. In place of the single
timeline, :meth:`TimingChart.show_comparison` stacks several finished runs'
timelines on one time axis (``.comparison``). Before the first run, a note
over the whole area says what to do instead of showing empty axes.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from gcdapp.core.events import RunInfo, RunResult, TaskBatch
from gcdapp.core.pythons.run_python import mixes_pythons, run_label
from gcdapp.ui.charts.comparison import ComparedRun, ComparisonTimelines
from gcdapp.ui.charts.completion import CompletionChart
from gcdapp.ui.charts.legend import TimelineLegend
from gcdapp.ui.charts.palette import to_qcolor
from gcdapp.ui.charts.timeline import TimelineChart
from gcdapp.ui.charts.walls import WallTimeChart

__all__ = ["FIRST_RUN_TEXT", "TimingChart"]

FIRST_RUN_TEXT = (
    "<p style='font-size:13pt'><b>No runs yet</b></p>"
    "<p>Press <b>Run</b> (F5) to compute the pairs with the chosen settings,<br>"
    "or <b>Compare modes</b> (Ctrl+F5) to run serial, threads and processes in turn<br>"
    "and see their worker timelines stacked on one time axis.</p>"
    "<p>Each task is drawn as it completes: solid while on CPU, hatched while waiting "
    "(the GIL, or a starved worker).</p>"
)


class TimingChart(QWidget):
    """Worker timeline on top; completion curves and wall-time bars below."""

    #: A task bar was clicked in a timeline: (run id, task index).
    taskChosen = Signal(int, int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAccessibleName("Timing chart")
        self.timeline = TimelineChart()
        self.legend = TimelineLegend()
        self.comparison = ComparisonTimelines()
        self.completion = CompletionChart()
        self.walls = WallTimeChart()
        self.timeline.setMinimumHeight(100)  # (and the legend above it)
        self.completion.setMinimumSize(240, 150)
        self.walls.setMinimumSize(200, 150)

        self._bottom = QSplitter(Qt.Orientation.Horizontal)
        self._bottom.setChildrenCollapsible(False)
        self._bottom.addWidget(self.completion)
        self._bottom.addWidget(self.walls)
        self._bottom.setStretchFactor(0, 3)
        self._bottom.setStretchFactor(1, 2)

        single = QWidget()
        single_layout = QVBoxLayout(single)
        single_layout.setContentsMargins(0, 0, 0, 0)
        single_layout.setSpacing(0)
        single_layout.addWidget(self.legend)
        single_layout.addWidget(self.timeline, 1)
        self._single = single
        self._top = QStackedWidget()
        self._top.addWidget(single)
        self._top.addWidget(self.comparison)

        self._split = QSplitter(Qt.Orientation.Vertical)
        self._split.setChildrenCollapsible(False)
        self._split.addWidget(self._top)
        self._split.addWidget(self._bottom)
        self._split.setStretchFactor(0, 3)
        self._split.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._split)

        self._runs: dict[int, tuple[str, object]] = {}  # run_id -> (label, colour)
        self._timeline_run: int | None = None

        self.first_run_note = QLabel(FIRST_RUN_TEXT, self)
        self.first_run_note.setAccessibleName("First run guidance")
        self.first_run_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.first_run_note.setWordWrap(True)
        self.first_run_note.setAutoFillBackground(True)
        self.first_run_note.setBackgroundRole(QPalette.ColorRole.Base)
        self.first_run_note.raise_()

        self.timeline.taskClicked.connect(self._on_timeline_task)
        self.comparison.taskClicked.connect(self.taskChosen)

    # -- first impressions, the shown view -------------------------------

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.first_run_note.setGeometry(self.rect())

    def _update_note(self) -> None:
        self.first_run_note.setVisible(not self._runs)
        self.first_run_note.setGeometry(self.rect())

    def showing_comparison(self) -> bool:
        return self._top.currentWidget() is self.comparison

    def show_comparison(self, runs: list[tuple[int, RunResult, np.ndarray]]) -> None:
        """Stack the timelines of ``runs`` ((run id, result, pairs), top first)
        on one time axis, in place of the single timeline. When the runs
        happened in different interpreters, each label says which."""
        shown = []
        mixed = mixes_pythons([result for _id, result, _pairs in runs])
        for run_id, result, pairs in runs:
            label, color = self._runs.get(run_id, (f"#{run_id}", "grey"))
            python = run_label(result)
            if mixed and not label.endswith(python):
                label += f" · {python}"
            shown.append(ComparedRun(run_id, label, color, result, pairs))
        self.comparison.show_runs(shown)
        self._top.setCurrentWidget(self.comparison)

    def _show_single(self) -> None:
        if self.showing_comparison():
            self._top.setCurrentWidget(self._single)
            self.comparison.clear()

    @Slot(int)
    def _on_timeline_task(self, task: int) -> None:
        if self._timeline_run is not None:
            self.taskChosen.emit(self._timeline_run, task)

    # -- routing one run's events ----------------------------------------

    def begin_run(self, run_id: int, info: RunInfo, pairs: np.ndarray, label: str, color) -> None:
        """A run started: the timeline shows it, and it gets a completion curve."""
        color = to_qcolor(color)
        self._runs[run_id] = (label, color)
        self._timeline_run = run_id
        self._show_single()
        self._update_note()
        self.legend.set_color(color)
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
        self._update_note()
        self.completion.add_finished_run(run_id, label, color, result)
        self.walls.add_run(run_id, label, color, result.wall_s, speedup)

    def show_run(self, run_id: int, result: RunResult, pairs: np.ndarray) -> None:
        """Show a finished run's tasks in the timeline."""
        label, color = self._runs.get(run_id, (f"#{run_id}", "grey"))
        self._timeline_run = run_id
        self._show_single()
        self.legend.set_color(color)
        self.timeline.show_result(result, pairs, label, color)

    def remove_run(self, run_id: int) -> None:
        self._runs.pop(run_id, None)
        if run_id == self._timeline_run:
            self._timeline_run = None
            self.timeline.clear()
        if run_id in self.comparison.run_ids():
            self._show_single()
        self.completion.remove_run(run_id)
        self.walls.remove_run(run_id)
        self._update_note()

    def clear(self) -> None:
        self._runs.clear()
        self._timeline_run = None
        self._show_single()
        self.timeline.clear()
        self.completion.clear()
        self.walls.clear()
        self._update_note()
