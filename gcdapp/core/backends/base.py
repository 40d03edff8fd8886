"""What every backend is: :class:`Backend`, the :class:`Capabilities` it
declares as data, and the :class:`InlineExecutor` for running in the calling
thread."""

from __future__ import annotations

import concurrent.futures as cf
import inspect
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar

from gcdapp.core.system import usable_cores


@dataclass(frozen=True)
class Capabilities:
    """What a backend can do here, as data the engine and the views obey."""

    #: Tasks run in other processes (pickled, terminable).
    out_of_process: bool = False
    #: Workers cannot see the caller's objects: the kernel is installed once
    #: per worker by the pool's initializer, not sent with every task.
    isolated: bool = False
    #: The start methods it takes (empty: it takes none), and its default.
    start_methods: tuple[str, ...] = ()
    default_start_method: str | None = None
    #: The most workers it can use (1 for serial); None: no limit of its own.
    max_workers: int | None = None
    #: Why it cannot run here, or None when it can.
    unavailable_reason: str | None = None
    #: It runs on a cluster (Dask): it takes a scheduler address and a dashboard.
    cluster: bool = False

    @property
    def available(self) -> bool:
        return self.unavailable_reason is None

    @property
    def takes_start_method(self) -> bool:
        return bool(self.start_methods)

    @property
    def takes_workers(self) -> bool:
        """Whether a worker count means anything to it."""
        return self.max_workers != 1


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


def shutdown(executor: Executor, *, wait: bool, cancel_futures: bool) -> None:
    """``executor.shutdown``, passing only the keywords it accepts (Dask's
    ``ClientExecutor.shutdown(wait=True)`` has no ``cancel_futures``)."""
    try:
        parameters = inspect.signature(executor.shutdown).parameters
    except (TypeError, ValueError):  # no signature to read: the plain call
        parameters = {}
    takes_any = any(p.kind is p.VAR_KEYWORD for p in parameters.values())
    kwargs = {
        key: value
        for key, value in (("wait", wait), ("cancel_futures", cancel_futures))
        if takes_any or key in parameters
    }
    executor.shutdown(**kwargs)


class Backend:
    """One way of executing tasks. A subclass sets ``name``, ``title`` and
    ``description``, implements :meth:`create`, and overrides
    :meth:`probe_capabilities` and the hooks below where it differs."""

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    description: ClassVar[str] = ""
    #: Exceptions meaning the pool broke (a worker died, the pool cannot run):
    #: the engine ends the run and keeps what completed.
    failure_types: ClassVar[tuple[type[BaseException], ...]] = (cf.BrokenExecutor,)
    #: Whether the engine should bring every worker up (a no-op task each,
    #: waited for) before it submits the first task, so that no task runs on
    #: a worker still starting (False where there is nothing to start).
    warm_up_needed: ClassVar[bool] = True

    # -- what it is ------------------------------------------------------
    def probe_capabilities(self) -> Capabilities:
        """Look at this machine and say what the backend can do. Cheap: no
        heavy imports (``importlib.util.find_spec`` and ``hasattr`` only)."""
        return Capabilities()

    @cached_property
    def capabilities(self) -> Capabilities:
        """:meth:`probe_capabilities`, computed once."""
        return self.probe_capabilities()

    def resolve_workers(self, requested: int | None) -> int:
        """How many workers a run really gets: ``requested`` (default: this
        machine's usable cores), capped at the backend's limit."""
        count = requested or usable_cores()
        limit = self.capabilities.max_workers
        return count if limit is None else max(1, min(count, limit))

    def for_spec(self, spec) -> Backend:
        """The backend a run with ``spec`` uses: itself, or (a backend with
        settings of its own, such as Dask's scheduler) a copy bound to them.
        Cheap: it connects to nothing."""
        return self

    def attach(self, requested_workers: int | None):
        """Bring up what runs the tasks before the run's clock starts (Dask:
        its cluster, started once and reused), and describe it (a
        :class:`~gcdapp.core.events.ClusterInfo`); None where there is
        nothing to attach to. Raises, with a clear message, when it cannot."""
        return None

    def chunk_call(self, kernel):
        """How tasks reach workers when the backend ships them its own way: a
        function ``(begin, chunk)`` (``chunk``: the task's rows of the pairs
        array) returning ``(fn, args)`` to submit, whose result has
        :class:`~gcdapp.core.tasks.ChunkOutcome`'s fields. None: the
        engine's own ``run_chunk`` / ``run_packed``."""
        return None

    def submit_calls(self, executor: Executor, fn, arg_lists: list[tuple]) -> list[Future]:
        """Submit ``fn(*args)`` for each of ``arg_lists`` (the calls
        :meth:`chunk_call` made for one refill), in order; their futures.
        The default submits them one by one; a backend whose submissions
        cost a round trip each (Dask: one graph update per call) sends them
        as one."""
        return [executor.submit(fn, *args) for args in arg_lists]

    def clock_offset_ns(self, pid: int, thread: str) -> int:
        """The clock offset of the worker that reported ``(pid, thread)``:
        its ``perf_counter_ns`` minus this process's (0 on this machine)."""
        return 0

    def notes(self, executor: Executor) -> tuple[str, ...]:
        """What happened during the run that did not end it, for the user
        (Dask: a worker lost and its tasks re-run). Read after :meth:`stop`."""
        return ()

    def kernel_problem(self, kernel) -> str | None:
        """Why ``kernel`` (a :class:`~gcdapp.core.kernels.Kernel`) cannot run
        on this backend, beyond the kernel's own checks; None when it can."""
        return None

    def python_info(self):
        """The interpreter this backend's workers run in
        (:class:`~gcdapp.core.python_info.PythonInfo`): this one."""
        from gcdapp.core.python_info import this_python

        return this_python()

    def observed_python(self, executor):
        """The interpreter as ``executor``'s workers observed it, if they
        reported it; None: :meth:`python_info` holds."""
        return None

    # -- running -----------------------------------------------------------
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
        """The timeline's name for the worker that ran a task."""
        return thread

    def stop(self, executor: Executor, *, terminate: bool) -> None:
        """Shut ``executor`` down; with ``terminate``, drop pending work and
        stop running tasks where the backend can."""
        shutdown(executor, wait=not terminate, cancel_futures=terminate)

    # -- when the pool breaks ----------------------------------------------
    def worker_handles(self, executor: Executor) -> list:
        """Handles on the workers (processes), taken when a pool breaks and
        read by :meth:`describe_failure` once the pool has stopped."""
        return []

    def describe_failure(self, handles: list) -> str:
        """Extra words for a broken pool, such as a worker's exit code."""
        return ""
