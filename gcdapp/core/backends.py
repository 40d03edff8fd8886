"""Backends: how tasks are executed. Each one creates a ``concurrent.futures``
executor, so the engine drives them all the same way.

A new executor (``InterpreterPoolExecutor``, Dask's ``Client.get_executor()``)
plugs in as another :class:`Backend` in :data:`BACKENDS`; the engine does not
change.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import signal
import sys
import time
from concurrent.futures import Executor, Future
from typing import ClassVar

from gcdapp.core.tasks import install_kernel

# Preloaded by the fork server, so that workers fork with them imported:
# ``__main__`` (Python's default, which each worker would otherwise import
# again) and the modules tasks run.
_FORKSERVER_PRELOAD = ["__main__", "gcdapp.core.tasks", "gcdapp.core.kernels"]


class InlineExecutor(Executor):
    """Runs each task in the calling thread, inside ``submit``."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        if future.set_running_or_notify_cancel():
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as exc:  # delivered through the future
                future.set_exception(exc)
        return future


class Backend:
    """One way of executing tasks. Subclasses fill in the class attributes."""

    name: ClassVar[str]
    title: ClassVar[str]
    description: ClassVar[str]
    #: True when tasks run in other processes (pickled, terminable).
    out_of_process: ClassVar[bool] = False
    #: True when workers cannot see the caller's objects: the kernel is then
    #: installed once per worker by the pool's initializer, not sent per task.
    isolated: ClassVar[bool] = False
    #: How many worker threads or processes it can use at most (1 for serial).
    fixed_workers: ClassVar[int | None] = None

    def unavailable_reason(self) -> str | None:
        """Why this backend cannot run here, or None when it can."""
        return None

    def start_methods(self) -> list[str]:
        return []

    def default_start_method(self) -> str | None:
        return None

    def prepare(self, start_method: str | None = None) -> None:
        """Start long-lived helpers ahead of the first run (optional)."""

    def create(self, workers: int, start_method: str | None, kernel=None) -> Executor:
        """A new executor; isolated backends install ``kernel`` in each worker."""
        raise NotImplementedError

    def max_inflight(self, workers: int) -> int:
        """Tasks to keep submitted at once: enough to keep workers busy, few
        enough that a million tasks never sit in the executor at once."""
        return max(64, workers * 32)

    def lane_label(self, pid: int, thread: str) -> str:
        return thread

    def stop(self, executor: Executor, *, terminate: bool) -> None:
        """Shut ``executor`` down; with ``terminate``, drop pending work and
        stop running tasks where the backend can."""
        executor.shutdown(wait=not terminate, cancel_futures=terminate)

    def worker_handles(self, executor: Executor) -> list:
        """Handles on the workers (processes), taken when a pool breaks and
        read by :meth:`describe_failure` once the pool has stopped."""
        return []

    def describe_failure(self, handles: list) -> str:
        """Extra words for a broken pool, such as a worker's exit code."""
        return ""


class SerialBackend(Backend):
    name = "serial"
    title = "Serial"
    description = "One pair after another in the calling thread: the baseline."
    fixed_workers = 1

    def create(self, workers, start_method, kernel=None):
        return InlineExecutor()

    def max_inflight(self, workers):
        return 1  # each submit runs the task; the engine reports between tasks

    def lane_label(self, pid, thread):
        return "serial"


class ThreadBackend(Backend):
    name = "threads"
    title = "Threads"
    description = (
        "ThreadPoolExecutor: threads share one interpreter, so the GIL lets "
        "only one of them run Python code at a time."
    )

    def create(self, workers, start_method, kernel=None):
        return cf.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="gcd-thread")

    def lane_label(self, pid, thread):
        return thread.replace("gcd-thread_", "thread ")


def _signal_name(exitcode: int) -> str:
    if exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit code {exitcode}"


class ProcessBackend(Backend):
    name = "processes"
    title = "Processes"
    description = (
        "ProcessPoolExecutor: each worker is a separate interpreter with its own "
        "GIL; pairs and results are pickled across processes."
    )
    out_of_process = True
    isolated = True

    def start_methods(self):
        return multiprocessing.get_all_start_methods()

    def default_start_method(self):
        # Never an implicit fork: forking a process that runs threads (Qt's, or
        # the engine's own) can deadlock the child.
        return "forkserver" if "forkserver" in self.start_methods() else "spawn"

    def _context(self, start_method: str | None):
        method = start_method or self.default_start_method()
        if method not in self.start_methods():
            raise ValueError(
                f"start method {method!r} is not available here; "
                f"choose one of {', '.join(self.start_methods())}"
            )
        context = multiprocessing.get_context(method)
        if method == "forkserver":
            context.set_forkserver_preload(_FORKSERVER_PRELOAD)
        return method, context

    def prepare(self, start_method=None):
        """Start the fork server (once per session) so that no run pays for it:
        every pool then forks its workers from a process that has already
        imported the kernels."""
        method, _ = self._context(start_method)
        if method == "forkserver":
            from multiprocessing import forkserver

            forkserver.ensure_running()

    def create(self, workers, start_method, kernel=None):
        _, context = self._context(start_method)
        return cf.ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=install_kernel,
            initargs=(kernel,),
        )

    def lane_label(self, pid, thread):
        return f"pid {pid}"

    @staticmethod
    def _processes(executor) -> list:
        return list((getattr(executor, "_processes", None) or {}).values())

    def worker_handles(self, executor):
        return self._processes(executor)

    def stop(self, executor, *, terminate):
        if not terminate:
            executor.shutdown(wait=True)
            return
        if hasattr(executor, "terminate_workers"):  # Python 3.14+
            executor.terminate_workers()
            return
        processes = self._processes(executor)
        executor.shutdown(wait=False, cancel_futures=True)
        for proc in processes:
            try:
                proc.terminate()
            except (OSError, ValueError):
                pass  # already gone or closed
        deadline = time.monotonic() + 0.5
        for proc in processes:
            try:
                proc.join(max(0.0, deadline - time.monotonic()))
                if proc.is_alive():
                    proc.kill()
                    proc.join(0.2)
            except (OSError, ValueError, AssertionError):
                pass
        executor.shutdown(wait=True)

    def describe_failure(self, handles):
        # Read once the pool has stopped: every worker has been reaped, so no
        # exit code is lost to the pool's own thread reaping it meanwhile.
        # The pool terminates the survivors itself (SIGTERM); name the others.
        codes = {
            proc.exitcode
            for proc in handles
            if proc.exitcode not in (None, 0, -signal.SIGTERM)
        }
        if not codes:
            return ""
        return "a worker process ended abruptly (" + ", ".join(map(_signal_name, sorted(codes))) + ")"


class InterpreterBackend(Backend):
    name = "interpreters"
    title = "Interpreters"
    description = (
        "InterpreterPoolExecutor: isolated interpreters in one process, each "
        "with its own GIL (Python 3.14 or newer)."
    )
    isolated = True

    def unavailable_reason(self):
        if not hasattr(cf, "InterpreterPoolExecutor"):
            version = ".".join(map(str, sys.version_info[:2]))
            return f"needs Python 3.14 or newer; this is Python {version}"
        return None

    def create(self, workers, start_method, kernel=None):
        return cf.InterpreterPoolExecutor(  # type: ignore[attr-defined]
            max_workers=workers, initializer=install_kernel, initargs=(kernel,)
        )

    def lane_label(self, pid, thread):
        return f"interpreter {thread}"


BACKENDS: dict[str, Backend] = {
    b.name: b
    for b in (SerialBackend(), ThreadBackend(), ProcessBackend(), InterpreterBackend())
}


def get_backend(name: str) -> Backend:
    try:
        return BACKENDS[name]
    except KeyError:
        raise ValueError(
            f"unknown mode {name!r}; choose one of {', '.join(BACKENDS)}"
        ) from None
