"""The document a window shows, without Qt: the pairs, the run settings, the
finished runs with the pairs they used, the session file and whether it has
unsaved changes.

Every change goes through a method, which changes the state and then emits
one of :attr:`Workspace.events` (see :mod:`gcdapp.core.observable`):

``pairs_changed(change: PairsChange)``
    The pairs changed; ``change`` says how, so a table can report exactly
    the rows inserted, removed or edited.
``settings_changed(choices: RunSettings)``
    The run settings changed (not emitted when set to what they were).
``runs_changed(change: RunsChange)``
    A run was added, or the runs were replaced or cleared.
``experiments_changed(kind: str)``
    The last worker sweep (``"sweep"``) or leverage map (``"leverage"``)
    was set, replaced or cleared.
``modified_changed(modified: bool)``
    The unsaved-changes flag flipped. Every change of pairs, settings,
    runs or experiments sets it; :meth:`Workspace.mark_saved` clears it.

The pair array is never changed in place except by :meth:`set_value`; every
other change builds a new array, so an array handed out by :attr:`pairs`
before such a change keeps its values (undo commands keep them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from gcdapp.core.history import RunHistory, RunRecord
from gcdapp.core.leverage_result import LeverageResult
from gcdapp.core.observable import EventGroup
from gcdapp.core.pairs import as_pairs, fits_int64
from gcdapp.core.run_settings import RunSettings
from gcdapp.core.sweep_result import SweepResult

_EMPTY_ROWS = np.empty(0, dtype=np.int64)


@dataclass(frozen=True, eq=False)
class PairsChange:
    """How the pairs changed.

    ``kind`` is one of:

    - ``"reset"``: all of them may have changed;
    - ``"insert"``: ``count`` rows inserted before ``row``;
    - ``"remove"``: the sorted ``rows`` (of the old pairs) removed;
    - ``"restore"``: the sorted ``rows`` (of the new pairs) put back (undo
      of a remove that was not one block);
    - ``"value"``: ``a`` or ``b`` (``column``) of ``row`` set.
    """

    kind: str
    row: int = 0
    count: int = 0
    rows: np.ndarray = field(default_factory=lambda: _EMPTY_ROWS)
    column: int = 0

    @property
    def contiguous(self) -> bool:
        """For ``"remove"``: the rows are one block."""
        rows = self.rows
        return len(rows) > 0 and int(rows[-1]) - int(rows[0]) == len(rows) - 1


@dataclass(frozen=True)
class RunsChange:
    """``kind`` ``"added"`` (``record`` is the new run) or ``"reset"``."""

    kind: str
    record: RunRecord | None = None


def compact_pairs(pairs) -> np.ndarray:
    """``pairs`` as a fresh ``(n, 2)`` array: int64 when every value fits,
    else object."""
    pairs = as_pairs(pairs)
    if pairs.dtype == object:
        try:
            return pairs.astype(np.int64)
        except OverflowError:
            return pairs.copy()
    return np.array(pairs, dtype=np.int64, copy=True)


def sorted_rows(rows: Sequence[int] | np.ndarray) -> np.ndarray:
    """``rows`` as a sorted int64 array without duplicates.

    Cheap when they already are (a selection usually is); ``np.unique``
    hashes, which costs ~0.4 s on a million rows.
    """
    out = np.asarray(rows, dtype=np.int64).ravel()
    if len(out) < 2 or bool((out[1:] > out[:-1]).all()):
        return out
    out = np.sort(out)
    return out[np.concatenate(([True], out[1:] != out[:-1]))]


def _contiguous(rows: np.ndarray) -> bool:
    return len(rows) > 0 and int(rows[-1]) - int(rows[0]) == len(rows) - 1


class Workspace:
    """The pairs, run settings, runs, session file and modified flag."""

    def __init__(self, pairs=None, settings: RunSettings | None = None):
        self.events = EventGroup("pairs_changed", "settings_changed", "runs_changed",
                                 "experiments_changed", "modified_changed")
        self._pairs = np.empty((0, 2), dtype=np.int64) if pairs is None else compact_pairs(pairs)
        self._settings = settings if settings is not None else RunSettings()
        #: The finished runs, in order. Change them through :meth:`add_run`,
        #: :meth:`set_runs` and :meth:`clear_runs`; ``new_id`` is free to call.
        self.history = RunHistory()
        self._pairs_of: dict[str, np.ndarray] = {}
        self._path: str | None = None
        self._modified = False
        self._sweep: SweepResult | None = None
        self._leverage: LeverageResult | None = None

    # -- the pairs ---------------------------------------------------------------
    @property
    def pairs(self) -> np.ndarray:
        """The ``(n, 2)`` pairs as a read-only view (no copy)."""
        view = self._pairs.view()
        view.flags.writeable = False
        return view

    def __len__(self) -> int:
        return len(self._pairs)

    def value(self, row: int, column: int) -> int:
        return int(self._pairs[row, column])

    def set_pairs(self, pairs) -> None:
        """Replace every pair (copied)."""
        self._pairs = compact_pairs(pairs)
        self._pairs_changed(PairsChange("reset"))

    def insert_pairs(self, row: int, pairs) -> None:
        """Insert ``pairs`` before ``row`` (``row == len(self)`` appends)."""
        new = as_pairs(pairs)
        n = len(self._pairs)
        if not 0 <= row <= n:
            raise IndexError(f"row {row} out of range 0..{n}")
        if len(new) == 0:
            return
        self._pairs = np.concatenate((self._pairs[:row], new, self._pairs[row:]))
        self._pairs_changed(PairsChange("insert", row=row, count=len(new)))

    def remove_rows(self, rows: Sequence[int] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Remove ``rows``; return ``(rows, values)`` (sorted) for :meth:`restore_rows`."""
        rows = sorted_rows(rows)
        n = len(self._pairs)
        if len(rows) and (rows[0] < 0 or rows[-1] >= n):
            raise IndexError(f"rows out of range 0..{n - 1}: {rows[0]}..{rows[-1]}")
        values = self._pairs[rows]
        if len(rows) == 0:
            return rows, values
        if _contiguous(rows):
            kept = np.delete(self._pairs, slice(int(rows[0]), int(rows[-1]) + 1), axis=0)
        else:
            kept = np.delete(self._pairs, rows, axis=0)
        self._pairs = compact_pairs(kept) if kept.dtype == object else kept
        self._pairs_changed(PairsChange("remove", rows=rows, count=len(rows)))
        return rows, values

    def restore_rows(self, rows: np.ndarray, values: np.ndarray) -> None:
        """Undo :meth:`remove_rows`: put ``values`` back at their old ``rows``."""
        rows = np.asarray(rows, dtype=np.int64)
        values = as_pairs(values)
        k = len(rows)
        if k == 0:
            return
        if len(values) != k:
            raise ValueError(f"{k} rows but {len(values)} values")
        if _contiguous(rows):
            self.insert_pairs(int(rows[0]), values)
            return
        at = rows - np.arange(k)  # positions in the array without them
        if not (0 <= at[0] and at[-1] <= len(self._pairs)):
            raise IndexError("rows do not fit the current pairs")
        pairs = self._pairs
        if values.dtype == object and pairs.dtype != object:
            pairs = pairs.astype(object)
        self._pairs = np.insert(pairs, at, values, axis=0)
        self._pairs_changed(PairsChange("restore", rows=rows, count=k))

    def set_value(self, row: int, column: int, value: int) -> None:
        """Set ``a`` (column 0) or ``b`` (column 1) of one row."""
        if column not in (0, 1):
            raise ValueError(f"column {column} is not editable")
        value = int(value)
        if self._pairs.dtype != object and not fits_int64(value):
            self._pairs = self._pairs.astype(object)
        self._pairs[row, column] = value
        if self._pairs.dtype == object and fits_int64(value):
            self._pairs = compact_pairs(self._pairs)
        self._pairs_changed(PairsChange("value", row=int(row), count=1, column=int(column)))

    def _pairs_changed(self, change: PairsChange) -> None:
        self.events.pairs_changed.emit(change)
        self.set_modified(True)

    # -- the run settings --------------------------------------------------------
    @property
    def settings(self) -> RunSettings:
        return self._settings

    def set_settings(self, settings: RunSettings) -> None:
        if not isinstance(settings, RunSettings):
            raise TypeError(f"run settings must be RunSettings, not {type(settings).__name__}")
        if settings == self._settings:
            return
        self._settings = settings
        self.events.settings_changed.emit(settings)
        self.set_modified(True)

    # -- the runs ----------------------------------------------------------------
    @property
    def pairs_of(self) -> Mapping[str, np.ndarray]:
        """fingerprint -> the pairs its runs used (runs of the same pairs
        share one array). Read-only: change it through the run methods."""
        return _ReadOnlyDict(self._pairs_of)

    def add_pair_set(self, fingerprint: str, pairs: np.ndarray) -> np.ndarray:
        """Keep ``pairs`` as the pairs of runs with ``fingerprint`` (the one
        already kept wins); return the kept array."""
        return self._pairs_of.setdefault(fingerprint, pairs)

    def add_run(self, record: RunRecord, pairs: np.ndarray | None = None) -> None:
        """Add a finished run; its pairs must be known (here or before)."""
        if pairs is not None:
            self.add_pair_set(record.fingerprint, pairs)
        if record.fingerprint not in self._pairs_of:
            raise KeyError(f"run #{record.run_id}: no pairs with fingerprint {record.fingerprint}")
        self.history.add(record)
        self.events.runs_changed.emit(RunsChange("added", record))
        self.set_modified(True)

    def set_runs(self, records: Iterable[RunRecord], pair_sets: Mapping[str, np.ndarray]) -> None:
        """Replace the runs with ``records``, whose pairs are in ``pair_sets``
        by fingerprint. A missing pair set changes nothing (KeyError)."""
        records = tuple(records)
        pairs_of = {r.fingerprint: pair_sets[r.fingerprint] for r in records}
        self.history.clear()
        for record in records:
            self.history.add(record)
        self._pairs_of = pairs_of
        self.events.runs_changed.emit(RunsChange("reset"))
        self.set_modified(True)

    def clear_runs(self) -> None:
        self.history.clear()
        self._pairs_of = {}
        self.events.runs_changed.emit(RunsChange("reset"))
        self.set_modified(True)

    # -- the experiments -----------------------------------------------------------
    @property
    def sweep(self) -> SweepResult | None:
        """The last worker sweep (partial while it runs), or None."""
        return self._sweep

    @property
    def leverage(self) -> LeverageResult | None:
        """The last leverage map (partial while it runs), or None."""
        return self._leverage

    def set_sweep(self, sweep: SweepResult | None) -> None:
        self._sweep = sweep
        self.events.experiments_changed.emit("sweep")
        self.set_modified(True)

    def set_leverage(self, leverage: LeverageResult | None) -> None:
        self._leverage = leverage
        self.events.experiments_changed.emit("leverage")
        self.set_modified(True)

    # -- the session file and the modified flag ----------------------------------
    @property
    def path(self) -> str | None:
        """The session file this document saves to (None: not saved yet)."""
        return self._path

    def set_path(self, path: str | None) -> None:
        self._path = path

    @property
    def modified(self) -> bool:
        return self._modified

    def set_modified(self, modified: bool) -> None:
        modified = bool(modified)
        if modified != self._modified:
            self._modified = modified
            self.events.modified_changed.emit(modified)

    def mark_saved(self, path: str | None = None) -> None:
        """Saved (to ``path``, when given): no unsaved changes."""
        if path is not None:
            self._path = path
        self.set_modified(False)


class _ReadOnlyDict(Mapping):
    __slots__ = ("_data",)

    def __init__(self, data: dict):
        self._data = data

    def __getitem__(self, key):
        return self._data[key]

    def __iter__(self):
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __eq__(self, other) -> bool:
        return dict(self._data) == other

    def __repr__(self) -> str:
        return f"pairs_of({self._data!r})"
