"""One run: a kernel over pairs on a backend, from setup to result."""

from __future__ import annotations

import math
from dataclasses import replace
from time import perf_counter_ns

from gcdapp.core.engine.backend_choice import backend_for
from gcdapp.core.engine.checks import RunSetupError, check_run, check_settings_python
from gcdapp.core.engine.chunks import auto_chunksize
from gcdapp.core.engine.collection import Collector
from gcdapp.core.engine.failure import RunFailure
from gcdapp.core.engine.scheduling import Scheduler
from gcdapp.core.events import NullObserver, RunInfo, RunObserver, RunResult, RunSpec
from gcdapp.core.kernels import Kernel, get_kernel
from gcdapp.core.pairs import as_pairs
from gcdapp.core.tasks import warm_kernel

#: Observers receive at most this many batches a second.
DEFAULT_FLUSH_INTERVAL = 1 / 30


class Run:
    """One execution of a kernel over pairs on a backend."""

    def __init__(
        self,
        pairs,
        spec: RunSpec = RunSpec(),
        observer: RunObserver | None = None,
        *,
        kernel: Kernel | None = None,
        flush_interval: float = DEFAULT_FLUSH_INTERVAL,
        instrument: bool = True,
    ):
        """``instrument=False`` leaves out the anatomy of each task (its
        arrays read as unknown, and chunks go to the executor unpickled by
        the engine): only for the benchmark that measures what it costs."""
        self.pairs = as_pairs(pairs)
        problem = check_settings_python(spec)
        if problem:
            raise RunSetupError([problem])
        try:
            backend = backend_for(spec)
        except (ValueError, LookupError) as exc:
            raise RunSetupError([str(exc).strip("'\"")]) from None
        problems = check_run(self.pairs, spec, kernel, backend)
        if problems:
            raise RunSetupError(problems)
        self.spec = spec
        self.kernel = kernel or get_kernel(spec.kernel)
        self.backend = backend
        self.observer = observer or NullObserver()
        self.flush_interval = flush_interval
        # A cluster (Dask) comes up here, before the run's clock starts: its
        # start-up is reported apart (``info.cluster.start_s``). A cluster
        # that cannot be reached makes the run fail to start, with its reason.
        self._attach_error: Exception | None = None
        try:
            cluster = self.backend.attach(spec.workers)
        except Exception as exc:
            cluster, self._attach_error = None, exc
        self.info = replace(self._plan(), cluster=cluster)
        self._collector = Collector(
            self.pairs, self.kernel.name, self.backend.lane_label, self.observer,
            instrument=instrument, clock_offset=self.backend.clock_offset_ns,
        )
        self._scheduler = Scheduler(
            self.backend, self.info, self.kernel.func, self._collector, flush_interval,
            instrument=instrument,
        )
        self._started = False

    def _plan(self) -> RunInfo:
        spec, backend = self.spec, self.backend
        caps = backend.capabilities
        workers = backend.resolve_workers(spec.workers)
        n = len(self.pairs)
        chunksize = (
            auto_chunksize(n, workers, self.kernel)
            if spec.chunksize == "auto"
            else int(spec.chunksize)
        )
        start_method = None
        if caps.takes_start_method:
            start_method = spec.start_method or caps.default_start_method
        return RunInfo(
            mode=backend.name,
            kernel=self.kernel.name,
            workers=workers,
            chunksize=chunksize,
            start_method=start_method,
            n_pairs=n,
            n_tasks=math.ceil(n / chunksize),
            python=backend.python_info(),
        )

    # -- control from other threads ------------------------------------
    def cancel(self) -> None:
        """Stop the run as soon as possible. Safe from any thread."""
        self._scheduler.cancel()

    @property
    def cancelled(self) -> bool:
        return self._scheduler.cancelled

    # -- the run ---------------------------------------------------------
    def execute(self) -> RunResult:
        """Run to completion, failure or cancellation; never raises for
        those. Returns everything that completed."""
        if self._started:
            raise RuntimeError("a Run executes once; build a new one")
        self._started = True
        info, backend = self.info, self.backend
        scheduler, collector = self._scheduler, self._collector
        t0 = perf_counter_ns()
        collector.start_clock(t0)
        self.observer.run_started(info)

        failure: RunFailure | None = None
        clean = False
        executor = None
        observed = None
        try:
            if self._attach_error is not None:
                raise self._attach_error
            if not backend.capabilities.isolated:
                # In this process: a native kernel compiles now, as start-up
                # (isolated workers do it in their initializer).
                warm_kernel(self.kernel.func)
            executor = backend.create(info.workers, info.start_method, self.kernel.func)
            observed = backend.observed_python(executor)
            collector.pool_created(perf_counter_ns())
            ready = scheduler.warm_up(executor)
            if backend.warm_up_needed:
                collector.pool_warmed(perf_counter_ns())
                collector.announce_pool_ready()
            # (else the first batch announces it: the first worker's start-up)
            if ready:
                failure = scheduler.run(executor)
            else:
                collector.announce_pool_ready()
                failure = RunFailure.cancelled()
            clean = True
        except backend.failure_types:
            failure = scheduler.pool_broke(executor)
            clean = True
        except Exception as exc:  # e.g. a pool that cannot start
            failure = RunFailure.could_not_start(exc)
            clean = True
        finally:
            # Anything but a clean finish (including KeyboardInterrupt passing
            # through) stops the workers instead of waiting for them.
            stop_ns = perf_counter_ns()
            if executor is not None:
                terminate = failure is not None or not clean
                if terminate:
                    scheduler.stop_tasks()
                backend.stop(executor, terminate=terminate)
            # The wall clock ends once every worker has stopped.
            end_ns = perf_counter_ns()
        notes = backend.notes(executor) if executor is not None else ()
        if failure is not None and failure.kind == "pool":
            # Described now that every worker is reaped.
            failure = replace(failure, error=backend.describe_failure(scheduler.handles))
        if failure is None and self.cancelled and not collector.done.all():
            failure = RunFailure.cancelled()
        collector.flush()
        if executor is not None:
            collector.announce_pool_ready()
        result = RunResult(
            info=info,
            status=failure.status if failure else "completed",
            results=collector.results,
            done=collector.done,
            tasks=collector.tasks(),
            wall_s=(end_ns - t0) / 1e9,
            startup_s=collector.startup_s,
            shutdown_s=(end_ns - stop_ns) / 1e9,
            lane_startup_s=collector.lane_startup_s(),
            lane_import_s=collector.lane_import_s(not backend.capabilities.isolated),
            error=failure.message(self.pairs, collector.n_done) if failure else None,
            failed_pairs=failure.failed_pairs if failure else [],
            notes=tuple(notes),
            python=observed or info.python,
        )
        self.observer.run_finished(result)
        return result


def run_pairs(pairs, spec: RunSpec = RunSpec(), observer: RunObserver | None = None, **kw) -> RunResult:
    """Build and execute a :class:`Run` in the calling thread."""
    return Run(pairs, spec, observer, **kw).execute()
