"""The native kernels' compiled code: numba functions of one pair and of a
whole chunk, ``nogil=True`` so a thread running a chunk lets the others run.

Imported only by :func:`gcdapp.core.native.compiled`, in a process that runs
a native kernel (a worker, or the window or CLI for threads and serial runs),
after it has pointed ``NUMBA_CACHE_DIR`` at gcdapp's cache directory. The
signatures are explicit, so importing this module compiles every function,
or loads it from that cache: that is the worker's warm-up.

A chunk is a flat C-contiguous int64 array of interleaved ``a, b``; ``out``
gets one gcd per pair. A chunk function returns -1 when every pair was in its
domain, else the index of the first pair outside it (computing nothing from
there on): the caller then re-runs the pairs one by one to name it.
"""

from __future__ import annotations

from numba import njit

_INT64_MIN = -9223372036854775807 - 1

_PAIR = "int64(int64, int64)"
_CHUNK = "int64(int64[::1], int64[::1])"


@njit(_PAIR, nogil=True, cache=True)
def bruteforce_one(a, b):
    """The seed's algorithm: every candidate downward from ``min(a, b)``
    (``a, b >= 1``; 0 outside that domain)."""
    i = min(a, b)
    while i > 0:
        if a % i == 0 and b % i == 0:
            return i
        i -= 1
    return 0


@njit(_PAIR, nogil=True, cache=True)
def euclid_one(a, b):
    """Euclid's remainder loop with ``math.gcd`` semantics (``a, b != -2**63``)."""
    a = abs(a)
    b = abs(b)
    while b:
        a, b = b, a % b
    return a


@njit(_CHUNK, nogil=True, cache=True)
def bruteforce_chunk(flat, out):
    for k in range(out.shape[0]):
        a = flat[2 * k]
        b = flat[2 * k + 1]
        if a < 1 or b < 1:
            return k
        out[k] = bruteforce_one(a, b)
    return -1


@njit(_CHUNK, nogil=True, cache=True)
def euclid_chunk(flat, out):
    for k in range(out.shape[0]):
        a = flat[2 * k]
        b = flat[2 * k + 1]
        if a == _INT64_MIN or b == _INT64_MIN:
            return k
        out[k] = euclid_one(a, b)
    return -1
