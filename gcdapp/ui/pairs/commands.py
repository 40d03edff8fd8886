"""Undoable changes to the pairs of a :class:`~gcdapp.core.workspace.Workspace`.

Each command keeps only the numpy arrays it needs to go both ways, and makes
its change through the workspace's methods; every view of the workspace (the
pair table model) hears of it from the workspace's events, on redo and on
undo. A command takes the workspace, or a model showing one. Results (gcd, time,
worker) are not part of the history: rows that come back through an undo
come back without results.

Push a command right after creating it: a command reads the state it replaces
when it is created (``ReplaceAllCommand``, ``EditCellCommand``) or when it is
first applied (``InsertPairsCommand``, ``DeleteRowsCommand``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtGui import QUndoCommand

from gcdapp.core.pairs import as_pairs
from gcdapp.core.workspace import Workspace, sorted_rows
from gcdapp.ui.pairs.table_model import COL_A, COL_B, COLUMNS, PairTableModel

Target = Workspace | PairTableModel


def _workspace(target: Target) -> Workspace:
    return target if isinstance(target, Workspace) else target.workspace


def count_text(n: int, noun: str) -> str:
    """``count_text(1000, "pair")`` -> ``"1,000 pairs"``."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


class InsertPairsCommand(QUndoCommand):
    """Insert pairs (paste, add row), optionally in place of some rows.

    With ``replace_rows`` the new pairs take the place of those rows (they go
    where the first of them was); otherwise they go before ``row``, or at the
    end when ``row`` is None.
    """

    def __init__(
        self,
        model: Target,
        pairs,
        *,
        row: int | None = None,
        replace_rows: Sequence[int] | np.ndarray | None = None,
        text: str | None = None,
        verb: str = "Paste",
        parent: QUndoCommand | None = None,
    ):
        super().__init__(parent)
        self._workspace = _workspace(model)
        self._pairs = as_pairs(pairs)
        replace = sorted_rows(replace_rows if replace_rows is not None else ())
        self._replace = replace if len(replace) else None
        if self._replace is not None:
            self._at = int(self._replace[0])
        else:
            self._at = len(self._workspace) if row is None else int(row)
        self._removed: tuple[np.ndarray, np.ndarray] | None = None
        if text is None:
            text = f"{verb} {count_text(len(self._pairs), 'pair')}"
            if self._replace is not None:
                text += f" over {count_text(len(self._replace), 'row')}"
        self.setText(text)

    @property
    def first_row(self) -> int:
        return self._at

    @property
    def n_pairs(self) -> int:
        return len(self._pairs)

    def redo(self) -> None:
        if self._replace is not None:
            self._removed = self._workspace.remove_rows(self._replace)
        self._workspace.insert_pairs(self._at, self._pairs)

    def undo(self) -> None:
        self._workspace.remove_rows(np.arange(self._at, self._at + len(self._pairs)))
        if self._removed is not None:
            self._workspace.restore_rows(*self._removed)


class EditCellCommand(QUndoCommand):
    """Set ``a`` or ``b`` of one row."""

    def __init__(
        self,
        model: Target,
        row: int,
        column: int,
        value: int,
        parent: QUndoCommand | None = None,
    ):
        super().__init__(parent)
        if column not in (COL_A, COL_B):
            raise ValueError(f"column {column} is not editable")
        self._workspace = _workspace(model)
        self._row, self._column = int(row), int(column)
        self._new = int(value)
        self._old = self._workspace.value(self._row, self._column)
        self.setText(f"Edit {COLUMNS[column]} of row {self._row + 1:,}")

    def redo(self) -> None:
        self._workspace.set_value(self._row, self._column, self._new)

    def undo(self) -> None:
        self._workspace.set_value(self._row, self._column, self._old)


class DeleteRowsCommand(QUndoCommand):
    """Remove some rows; undo puts them back where they were."""

    def __init__(
        self,
        model: Target,
        rows: Sequence[int] | np.ndarray,
        parent: QUndoCommand | None = None,
    ):
        super().__init__(parent)
        self._workspace = _workspace(model)
        self._rows = sorted_rows(rows)
        self._values: np.ndarray | None = None
        self.setText(f"Delete {count_text(len(self._rows), 'row')}")

    def redo(self) -> None:
        self._rows, self._values = self._workspace.remove_rows(self._rows)

    def undo(self) -> None:
        self._workspace.restore_rows(self._rows, self._values)


class ReplaceAllCommand(QUndoCommand):
    """Replace every pair (generate, preset, open a file)."""

    def __init__(
        self,
        model: Target,
        pairs,
        text: str | None = None,
        parent: QUndoCommand | None = None,
    ):
        super().__init__(parent)
        self._workspace = _workspace(model)
        self._new = as_pairs(pairs)
        # The workspace copies whatever set_pairs() gets and never mutates an
        # array it has let go of, so after redo() this view is the only reference.
        self._old = self._workspace.pairs
        self.setText(text or f"Replace with {count_text(len(self._new), 'pair')}")

    def redo(self) -> None:
        self._workspace.set_pairs(self._new)

    def undo(self) -> None:
        self._workspace.set_pairs(self._old)


class ClearCommand(ReplaceAllCommand):
    """Remove every pair."""

    def __init__(self, model: Target, parent: QUndoCommand | None = None):
        n = len(_workspace(model))
        super().__init__(
            model, np.empty((0, 2), dtype=np.int64), f"Clear {count_text(n, 'pair')}", parent
        )
