"""The function a worker runs: one chunk of pairs through one kernel.

This module is what worker processes import, so it depends on the standard
library only (no numpy, no Qt): a spawned worker starts in milliseconds.
Chunks travel as flat ``array('q')`` buffers when every value fits in 64 bits
(pickled as raw bytes), or as lists of tuples for larger integers.
"""

from __future__ import annotations

import os
import threading
from array import array
from time import perf_counter_ns
from typing import NamedTuple


class ChunkOutcome(NamedTuple):
    """What one task sends back. It never raises for a kernel's error."""

    start: int  # index of the chunk's first pair
    results: array | list  # gcd per computed pair, in chunk order
    t_start_ns: int  # perf_counter_ns in the worker, before the first pair
    t_end_ns: int  # ... and after the last one
    pid: int
    thread: str
    error: str | None = None  # set when a pair raised; results hold the pairs before it


def decode_chunk(chunk: array | list) -> list:
    """Pairs as a list of ``(a, b)`` tuples."""
    if isinstance(chunk, array):
        flat = chunk.tolist()
        it = iter(flat)
        return list(zip(it, it))
    return chunk


def _pack_results(results: list) -> array | list:
    try:
        return array("q", results)
    except OverflowError:
        return results


def _locate_failure(kernel, pairs: list) -> tuple[list, str]:
    """Re-run pair by pair to find the one that raised (the cold path)."""
    done = []
    for offset, pair in enumerate(pairs):
        try:
            done.append(kernel(pair))
        except Exception as exc:  # the kernel's error, reported to the user
            return done, f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return done, "the kernel raised once, then not again on a retry"


def run_chunk(kernel, start: int, chunk: array | list) -> ChunkOutcome:
    """Compute ``kernel(pair)`` for every pair in ``chunk``; time it in-worker."""
    pairs = decode_chunk(chunk)
    t_start = perf_counter_ns()
    error = None
    try:
        results = list(map(kernel, pairs))
    except Exception:
        results, error = _locate_failure(kernel, pairs)
    t_end = perf_counter_ns()
    return ChunkOutcome(
        start,
        _pack_results(results),
        t_start,
        t_end,
        os.getpid(),
        threading.current_thread().name,
        error,
    )


def warm_up() -> int:
    """A no-op task used to bring a pool's workers up before timing starts."""
    return os.getpid()
