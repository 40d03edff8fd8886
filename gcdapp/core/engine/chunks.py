"""Tasks: how many pairs each holds, and how a chunk travels to a worker."""

from __future__ import annotations

import math
from array import array

import numpy as np

from gcdapp.core.kernels import Kernel
from gcdapp.core.tasks import SMALL

#: ``auto`` never makes a task larger than this many pairs.
MAX_AUTO_CHUNK = 10_000


def auto_chunksize(n_pairs: int, workers: int, kernel: Kernel) -> int:
    """Pairs per task for ``chunksize='auto'``.

    Aims at several tasks per worker (so the load balances and progress
    streams), and for cheap kernels at tasks big enough that pickling and
    dispatch stay small next to compute.
    """
    tasks_per_worker = 64 if kernel.heavy else 8
    size = math.ceil(n_pairs / max(1, workers * tasks_per_worker))
    return max(1, min(MAX_AUTO_CHUNK, size))


def encode_chunk(chunk: np.ndarray) -> array | list:
    """A chunk as it travels to a worker: raw int64 bytes for long chunks,
    a list of tuples for short ones and for integers beyond 64 bits."""
    if chunk.dtype == np.int64 and len(chunk) >= SMALL:
        out = array("q")
        out.frombytes(np.ascontiguousarray(chunk).tobytes())
        return out
    return [(int(a), int(b)) for a, b in chunk.tolist()]
