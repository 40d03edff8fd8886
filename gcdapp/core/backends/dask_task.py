"""The function a Dask worker runs for one task, and the small helpers the
dask backend runs on every worker (its clock, a run's stop).

Chunks arrive as int64 numpy arrays (Dask sends their bytes as they are) and
results go back as arrays; in between, the chunk runs through the same
:func:`gcdapp.core.tasks.run_chunk` as every other backend. Imported by Dask
workers (and by the dask backend), never by the engine's other workers:
numpy is fine here, and :mod:`gcdapp.core.tasks` stays stdlib-only.
"""

from __future__ import annotations

import os
import socket
import threading
from array import array
from time import perf_counter_ns

import numpy as np
from distributed.diagnostics.plugin import WorkerPlugin

from gcdapp.core.tasks import install_kernel, run_chunk

#: Runs cancelled on this worker, by token: their tasks stop at their next look.
_stopped: set[str] = set()
#: Kernels this worker has installed (imported and warmed), by reference.
_kernels: dict = {}
_lock = threading.Lock()


class _RunFlag:
    """A run's stop flag on a worker: set once the run's token is stopped."""

    __slots__ = ("token",)

    def __init__(self, token: str):
        self.token = token

    def is_set(self) -> bool:
        return self.token in _stopped


def _kernel(reference):
    """The kernel for ``reference`` (``(module, qualname)`` or the kernel),
    installed once per worker process: imported and, if native, compiled."""
    key = reference if isinstance(reference, tuple) else id(reference)
    kernel = _kernels.get(key)
    if kernel is None:
        with _lock:
            kernel = _kernels.get(key)
            if kernel is None:
                from gcdapp.core import tasks

                install_kernel(reference)
                kernel = _kernels[key] = tasks._installed_kernel
    return kernel


def _lane(address: str, nthreads: int) -> str:
    if nthreads <= 1:
        return address
    return f"{address} {threading.current_thread().name}"


def run_dask_chunk(begin: int, chunk: np.ndarray, reference, token: str) -> tuple:
    """One task on a Dask worker: ``chunk`` (an (n, 2) array of pairs)
    through the kernel, stopping early once the run ``token`` is stopped.
    Returns the fields of :class:`~gcdapp.core.tasks.ChunkOutcome`, with the
    results as an int64 array (a list for integers beyond 64 bits) and the
    worker's address as its thread."""
    from distributed import get_worker

    worker = get_worker()
    kernel = _kernel(reference)
    if chunk.dtype == np.int64:
        pairs = array("q", np.ascontiguousarray(chunk).tobytes())
    else:  # integers beyond 64 bits travel as objects
        pairs = [(int(a), int(b)) for a, b in chunk.tolist()]
    outcome = list(run_chunk(begin, pairs, kernel, _RunFlag(token)))
    results = outcome[1]
    if isinstance(results, array):
        outcome[1] = np.frombuffer(results, dtype=np.int64)
    else:
        try:
            outcome[1] = np.array(results, dtype=np.int64)
        except OverflowError:
            pass  # beyond 64 bits: a list of Python ints
    outcome[5] = _lane(worker.address, worker.state.nthreads)
    return tuple(outcome)


class WorkerPriority(WorkerPlugin):
    """Gives each worker process of gcdapp's local cluster the niceness
    ``niceness`` (absolute, so setting it again changes nothing); a worker
    its nanny restarts gets it too. Nothing where the OS has no niceness."""

    def __init__(self, niceness: int):
        self.niceness = niceness

    def setup(self, worker) -> None:
        if hasattr(os, "setpriority"):
            try:
                os.setpriority(os.PRIO_PROCESS, 0, self.niceness)
            except OSError:
                pass


def stop_run(token: str) -> None:
    """Run on every worker when a run is cancelled: its running tasks stop
    within a few thousand pairs or candidates."""
    _stopped.add(token)


def clock_probe() -> tuple[int, str, int]:
    """This worker's ``perf_counter_ns``, host name and pid, for the
    backend's clock-offset estimate."""
    return perf_counter_ns(), socket.gethostname(), os.getpid()


def warm(reference) -> int:
    """Install a kernel on a worker ahead of the first task (start-up)."""
    _kernel(reference)
    return os.getpid()
