"""The runs table: one row per finished run, with its speedup against serial.

A view of the workspace's run history: rows follow ``workspace.events.runs_changed``."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from gcdapp.core.history import RunHistory, RunRecord
from gcdapp.core.pythons.run_python import record_label, run_python, short_label
from gcdapp.core.workspace import RunsChange, Workspace
from gcdapp.ui.charts.palette import mode_color

_COLUMNS = (
    ("run", "Run number and mode; select a run to show its timeline."),
    ("mode", "How the pairs were computed."),
    ("workers", "Worker threads or processes."),
    ("kernel", "The gcd implementation."),
    ("chunk", "Pairs per task."),
    ("pairs", "Pairs computed out of pairs submitted."),
    ("wall", "Wall time from pressing Run to the last result, pool start-up included."),
    ("start-up", "Time to create the pool and start its workers."),
    ("speedup", "Serial wall time ÷ this wall time, against the latest completed serial run "
                "of the same pairs and kernel."),
    ("status", "completed, cancelled or failed."),
    ("Python", "The interpreter the run happened in, as its workers saw it: version, and "
               "whether the GIL was off (free-threaded builds)."),
)
#: Where each column shows, left to right: what tells runs apart first; the
#: mode and worker count are in the run's own label, so they go last.
VISUAL_ORDER = ("run", "wall", "speedup", "Python", "pairs", "status", "start-up", "kernel",
                "chunk", "workers", "mode")
#: The widest a column grows to fit its text; longer text is elided (the
#: tooltip has it whole).
MAX_COLUMN_WIDTH = 190


def column(name: str) -> int:
    """The model's column of ``name``."""
    return [c[0] for c in _COLUMNS].index(name)


def _seconds(value: float) -> str:
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.3f} s"


class RunsModel(QAbstractTableModel):
    def __init__(self, workspace: Workspace, parent=None):
        super().__init__(parent)
        self.workspace = workspace
        self._rows = len(workspace.history)  # the rows Qt has been told about
        workspace.events.runs_changed.connect(self._on_runs_changed)

    @property
    def history(self) -> RunHistory:
        return self.workspace.history

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(_COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(_COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return _COLUMNS[section][0]
            if role == Qt.ItemDataRole.ToolTipRole:
                return _COLUMNS[section][1]
        return None

    def record(self, row: int) -> RunRecord:
        return self.history.records[row]

    def row_of(self, run_id: int) -> int:
        for row, record in enumerate(self.history.records):
            if record.run_id == run_id:
                return row
        return -1

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        record = self.record(index.row())
        result, info = record.result, record.result.info
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return record.label
            if column == 1:
                return info.mode
            if column == 2:
                return str(info.workers)
            if column == 3:
                return info.kernel
            if column == 4:
                return str(info.chunksize)
            if column == 5:
                done = result.n_done
                return f"{info.n_pairs:,}" if done == info.n_pairs else f"{done:,} / {info.n_pairs:,}"
            if column == 6:
                return _seconds(result.wall_s)
            if column == 7:
                return _seconds(result.startup_s)
            if column == 8:
                value = self.history.speedup(record)
                return "—" if value is None else f"{value:.2f}×"
            if column == 9:
                return result.status
            if column == 10:
                return short_label(run_python(result))
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 0:
                return record.label
            if column == 10:
                python = run_python(result)
                return f"{record_label(python)}\n{python.get('executable') or ''}".strip()
            if column == 9 and result.error:
                return result.error
            if column == 8:
                base = self.history.baseline(record)
                return (
                    f"Against {base.label} ({_seconds(base.result.wall_s)})"
                    if base is not None
                    else "No completed serial run of these pairs with this kernel yet."
                )
            if column == 7 and info.start_method:
                return f"start method: {info.start_method}"
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            return mode_color(info.mode)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (2, 4, 5, 6, 7, 8):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _on_runs_changed(self, change: RunsChange) -> None:
        n = len(self.history)
        if change.kind == "added" and n == self._rows + 1:
            self.beginInsertRows(QModelIndex(), self._rows, self._rows)
            self._rows = n
            self.endInsertRows()
        else:
            self.beginResetModel()
            self._rows = n
            self.endResetModel()
        self.refresh_speedups()

    def refresh_speedups(self) -> None:
        if len(self.history):
            self.dataChanged.emit(self.index(0, 8), self.index(len(self.history) - 1, 8))


class RunsTable(QTableView):
    """Finished runs. Selecting one emits ``runSelected`` with its id;
    selecting several (Ctrl or Shift) emits ``runsSelected`` with their ids,
    in table order."""

    runSelected = Signal(int)
    runsSelected = Signal(list)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Runs")
        self.setToolTip("Finished runs; select one to show its worker timeline, or several "
                        "(Ctrl or Shift) to stack their timelines on one time axis.")
        self.runs_model = RunsModel(workspace, self)
        self.setModel(self.runs_model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.verticalHeader().hide()
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setMaximumSectionSize(MAX_COLUMN_WIDTH)
        header.setStretchLastSection(True)
        for place, name in enumerate(VISUAL_ORDER):
            header.moveSection(header.visualIndex(column(name)), place)
        self.selectionModel().selectionChanged.connect(self._selection_changed)
        self._emitted: list[int] = []

    def _selection_changed(self, *_args) -> None:
        ids = self.selected_run_ids()
        if ids == self._emitted:
            return
        self._emitted = ids
        if len(ids) == 1:
            self.runSelected.emit(ids[0])
        elif len(ids) > 1:
            self.runsSelected.emit(ids)

    def selected_run_ids(self) -> list[int]:
        """The selected runs' ids, in table order."""
        rows = sorted({index.row() for index in self.selectionModel().selectedRows()})
        return [self.runs_model.record(row).run_id for row in rows
                if row < self.runs_model.rowCount()]

    def selected_run_id(self) -> int | None:
        """The current run's id (the last one clicked), or None."""
        index = self.currentIndex()
        return self.runs_model.record(index.row()).run_id if index.isValid() else None
