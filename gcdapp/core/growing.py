"""Numpy buffers that grow by doubling, for data that arrives in batches.

:func:`grown` is the one growth rule; :class:`GrowingColumns` keeps several
equal-length columns (the columns of a table of tasks, say) that share one
row count and grow together. Appending ``k`` rows costs ``O(k)`` amortised:
a full buffer is copied into one twice as large, never grown by a batch.
"""

from __future__ import annotations

import numpy as np

__all__ = ["GrowingColumns", "grown"]


def grown(buf: np.ndarray, needed: int, *, keep: int | None = None, fill=None) -> np.ndarray:
    """``buf`` itself when it has ``needed`` rows, else a new buffer whose
    row capacity is ``len(buf)`` (at least 1) doubled until it holds them.

    The new buffer has ``buf``'s dtype and trailing shape and its first
    ``keep`` rows (default: all of them); the other rows are ``fill``, or
    uninitialised when ``fill`` is None.
    """
    if needed <= len(buf):
        return buf
    capacity = max(len(buf), 1)
    while capacity < needed:
        capacity *= 2
    shape = (capacity,) + buf.shape[1:]
    out = np.empty(shape, dtype=buf.dtype) if fill is None else np.full(shape, fill, buf.dtype)
    keep = len(buf) if keep is None else keep
    out[:keep] = buf[:keep]
    return out


class GrowingColumns:
    """Equal-length numpy columns that grow together by doubling.

    Each column is an attribute holding its whole buffer; rows ``[0, n)``
    hold data (slice with ``[: self.n]``). Subclasses may add attributes.
    """

    def __init__(self, capacity: int, **dtypes):
        if not dtypes:
            raise ValueError("GrowingColumns needs at least one column")
        self._names = tuple(dtypes)
        for name, dtype in dtypes.items():
            setattr(self, name, np.empty(max(int(capacity), 1), dtype=dtype))
        self.n = 0

    def __len__(self) -> int:
        return self.n

    @property
    def capacity(self) -> int:
        """Rows allocated (every column has as many)."""
        return len(getattr(self, self._names[0]))

    def reserve(self, extra: int) -> None:
        """Make room for ``extra`` more rows after the ``n`` held."""
        needed = self.n + extra
        if needed > self.capacity:
            for name in self._names:
                setattr(self, name, grown(getattr(self, name), needed, keep=self.n))

    def append(self, **values) -> int:
        """Add rows: an array per column, all of one length (or a scalar per
        column, for one row), every column named. Returns the index of the
        first new row."""
        if set(values) != set(self._names):
            raise ValueError(f"append needs the columns {self._names}, got {tuple(values)}")
        sizes = {np.size(v) for v in values.values()}
        if len(sizes) != 1:
            raise ValueError(f"append needs columns of one length, got lengths {sorted(sizes)}")
        k = sizes.pop()
        n = self.n
        self.reserve(k)
        for name, v in values.items():
            getattr(self, name)[n : n + k] = v
        self.n = n + k
        return n
