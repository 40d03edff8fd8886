"""Processes: a ``ProcessPoolExecutor``, one interpreter and GIL per worker."""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import signal
import time

from gcdapp.core.backends.base import Backend, Capabilities, shutdown
from gcdapp.core.tasks import install_kernel, kernel_reference

# Preloaded by the fork server, so that workers fork with them imported:
# ``__main__`` (Python's default, which each worker would otherwise import
# again) and the modules tasks run. Standard library only underneath: a
# worker never imports numpy.
_FORKSERVER_PRELOAD = ["__main__", "gcdapp.core.tasks", "gcdapp.core.kernels"]


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
    # BrokenProcessPool is a BrokenExecutor: the default failure types hold it.

    def probe_capabilities(self):
        methods = tuple(multiprocessing.get_all_start_methods())
        return Capabilities(
            out_of_process=True,
            isolated=True,
            start_methods=methods,
            # Never an implicit fork: forking a process that runs threads (Qt's,
            # or the engine's own) can deadlock the child.
            default_start_method="forkserver" if "forkserver" in methods else "spawn",
        )

    def _context(self, start_method: str | None):
        caps = self.capabilities
        method = start_method or caps.default_start_method
        if method not in caps.start_methods:
            raise ValueError(
                f"start method {method!r} is not available here; "
                f"choose one of {', '.join(caps.start_methods)}"
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
            initargs=(kernel_reference(kernel),),
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
            shutdown(executor, wait=True, cancel_futures=False)
            return
        if hasattr(executor, "terminate_workers"):  # Python 3.14+
            executor.terminate_workers()
            return
        processes = self._processes(executor)
        shutdown(executor, wait=False, cancel_futures=True)
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
        shutdown(executor, wait=True, cancel_futures=False)

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
