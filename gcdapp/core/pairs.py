"""The pair array: a compact ``(n, 2)`` numpy array of integers.

Pairs live in an ``int64`` array when every value fits, which keeps a million
pairs at 16 MB. Larger integers (up to the parser's digit limit) fall back to
an ``object`` array of Python ints.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import numpy as np

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1


def fits_int64(value: int) -> bool:
    return INT64_MIN <= value <= INT64_MAX


def as_pairs(pairs: Iterable[tuple[int, int]] | np.ndarray) -> np.ndarray:
    """Return ``pairs`` as an ``(n, 2)`` array, int64 when every value fits."""
    if isinstance(pairs, np.ndarray):
        if pairs.ndim != 2 or pairs.shape[1] != 2:
            if pairs.size == 0:
                return np.empty((0, 2), dtype=np.int64)
            raise ValueError(f"pairs must have shape (n, 2), got {pairs.shape}")
        if pairs.dtype == np.int64 or pairs.dtype == object:
            return pairs
        if np.issubdtype(pairs.dtype, np.integer):
            return pairs.astype(np.int64)
        raise ValueError(f"pairs must be integers, got dtype {pairs.dtype}")
    items = [(int(a), int(b)) for a, b in pairs]
    if not items:
        return np.empty((0, 2), dtype=np.int64)
    if all(fits_int64(a) and fits_int64(b) for a, b in items):
        return np.array(items, dtype=np.int64)
    out = np.empty((len(items), 2), dtype=object)
    for i, (a, b) in enumerate(items):
        out[i, 0] = a
        out[i, 1] = b
    return out


def pairs_to_list(pairs: np.ndarray) -> list[tuple[int, int]]:
    """Python ints, as tuples (for display, JSON and tests)."""
    return [(int(a), int(b)) for a, b in pairs.tolist()]


def pairs_fingerprint(pairs: np.ndarray) -> str:
    """A short hash of the pair values, to tell whether two runs used the same
    pairs (and the key of a pair set in session files).

    An int64 array is hashed in place, without a copy when it is C-contiguous
    (the usual case): ``hashlib`` releases the GIL while it reads a large
    buffer, so a writer thread hashing 16 MB of pairs does not stall the GUI
    thread. Object arrays (huge integers) hash the text of their values.
    """
    digest = hashlib.blake2b(digest_size=8)
    digest.update(str(len(pairs)).encode())
    if pairs.dtype == np.int64:
        flat = np.ascontiguousarray(pairs).reshape(-1)  # (a view when contiguous)
        digest.update(memoryview(flat.view(np.uint8)))
    else:
        digest.update(repr(pairs.tolist()).encode())
    return digest.hexdigest()
