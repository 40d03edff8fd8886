"""The pair table: a Qt model over compact numpy arrays.

Every column is one numpy array with a slot per row; there is no Python object
per row or per cell, so a million pairs cost about 40 MB and ``data()`` is a
couple of array look-ups. Columns:

``a``, ``b``
    The pair, ``(n, 2)`` int64; ``object`` (Python ints) only while some value
    does not fit in 64 bits.
``gcd``
    int64 (``object`` for huge results) plus a boolean ``done`` mask; the cell
    is empty until the pair is computed.
``time``
    float64 seconds of the *task* that computed the pair (NaN when none). A
    task may hold several pairs; the tooltip then says "task of N pairs".
``worker``
    int32 index into the run's worker labels (-1 when none).

The pairs themselves belong to a :class:`~gcdapp.core.workspace.Workspace`;
the model is a view of them. It listens to ``workspace.events.pairs_changed``
and reports each change to Qt (rows inserted or removed, a reset, one cell),
however the change was made. The result columns are the model's own: what
the last run computed, shown beside the pairs.

The model's mutators (``set_pairs``, ``insert_pairs``, ``remove_rows``,
``restore_rows``, ``set_value``) forward to the workspace. Undoable edits go
through :mod:`gcdapp.ui.pairs.commands`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from gcdapp.core.events import TaskBatch
from gcdapp.core.kernels import DomainIssue, Kernel
from gcdapp.core.parsing import MAX_DIGITS
from gcdapp.core.workspace import PairsChange, Workspace, sorted_rows
from gcdapp.core.task_rows import pair_rows
from gcdapp.core.parsing.integers import BadInteger, parse_int

COL_A, COL_B, COL_GCD, COL_TIME, COL_WORKER = range(5)
COLUMNS = ("a", "b", "gcd", "time", "worker")
_COLUMN_TIPS = (
    "First number of the pair (double-click to edit)",
    "Second number of the pair (double-click to edit)",
    "Greatest common divisor, once computed",
    "Time of the task that computed the pair",
    "Worker (process id or thread name) that computed the pair",
)

_TOO_BIG = 10**MAX_DIGITS

_READ_ONLY_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
)
_EDITABLE_FLAGS = _READ_ONLY_FLAGS | Qt.ItemFlag.ItemIsEditable
_NO_FLAGS = Qt.ItemFlag.NoItemFlags

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

# Roles as plain ints: a view asks ~7 roles per cell per paint, and comparing
# an int with an enum member costs more than the rest of the look-up.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_EDIT = int(Qt.ItemDataRole.EditRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
#: The roles data() answers; the others (font, decoration, check state, size
#: hint, ...) return None before any other work.
_ANSWERED_ROLES = frozenset((_DISPLAY, _EDIT, _TOOLTIP, _ALIGN, _FOREGROUND, _BACKGROUND))
_TEXT_ROLES = frozenset((_DISPLAY, _EDIT))
_DOMAIN_ROLES = frozenset((_TOOLTIP, _FOREGROUND, _BACKGROUND))

# A translucent red reads over both a white and a near-black base; the text
# colour is picked from the palette so it keeps its contrast in both.
_BAD_BACKGROUND = QColor(229, 57, 53, 70)
_BAD_TEXT_ON_LIGHT = QColor("#b71c1c")
_BAD_TEXT_ON_DARK = QColor("#ff8a80")


def parse_int_cell(value) -> int | None:
    """An integer typed into a cell, or None when it is not one.

    Accepts an ``int`` or text in the parser's integer syntax (``" -1_234 "``);
    rejects anything else and values of more than ``MAX_DIGITS`` digits.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, np.integer)):
        value = int(value)
        return None if abs(value) >= _TOO_BIG else value
    if not isinstance(value, str):
        return None
    try:
        return parse_int(value, MAX_DIGITS)
    except BadInteger:  # not the syntax, too many digits, or over Python's limit
        return None


def format_seconds(seconds: float) -> str:
    """``0.0123`` -> ``"12.3 ms"``: three significant digits and a unit."""
    if not math.isfinite(seconds):
        return ""
    for scale, unit in ((1.0, "s"), (1e-3, "ms"), (1e-6, "µs")):
        if abs(seconds) >= scale * 0.9995:
            break
    else:
        scale, unit = 1e-9, "ns"
    value = seconds / scale
    if abs(value) >= 99.95:
        return f"{value:.0f} {unit}"
    if abs(value) >= 9.995:
        return f"{value:.1f} {unit}"
    return f"{value:.2f} {unit}"


class PairTableModel(QAbstractTableModel):
    """The pairs and what the last run computed for them."""

    #: The pairs themselves changed (not merely their results).
    pairsChanged = Signal()

    def __init__(self, pairs=None, parent=None, workspace: Workspace | None = None):
        super().__init__(parent)
        #: The document whose pairs this model shows (its own, if none is given).
        self.workspace = workspace if workspace is not None else Workspace()
        if pairs is not None:
            self.workspace.set_pairs(pairs)
        # The array Qt has been told about: it changes to the workspace's
        # between a begin*/end* pair, so Qt never sees rows it was not told of.
        self._pairs = self.workspace.pairs
        self._kernel: Kernel | None = None
        self._editable = True
        self._lanes: tuple[str, ...] = ()
        self._reset_results(len(self._pairs))
        self.workspace.events.pairs_changed.connect(self._on_pairs_changed)

    # -- storage ---------------------------------------------------------------

    #: The per-row result arrays, each sized like the pairs.
    _RESULT_ARRAYS = ("_gcd", "_done", "_time", "_task_n", "_worker")

    def _reset_results(self, n: int, reuse: bool = False) -> None:
        """Blank result arrays for ``n`` rows. ``reuse``: blank the current
        ones in place where they fit (no fresh memory to fault in: a run
        starts with this, on a million rows)."""
        for name in self._RESULT_ARRAYS:
            old = getattr(self, name, None) if reuse else None
            blank = self._blank(name, 1)
            if old is not None and len(old) == n and old.dtype == blank.dtype:
                old.fill(blank[0])
            else:
                setattr(self, name, self._blank(name, n))
        self._has_results = False  # (apply_batch sets it)

    def _result_arrays(self) -> tuple[str, ...]:
        return self._RESULT_ARRAYS

    @staticmethod
    def _blank(name: str, k: int) -> np.ndarray:
        if name == "_gcd":
            return np.zeros(k, dtype=np.int64)
        if name == "_done":
            return np.zeros(k, dtype=bool)
        if name == "_time":
            return np.full(k, np.nan, dtype=np.float64)
        if name == "_task_n":
            return np.zeros(k, dtype=np.int32)
        return np.full(k, -1, dtype=np.int32)

    def _clear_row_results(self, rows) -> None:
        self._done[rows] = False
        self._time[rows] = np.nan
        self._task_n[rows] = 0
        self._worker[rows] = -1

    def _index_span_changed(self, first: int, last: int, col0: int, col1: int, roles=()):
        if last < first:
            return
        self.dataChanged.emit(self.index(first, col0), self.index(last, col1), list(roles))

    # -- Qt model interface ------------------------------------------------------

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._pairs)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def flags(self, index):
        # Qt may ask once per cell of a big selection: keep this cheap.
        if self._editable and index.column() <= COL_B and index.isValid():
            return _EDITABLE_FLAGS
        return _READ_ONLY_FLAGS if index.isValid() else _NO_FLAGS

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(COLUMNS):
                return COLUMNS[section]
            if role == Qt.ItemDataRole.ToolTipRole and 0 <= section < len(COLUMNS):
                return _COLUMN_TIPS[section]
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT
        return None

    def data(self, index, role=_DISPLAY):
        # Called per role and cell at every paint of the table: cheap exits first.
        if role not in _ANSWERED_ROLES or not index.isValid():
            return None
        row, col = index.row(), index.column()
        if row >= len(self._pairs):
            return None
        if col <= COL_B:
            return self._pair_data(row, col, role)
        if role == _ALIGN:
            return _LEFT if col == COL_WORKER else _RIGHT
        if col == COL_GCD:
            if role in _TEXT_ROLES:
                return str(int(self._gcd[row])) if self._done[row] else ""
            return None
        if col == COL_TIME:
            if role == _DISPLAY:
                return format_seconds(float(self._time[row]))
            if role == _EDIT:
                return float(self._time[row])
            if role == _TOOLTIP and self._task_n[row] > 1:
                return f"task of {int(self._task_n[row]):,} pairs"
            return None
        if col == COL_WORKER:
            if role == _DISPLAY or role == _TOOLTIP:
                lane = int(self._worker[row])
                if 0 <= lane < len(self._lanes):
                    return self._lanes[lane]
                return "" if role == _DISPLAY else None
            return None
        return None

    def _pair_data(self, row: int, col: int, role):
        if role in _TEXT_ROLES:
            return str(int(self._pairs[row, col]))
        if role == _ALIGN:
            return _RIGHT
        if role in _DOMAIN_ROLES:
            reason = self.domain_reason(row)
            if reason is None:
                return None
            if role == _TOOLTIP:
                return reason
            if role == _BACKGROUND:
                return QColor(_BAD_BACKGROUND)
            base = QGuiApplication.palette().color(QPalette.ColorRole.Base)
            return QColor(_BAD_TEXT_ON_DARK if base.lightness() < 128 else _BAD_TEXT_ON_LIGHT)
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        """Set ``a`` or ``b`` from an int or integer text; False if it is not one."""
        if (
            role != Qt.ItemDataRole.EditRole
            or not index.isValid()
            or index.column() not in (COL_A, COL_B)
            or not self._editable
        ):
            return False
        number = parse_int_cell(value)
        if number is None:
            return False
        self.set_value(index.row(), index.column(), number)
        return True

    # -- pairs ---------------------------------------------------------------------

    def pairs(self) -> np.ndarray:
        """The ``(n, 2)`` pairs as a read-only view (no copy)."""
        return self.workspace.pairs

    def value(self, row: int, column: int) -> int:
        return self.workspace.value(row, column)

    def set_pairs(self, pairs) -> None:
        """Replace every pair (a model reset); results are cleared."""
        self.workspace.set_pairs(pairs)

    def insert_pairs(self, row: int, pairs) -> None:
        """Insert ``pairs`` before ``row`` (``row == rowCount()`` appends)."""
        self.workspace.insert_pairs(row, pairs)

    def remove_rows(self, rows: Sequence[int] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Remove ``rows``; return ``(rows, values)`` (sorted) for :meth:`restore_rows`."""
        return self.workspace.remove_rows(rows)

    def restore_rows(self, rows: np.ndarray, values: np.ndarray) -> None:
        """Undo :meth:`remove_rows`: put ``values`` back at their old ``rows``."""
        self.workspace.restore_rows(rows, values)

    def set_value(self, row: int, column: int, value: int) -> None:
        """Set one ``a``/``b`` value; that row's results are cleared."""
        self.workspace.set_value(row, column, value)

    def _on_pairs_changed(self, change: PairsChange) -> None:
        """Tell Qt what changed in the workspace's pairs, and take them."""
        new = self.workspace.pairs
        kind = change.kind
        if kind == "insert":
            row, k = change.row, change.count
            self.beginInsertRows(QModelIndex(), row, row + k - 1)
            self._pairs = new
            for name in self._result_arrays():
                old = getattr(self, name)
                setattr(self, name, np.concatenate((old[:row], self._blank(name, k), old[row:])))
            self.endInsertRows()
        elif kind == "remove" and change.contiguous:
            first, last = int(change.rows[0]), int(change.rows[-1])
            self.beginRemoveRows(QModelIndex(), first, last)
            self._pairs = new
            for name in self._result_arrays():
                setattr(self, name, np.delete(getattr(self, name), slice(first, last + 1)))
            self.endRemoveRows()
        elif kind == "remove":
            self.beginResetModel()
            self._pairs = new
            for name in self._result_arrays():
                setattr(self, name, np.delete(getattr(self, name), change.rows))
            self.endResetModel()
        elif kind == "restore":
            at = change.rows - np.arange(len(change.rows))
            self.beginResetModel()
            self._pairs = new
            for name in self._result_arrays():
                setattr(self, name, np.insert(getattr(self, name), at,
                                              self._blank(name, len(at))))
            self.endResetModel()
        elif kind == "value":
            self._pairs = new
            self._clear_row_results(change.row)
            self._index_span_changed(change.row, change.row, COL_A, COL_WORKER)
        else:  # "reset"
            self.beginResetModel()
            self._pairs = new
            self._reset_results(len(new))
            self.endResetModel()
        self.pairsChanged.emit()

    # -- results -------------------------------------------------------------------

    def lanes(self) -> tuple[str, ...]:
        return self._lanes

    def clear_results(self) -> None:
        """Forget every computed gcd, time and worker."""
        if self._has_results:  # (else they are blank already: spare a run's start the work)
            self._reset_results(len(self._pairs), reuse=True)
        self._lanes = ()
        self._index_span_changed(0, len(self._pairs) - 1, COL_GCD, COL_WORKER)

    def results(self) -> tuple[np.ndarray, np.ndarray]:
        """``(gcd, done)`` as read-only views."""
        gcd, done = self._gcd.view(), self._done.view()
        gcd.flags.writeable = done.flags.writeable = False
        return gcd, done

    #: Batches of at most this many tasks fill their rows task by task (slices);
    #: larger ones (many small tasks) in one vectorised pass.
    _SLICE_TASKS = 64

    def apply_batch(self, batch: TaskBatch) -> None:
        """Fill gcd/time/worker for the pairs of ``batch`` (one dataChanged
        over the rows it touched; views decide what to repaint of it)."""
        n = len(self._pairs)
        if len(batch.lanes) >= len(self._lanes):
            self._lanes = tuple(batch.lanes)
        first, last = n, -1
        self._has_results = True

        count = np.asarray(batch.count, dtype=np.int64)
        if len(count):
            start = np.asarray(batch.start, dtype=np.int64)
            duration = np.asarray(batch.t_end, np.float64) - np.asarray(batch.t_start, np.float64)
            lane = np.asarray(batch.lane, np.int32)
            if len(count) <= self._SLICE_TASKS:
                # A task is a contiguous run of rows: a slice each, no index arrays.
                for s0, c, d, w in zip(start.tolist(), count.tolist(), duration.tolist(),
                                       lane.tolist()):
                    lo, hi = max(s0, 0), min(s0 + c, n)
                    if hi <= lo:
                        continue
                    self._time[lo:hi] = d
                    self._task_n[lo:hi] = c
                    self._worker[lo:hi] = w
                    first, last = min(first, lo), max(last, hi - 1)
            else:
                rows = pair_rows(start, count)
                keep = (rows >= 0) & (rows < n)
                rows = rows[keep]
                if len(rows):
                    self._time[rows] = np.repeat(duration, count)[keep]
                    self._task_n[rows] = np.repeat(count, count)[keep]
                    self._worker[rows] = np.repeat(lane, count)[keep]
                    first, last = min(first, int(rows.min())), max(last, int(rows.max()))

        index = np.asarray(batch.pair_index, dtype=np.int64)
        if len(index):
            gcd = np.asarray(batch.gcd)
            lo, hi = int(index.min()), int(index.max())
            if lo < 0 or hi >= n:  # (only pairs that exist; cheap check first)
                keep = (index >= 0) & (index < n)
                index, gcd = index[keep], gcd[keep]
                if len(index):
                    lo, hi = int(index.min()), int(index.max())
            if len(index):
                if gcd.dtype == object and self._gcd.dtype != object:
                    self._gcd = self._gcd.astype(object)
                if hi - lo + 1 == len(index) and bool((index[1:] > index[:-1]).all()):
                    self._gcd[lo : hi + 1] = gcd  # one contiguous ascending block
                    self._done[lo : hi + 1] = True
                else:
                    self._gcd[index] = gcd
                    self._done[index] = True
                first, last = min(first, lo), max(last, hi)

        self._index_span_changed(first, last, COL_GCD, COL_WORKER)

    # -- the kernel's domain -------------------------------------------------------

    def kernel(self) -> Kernel | None:
        return self._kernel

    def set_kernel(self, kernel: Kernel | None) -> None:
        """Mark the pairs outside ``kernel``'s domain (red, reason as tooltip)."""
        self._kernel = kernel
        self._index_span_changed(
            0,
            len(self._pairs) - 1,
            COL_A,
            COL_B,
            (
                Qt.ItemDataRole.ForegroundRole,
                Qt.ItemDataRole.BackgroundRole,
                Qt.ItemDataRole.ToolTipRole,
            ),
        )

    def domain_reason(self, row: int) -> str | None:
        """Why the kernel cannot take the pair at ``row`` (None if it can)."""
        if self._kernel is None:
            return None
        return self._kernel.domain_reason(int(self._pairs[row, 0]), int(self._pairs[row, 1]))

    def domain_issues(self, limit: int | None = 100) -> list[DomainIssue]:
        """The pairs outside the kernel's domain, in row order."""
        if self._kernel is None:
            return []
        return self._kernel.check(self._pairs, limit=limit)

    # -- editing -------------------------------------------------------------------

    def is_editable(self) -> bool:
        return self._editable

    def set_editable(self, editable: bool) -> None:
        """Allow or forbid editing ``a``/``b`` through the view."""
        # Views ask flags() whenever an edit is about to start: no signal needed.
        self._editable = bool(editable)


__all__ = [
    "COLUMNS",
    "COL_A",
    "COL_B",
    "COL_GCD",
    "COL_TIME",
    "COL_WORKER",
    "MAX_DIGITS",
    "PairTableModel",
    "format_seconds",
    "sorted_rows",
    "parse_int_cell",
]
