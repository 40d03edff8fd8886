"""The task anatomy view: the nine steps of one task, and of the whole run.

Click a task in a worker timeline and this table fills with the seed's nine
steps in order (pickle the arguments, copy them to the worker, unpickle
them, import the module, compute, pickle the result, copy it back, unpickle
it, merge it), each step's seconds and share of the task, and the same for
the run's totals. The figures come from :mod:`gcdapp.core.anatomy`; this
widget only shows them. The shares make leverage visible: how much
of the whole the compute is.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gcdapp.core.anatomy import STEPS, Anatomy, run_anatomy, task_anatomy
from gcdapp.core.events import RunResult

__all__ = ["TaskAnatomyView", "format_seconds"]

_HEADERS = ("step", "task", "share", "run", "share")
PLACEHOLDER = "Click a task in a worker timeline to see its nine steps."


def format_seconds(value: float) -> str:
    if not math.isfinite(value):
        return "—"
    if value == 0:
        return "0"
    if value < 1e-3:
        return f"{value * 1e6:.1f} µs"
    if value < 0.1:
        return f"{value * 1e3:.2f} ms"
    if value < 1:
        return f"{value * 1e3:.1f} ms"
    return f"{value:.3f} s"


class TaskAnatomyView(QWidget):
    """A caption and a table of the nine steps."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAccessibleName("Task anatomy")
        self.caption = QLabel(PLACEHOLDER)
        self.caption.setWordWrap(True)
        self.table = QTableWidget(len(STEPS), len(_HEADERS))
        self.table.setAccessibleName("Task anatomy steps")
        self.table.setHorizontalHeaderLabels(list(_HEADERS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setMinimumSectionSize(36)
        header.setToolTip("Each step's seconds and share: of the clicked task, and summed over "
                          "the run's tasks")
        rows = self.table.verticalHeader()
        rows.setMinimumSectionSize(1)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 2)
        for row, name in enumerate(STEPS):
            self.table.setItem(row, 0, QTableWidgetItem(f"{row + 1}. {name}"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.caption)
        self.table.setMinimumHeight(48)  # (it scrolls in a small window)
        layout.addWidget(self.table, 1)
        self._task: tuple[int, int] | None = None
        self.clear()

    # -- public -----------------------------------------------------------
    def shown_task(self) -> tuple[int, int] | None:
        """(run id, task index) shown, or None."""
        return self._task

    def show_task(self, run_id: int, label: str, result: RunResult, task: int) -> None:
        """Fill in ``task`` (an index into ``result.tasks``) of run ``run_id``."""
        one = task_anatomy(result, task)
        whole = run_anatomy(result)
        tasks = result.tasks
        start, count = int(tasks.start[task]), int(tasks.count[task])
        where = f"pair {start}" if count == 1 else f"pairs {start}–{start + count - 1}"
        self.caption.setText(
            f"{label} · task {task} ({where}): {format_seconds(one.total_s)}; "
            f"run: {format_seconds(whole.total_s)}")
        self.caption.setToolTip(f"The run's {len(tasks):,} tasks, summed")
        self._fill(1, one)
        self._fill(3, whole)
        self._task = (run_id, task)

    def steps(self) -> list[tuple[str, str, str, str, str]]:
        """The table's text, row by row."""
        return [tuple(self.table.item(r, c).text() if self.table.item(r, c) else ""
                      for c in range(len(_HEADERS))) for r in range(self.table.rowCount())]

    def clear(self) -> None:
        self.caption.setText(PLACEHOLDER)
        for row in range(len(STEPS)):
            for column in range(1, len(_HEADERS)):
                self.table.setItem(row, column, QTableWidgetItem(""))
        self._task = None

    # -- internals --------------------------------------------------------
    def _fill(self, column: int, anatomy: Anatomy) -> None:
        for row, (name, seconds) in enumerate(anatomy.steps):
            share = anatomy.share(name)
            value = QTableWidgetItem(format_seconds(seconds))
            value.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, column, value)
            text = f"{share:.1%}" if math.isfinite(share) else "—"
            cell = QTableWidgetItem(text)
            cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            cell.setToolTip(f"{name}: {format_seconds(seconds)}, {text} of "
                            f"{format_seconds(anatomy.total_s)}")
            self.table.setItem(row, column + 1, cell)
