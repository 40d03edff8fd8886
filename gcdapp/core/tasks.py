"""The function a worker runs: one chunk of pairs through one kernel.

This module is what worker processes import, so it depends on the standard
library only (no numpy, no Qt): a spawned worker starts in milliseconds.
Chunks travel as flat ``array('q')`` buffers when every value fits in 64 bits
(pickled as raw bytes), or as lists of tuples for larger integers.
"""

from __future__ import annotations

import importlib
import os
import pickle
import sys
import threading
from array import array
from itertools import islice
from time import perf_counter_ns, thread_time_ns
from typing import NamedTuple

from gcdapp.core import stop_flag


class ChunkOutcome(NamedTuple):
    """What one task sends back (as a plain tuple: cheaper to pickle). It
    never raises for a kernel's error."""

    start: int  # index of the chunk's first pair
    results: array | list  # gcd per computed pair, in chunk order
    t_start_ns: int  # perf_counter_ns in the worker, before the first pair
    t_end_ns: int  # ... and after the last one
    pid: int
    thread: str
    error: str | None = None  # set when a pair raised; results hold the pairs before it
    cancelled: bool = False  # the run's stop flag ended it; results hold the pairs before
    #: perf_counter_ns when this task's worker became ready (its initializer
    #: ended), sent with the first task the worker runs; None otherwise and
    #: where workers have no initializer (threads, serial).
    ready_ns: int | None = None
    #: Thread CPU time (``thread_time_ns``) spent between ``t_start_ns`` and
    #: ``t_end_ns``: for threads, wall minus CPU is time waiting for the GIL.
    cpu_ns: int = 0
    #: How long this task's worker took to import its kernel's module in its
    #: initializer (ns), sent with the first task it runs; None otherwise.
    import_ns: int | None = None


class PackedOutcome(NamedTuple):
    """What :func:`run_packed` returns: the pickled :class:`ChunkOutcome`
    and the worker's own measurements of the steps around it."""

    payload: bytes  # pickle of the ChunkOutcome tuple
    t_recv_ns: int  # perf_counter_ns when the task entered the worker
    unpickle_in_ns: int  # unpickling the arguments
    pickle_out_ns: int  # pickling the outcome into ``payload``


#: Chunks and results shorter than this travel as plain lists: for a handful of
#: pairs that pickles faster than an array's bytes.
SMALL = 32

#: With a stop flag, a task looks at it after every this many pairs.
CHECK_EVERY_PAIRS = 4096

#: The kernel a worker process runs, installed once by the pool's initializer
#: so that tasks do not carry it.
_installed_kernel = None

#: When this worker's initializer ended, until its first task reports it.
_unreported_ready_ns: int | None = None
#: How long the initializer took to import the kernel's module, until the
#: worker's first task reports it.
_unreported_import_ns: int | None = None


def _interpreter_id() -> int | None:
    """This interpreter's id when it is a subinterpreter (each task there
    runs on a fresh dummy thread, so its name says nothing); else None.
    Only 3.13+'s own ``_interpreters``: on 3.12 that name is the backport's
    compiled module, which crashes pyenv's 3.12.1 at import."""
    if sys.version_info < (3, 13):
        return None
    try:
        import _interpreters
    except ImportError:
        return None
    try:
        current, main = _interpreters.get_current()[0], _interpreters.get_main()[0]
    except Exception:
        return None
    return None if current == main else int(current)


#: Set in a subinterpreter: tasks name their worker after it, not the thread.
_INTERPRETER_ID = _interpreter_id()


def kernel_reference(kernel):
    """What a pool's initializer is given for ``kernel``: ``(module,
    qualname)`` when the kernel can be found again by that name (so that the
    worker imports its module itself, timed), else the kernel itself."""
    module = getattr(kernel, "__module__", None)
    qualname = getattr(kernel, "__qualname__", None)
    if not isinstance(module, str) or not isinstance(qualname, str) or "<" in qualname:
        return kernel
    try:
        found = _resolve(importlib.import_module(module), qualname)
    except Exception:  # not importable by name: send the object
        return kernel
    return (module, qualname) if found is kernel else kernel


def _resolve(obj, qualname: str):
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def install_kernel(kernel) -> None:
    """Pool initializer: remember the kernel for every task of this worker,
    and when the worker became ready (its first task reports it).

    Given a ``(module, qualname)`` reference (:func:`kernel_reference`), it
    imports the module here and times that import (step 4 of a process
    task's anatomy); given the kernel itself, the import time is unknown."""
    global _installed_kernel, _unreported_ready_ns, _unreported_import_ns
    if isinstance(kernel, tuple):
        t0 = perf_counter_ns()
        module = importlib.import_module(kernel[0])
        _unreported_import_ns = perf_counter_ns() - t0
        kernel = _resolve(module, kernel[1])
    else:
        _unreported_import_ns = None
    _installed_kernel = kernel
    warm_kernel(kernel)  # a native kernel compiles here: start-up, not a task
    _unreported_ready_ns = perf_counter_ns()


def warm_kernel(kernel) -> None:
    """Run the kernel's ``warm_up`` (native kernels: import numba, compile)."""
    warm = getattr(kernel, "warm_up", None)
    if warm is not None:
        warm()


def iter_pairs(chunk: array | list):
    """The chunk's pairs as ``(a, b)`` tuples, one at a time.

    ``zip`` hands out the same tuple again whenever the kernel has let go of
    it, so a million pairs allocate no tuples: no garbage-collector churn."""
    if isinstance(chunk, array):
        it = iter(chunk)
        return zip(it, it)
    return iter(chunk)


def decode_chunk(chunk: array | list) -> list:
    """Pairs as a list of ``(a, b)`` tuples."""
    return [tuple(pair) for pair in iter_pairs(chunk)]


def _pack_results(results: list) -> array | list:
    if len(results) < SMALL:
        return results
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


def _run_checked(kernel, chunk, flag) -> tuple[list, bool]:
    """The chunk's gcds, looking at ``flag`` every :data:`CHECK_EVERY_PAIRS`
    pairs (and the kernel, inside long pairs); True when it stopped early."""
    results: list = []
    pairs = iter_pairs(chunk)
    stop_flag.install(flag)
    try:
        while not flag.is_set():
            before = len(results)
            results.extend(map(kernel, islice(pairs, CHECK_EVERY_PAIRS)))
            if len(results) - before < CHECK_EVERY_PAIRS:
                return results, False
        return results, True
    except stop_flag.Cancelled:
        return results, True
    finally:
        stop_flag.install(None)


def run_chunk(start: int, chunk: array | list, kernel=None, stop=None) -> tuple:
    """Compute ``kernel(pair)`` for every pair in ``chunk``; time it in-worker.

    ``kernel`` defaults to the one the pool's initializer installed. ``stop``
    is the run's stop flag (threads and serial runs; worker processes are
    terminated instead): once it is set the task ends within a few thousand
    pairs or brute-force candidates and reports itself cancelled, with the
    pairs it finished. Returns the fields of :class:`ChunkOutcome` as a
    plain tuple.
    """
    global _unreported_ready_ns, _unreported_import_ns
    if kernel is None:
        kernel = _installed_kernel
    ready_ns = _unreported_ready_ns
    import_ns = _unreported_import_ns
    if ready_ns is not None:
        _unreported_ready_ns = _unreported_import_ns = None
    cpu_start = thread_time_ns()
    t_start = perf_counter_ns()
    error = None
    cancelled = False
    entry = getattr(kernel, "chunk_entry", None)  # native: the whole chunk, no GIL
    try:
        if entry is not None:
            results, cancelled = entry(chunk, stop)
        elif stop is None:
            results = list(map(kernel, iter_pairs(chunk)))
        else:
            results, cancelled = _run_checked(kernel, chunk, stop)
    except Exception:
        results, error = _locate_failure(kernel, decode_chunk(chunk))
    t_end = perf_counter_ns()
    cpu = thread_time_ns() - cpu_start
    return (
        start,
        _pack_results(results),
        t_start,
        t_end,
        os.getpid(),
        threading.current_thread().name if _INTERPRETER_ID is None else str(_INTERPRETER_ID),
        error,
        cancelled,
        ready_ns,
        cpu,
        import_ns,
    )


def run_packed(data: bytes) -> tuple:
    """A task whose arguments the parent pickled itself: unpickle them
    (timed), run :func:`run_chunk`, pickle the outcome (timed). Returns the
    fields of :class:`PackedOutcome` as a plain tuple, so that every step of
    the task's trip has its own measured duration."""
    t_recv = perf_counter_ns()
    args = pickle.loads(data)
    t_loaded = perf_counter_ns()
    outcome = run_chunk(*args)
    t_dump = perf_counter_ns()
    payload = pickle.dumps(outcome, pickle.HIGHEST_PROTOCOL)
    return payload, t_recv, t_loaded - t_recv, perf_counter_ns() - t_dump


def warm_up() -> int:
    """A no-op task used to bring a pool's workers up before timing starts."""
    return os.getpid()
