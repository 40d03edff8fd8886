"""The pair rows of a list of tasks.

A task covers the contiguous pairs ``start, start + 1, ..., start + count - 1``.
:func:`pair_rows` lists the rows of every task, task after task, in one
vectorised pass; the engine, the session reader, the results export and the
pair table all expand tasks through it.
"""

from __future__ import annotations

import numpy as np

__all__ = ["pair_rows"]


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
