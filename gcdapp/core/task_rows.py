"""The pair rows of a list of tasks.

A task covers the contiguous pairs ``start, start + 1, ..., start + count - 1``.
:func:`pair_rows` lists the rows of every task, task after task, in one
vectorised pass; the engine, the session reader, the results export and the
pair table all expand tasks through it. :func:`as_block` tells when rows are
one contiguous block, to write them through a slice instead of an index array.
"""

from __future__ import annotations

import numpy as np

__all__ = ["as_block", "pair_rows"]


def pair_rows(start, count) -> np.ndarray:
    """The pair rows of the tasks ``(start[i], count[i])``, task after task,
    as one int64 array of ``sum(count)`` rows.

    Tasks that follow each other (each starts where the one before ended, as
    serial runs always do) come out as one ``arange``, without the index
    arithmetic. Tasks with ``count == 0`` add no rows. Rows are not checked
    against any pair count: a caller that may hold rows outside its pairs
    filters them.
    """
    start = np.asarray(start, dtype=np.int64)
    count = np.asarray(count, dtype=np.int64)
    if start.shape != count.shape or start.ndim != 1:
        raise ValueError(
            f"start and count must be 1-d and of equal length, got {start.shape} and {count.shape}"
        )
    total = int(count.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    if len(start) == 1 or np.array_equal(start[1:], start[:-1] + count[:-1]):
        return np.arange(start[0], start[0] + total, dtype=np.int64)
    offsets = np.cumsum(count) - count  # where each task's rows begin in the output
    return np.repeat(start - offsets, count) + np.arange(total, dtype=np.int64)


def as_block(rows: np.ndarray) -> slice | None:
    """``rows`` as a slice when they are ``lo, lo + 1, ..., hi`` (``lo >= 0``),
    the usual shape of a batch's pair rows; else None. ``buf[as_block(rows)]``
    then writes the same rows as ``buf[rows]``, without fancy indexing."""
    n = len(rows)
    if n == 0:
        return slice(0, 0)
    lo, hi = int(rows[0]), int(rows[-1])
    if lo < 0 or hi - lo + 1 != n:  # (the cheap test first)
        return None
    if n > 1 and not bool((rows[1:] > rows[:-1]).all()):
        return None
    return slice(lo, hi + 1)
