"""Native kernels: the brute force and Euclid compiled with numba, a whole
chunk per call with the GIL released.

This module uses the standard library only: :mod:`gcdapp.core.kernels`
imports it, and so do the fork server and every worker. numba (and numpy)
are imported by :func:`compiled`, the first time a process runs a native
kernel; whether they can be is answered by :func:`unavailable_reason` with
``importlib.util.find_spec``, without importing them.

Each kernel is a module-level function of one pair (pickled by reference,
like every kernel) with two attributes that :mod:`gcdapp.core.tasks` uses:

- ``chunk_entry(chunk, stop) -> (results, cancelled)`` runs a whole chunk in
  one compiled call: the GIL is released for the chunk, not re-taken per pair.
  It cannot look at the run's stop flag mid-chunk: it looks once before it
  starts, so a cancel waits for the chunks already running.
- ``warm_up()`` imports and compiles (or loads from the on-disk cache) before
  the worker reports itself ready, so compiling counts as start-up.

The compile cache lives in ``user_cache_dir("gcdapp")/numba`` (unless
``NUMBA_CACHE_DIR`` is already set), so later runs and workers start warm.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import threading
from array import array
from time import perf_counter

_lock = threading.Lock()
_jit = None  # gcdapp.core.native_jit once imported in this process

#: Seconds this process spent importing numba and compiling (or loading
#: from the cache) the native kernels; None until it has.
load_seconds: float | None = None


def unavailable_reason() -> str | None:
    """Why the native kernels cannot run here, or None when they can."""
    if getattr(sys, "frozen", False):
        return ("numba is not included in the frozen build; install gcdapp with pip "
                "to get the native kernels")
    try:
        found = importlib.util.find_spec("numba") is not None
    except (ImportError, ValueError):  # a broken or blocked entry in sys.modules
        found = False
    if not found:
        return "numba is not installed (pip install numba)"
    return None


def cache_dir() -> str:
    """Where numba keeps the compiled kernels between runs."""
    from platformdirs import user_cache_dir

    return os.path.join(user_cache_dir("gcdapp"), "numba")


def compiled():
    """The compiled kernels (:mod:`gcdapp.core.native_jit`), imported once
    per process; ImportError with the reason when numba cannot be."""
    global _jit, load_seconds
    if _jit is not None:
        return _jit
    with _lock:
        if _jit is None:
            reason = unavailable_reason()
            if reason is not None:
                raise ImportError(reason)
            started = perf_counter()
            if "NUMBA_CACHE_DIR" not in os.environ:  # a host in another Python has it set:
                os.environ["NUMBA_CACHE_DIR"] = cache_dir()  # platformdirs may be missing there
            try:
                module = importlib.import_module("gcdapp.core.native_jit")
            except ImportError as exc:
                raise ImportError(f"numba cannot be imported: {exc}") from exc
            load_seconds = perf_counter() - started
            _jit = module
    return _jit


def warm_up() -> None:
    """Import and compile now (a pool's initializer, before the clock). A
    failure is left for the first task to report, naming its pair."""
    try:
        compiled()
    except Exception:
        pass


def _run_chunk(kind: str, chunk, stop) -> tuple[array, bool]:
    if stop is not None and stop.is_set():
        return array("q"), True
    jit = compiled()
    import numpy as np  # numba has imported it already

    if isinstance(chunk, array):
        flat = np.frombuffer(chunk, dtype=np.int64)
    else:
        flat = np.array(chunk, dtype=np.int64).reshape(-1)
    out = np.empty(len(flat) // 2, dtype=np.int64)
    bad = getattr(jit, kind + "_chunk")(flat, out)
    if bad >= 0:  # the caller re-runs pair by pair and names it
        raise ValueError(f"pair {bad} of the chunk is outside the kernel's domain")
    results = array("q")
    results.frombytes(memoryview(out).cast("B"))
    return results, False


def bruteforce_native(pair):
    """The seed's brute force, compiled; ``a >= 1``, ``b >= 1``, int64."""
    a, b = pair
    if a < 1 or b < 1:
        raise ValueError("bruteforce-native needs a ≥ 1 and b ≥ 1")
    return compiled().bruteforce_one(a, b)


def euclid_native(pair):
    """Euclid's remainder loop, compiled; values within ±(2**63 - 1)."""
    a, b = pair
    if a == -(2**63) or b == -(2**63):
        raise ValueError("euclid-native needs values above -2**63")
    return compiled().euclid_one(a, b)


def _bruteforce_chunk(chunk, stop=None):
    return _run_chunk("bruteforce", chunk, stop)


def _euclid_chunk(chunk, stop=None):
    return _run_chunk("euclid", chunk, stop)


bruteforce_native.chunk_entry = _bruteforce_chunk
bruteforce_native.warm_up = warm_up
euclid_native.chunk_entry = _euclid_chunk
euclid_native.warm_up = warm_up
