"""Scheduling: keep a backend's executor fed with tasks, a bounded number at
a time, and wake to collect them in completion order, flushing batches to the
observer at most once per flush interval."""

from __future__ import annotations

import collections
import pickle
import threading
from concurrent.futures import FIRST_COMPLETED, CancelledError, Executor, Future, wait
from time import perf_counter_ns

import numpy as np

from gcdapp.core.backends import Backend
from gcdapp.core.engine.chunks import encode_chunk
from gcdapp.core.engine.collection import Collector
from gcdapp.core.engine.failure import RunFailure
from gcdapp.core.events import RunInfo
from gcdapp.core.tasks import run_chunk, run_packed, warm_up


#: When a task fails, how long tasks for earlier pairs still in flight get to
#: finish (their results are kept) before the run stops.
FAILURE_GRACE_S = 0.5


class Scheduler:
    """Submits a run's tasks to an executor and hands each completed one to
    the :class:`Collector`. :meth:`cancel` is safe from any thread."""

    def __init__(
        self,
        backend: Backend,
        info: RunInfo,
        kernel_func,
        collector: Collector,
        flush_interval: float,
        instrument: bool = True,
    ):
        self._backend = backend
        self._failure_types = tuple(backend.failure_types)
        self._info = info
        #: Set to make running tasks stop at their next look (threads, serial).
        self._stop_tasks = threading.Event()
        # Isolated workers already hold the kernel (the pool's initializer),
        # and are terminated rather than asked to stop: they get neither.
        self._kernel_args = (
            () if backend.capabilities.isolated else (kernel_func, self._stop_tasks)
        )
        # Isolated workers get their arguments pickled by the engine itself
        # (timed, and sized) and send their outcome back pickled the same way:
        # every step of a task's trip is measured. ``instrument=False`` (the
        # cost benchmark's other side) hands chunks to the executor as they are.
        #: The backend's own way of shipping a chunk (Dask: numpy arrays), or None.
        self._chunk_call = backend.chunk_call(kernel_func)
        self._packed = (instrument and backend.capabilities.isolated
                        and self._chunk_call is None)
        self._collector = collector
        self._interval = flush_interval
        self._limit = backend.max_inflight(info.workers)
        self._cancel = threading.Event()
        # Done-callbacks (on executor threads) append here; the engine thread
        # drains it when woken: after a refill's worth of completions, at a
        # flush deadline, or on cancel. Not once per task. Each entry is the
        # future and when its result arrived (perf_counter_ns).
        self._completed: collections.deque[tuple[Future, int]] = collections.deque()
        self._wake = threading.Event()
        self._wake_after = max(1, self._limit // 4)
        #: future -> (first pair, end pair, submitted at (ns), pickling the
        #: arguments took (ns), their pickled size (bytes))
        self._inflight: dict[Future, tuple[int, int, int, int, int]] = {}
        self._next_task = 0
        self._submit_refused = False  # the pool broke while tasks were submitted
        #: The workers when the pool first broke, for the backend to describe.
        self.handles: list = []
        self._broke = False

    # -- from other threads --------------------------------------------------
    def cancel(self) -> None:
        self._cancel.set()
        self._stop_tasks.set()  # running tasks stop now, not when the engine wakes
        self._wake.set()

    def stop_tasks(self) -> None:
        """Ask the tasks running in this process to stop (the run is ending
        early): each one stops within a few thousand pairs or candidates."""
        self._stop_tasks.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def _on_done(self, future: Future) -> None:
        # Runs on a thread we do not own: only record and signal.
        completed = self._completed
        completed.append((future, perf_counter_ns()))
        # Wake after a refill's worth, or at once when nothing else is in
        # flight (the run's last tasks): the end of a run never waits for a
        # poll interval.
        if (
            len(completed) >= self._wake_after or len(completed) >= len(self._inflight)
        ) and not self._wake.is_set():  # (set() takes a lock: not once per task)
            self._wake.set()

    # -- on the engine thread --------------------------------------------------
    def warm_up(self, executor: Executor) -> bool:
        """Start every worker before the first task, where the backend asks for
        it (``warm_up_needed``).

        Returns False when cancelled meanwhile."""
        if not self._backend.warm_up_needed:
            return not self.cancelled
        pending = {executor.submit(warm_up) for _ in range(self._info.workers)}
        while pending and not self.cancelled:
            done, pending = wait(pending, timeout=0.05, return_when=FIRST_COMPLETED)
            for future in done:
                future.result()  # a pool that cannot start raises here
        return not self.cancelled

    def pool_broke(self, executor: Executor | None, running=()) -> RunFailure:
        """The failure for a broken pool; the first call takes the workers'
        handles (read once the pool has stopped)."""
        if not self._broke:
            self._broke = True
            if executor is not None:
                self.handles = self._backend.worker_handles(executor)
        return RunFailure.pool_broke(tuple(running[: self._info.workers]))

    def run(self, executor: Executor) -> RunFailure | None:
        """Every task, to the end or the first failure (None: all done)."""
        n_tasks = self._info.n_tasks
        collector = self._collector
        interval = self._interval
        self._submit_more(executor)
        completed = 0
        last_flush = perf_counter_ns()
        while completed < n_tasks:
            if self.cancelled:
                return RunFailure.cancelled()
            if not self._completed:
                if collector.unflushed:  # sleep until the flush is due
                    since = (perf_counter_ns() - last_flush) / 1e9
                    self._wake.wait(max(0.0, interval - since))
                else:  # nothing to report: sleep until woken or a poll interval
                    self._wake.wait(interval)
            self._wake.clear()
            failure = None
            while self._completed:
                future, arrived = self._completed.popleft()
                outcome = self._take(executor, future, self._inflight.pop(future), arrived)
                if outcome is None:
                    completed += 1
                elif failure is None or (outcome.kind == "pool" and failure.kind != "pool"):
                    # Keep recording what already completed; a broken pool
                    # outweighs what else failed meanwhile.
                    failure = outcome
            if failure is not None:
                if failure.kind in ("kernel", "task"):
                    self._finish_earlier(executor, failure.ranges[0][0])
                return failure
            self._submit_more(executor)
            if self._submit_refused and not self._inflight:
                return self.pool_broke(executor)
            now = perf_counter_ns()
            if now - last_flush >= interval * 1e9 and collector.unflushed:
                collector.flush()
                last_flush = now
        return None

    def _finish_earlier(self, executor: Executor, first_failed: int) -> None:
        """A task failed at pair ``first_failed``: give the tasks for earlier
        pairs that are still in flight (a worker that started late may hold
        one) up to :data:`FAILURE_GRACE_S` to finish, and keep what they
        computed. Their own failures, if any, are not reported."""
        earlier = [f for f, sent in self._inflight.items() if sent[0] < first_failed]
        deadline = perf_counter_ns() + int(FAILURE_GRACE_S * 1e9)
        while earlier and not self.cancelled:
            left = (deadline - perf_counter_ns()) / 1e9
            if left <= 0:
                break
            _done, pending = wait(earlier, timeout=min(left, 0.05))
            earlier = list(pending)
        while self._completed:
            future, arrived = self._completed.popleft()
            self._take(executor, future, self._inflight.pop(future), arrived)

    def _submit_more(self, executor: Executor) -> None:
        info = self._info
        pairs = self._collector.pairs
        size, n_pairs, n_tasks = info.chunksize, info.n_pairs, info.n_tasks
        limit, inflight, extra = self._limit, self._inflight, self._kernel_args
        next_task = self._next_task
        room = min(limit - len(inflight), n_tasks - next_task)
        if room <= 0 or self._cancel.is_set() or self._submit_refused:
            return
        chunk_call = self._chunk_call
        if chunk_call is not None:  # the backend ships the chunks its own way
            self._submit_calls(executor, chunk_call, next_task, room)
            return
        small = size == 1 and pairs.dtype == np.int64 and chunk_call is None
        if small:  # one numpy call for the refill, not one per task
            block = pairs[next_task : next_task + room].tolist()
        submit, on_done = executor.submit, self._on_done
        cancel, packed = self._cancel, self._packed
        dumps, protocol = pickle.dumps, pickle.HIGHEST_PROTOCOL
        for i in range(room):
            if self._submit_refused or cancel.is_set():
                break
            begin = next_task * size
            end = min(n_pairs, begin + size)
            chunk = [tuple(block[i])] if small else encode_chunk(pairs[begin:end])
            try:
                if packed:  # step 1, timed: the engine pickles the arguments
                    t0 = perf_counter_ns()
                    data = dumps((begin, chunk), protocol)
                    sent = perf_counter_ns()
                    future = submit(run_packed, data)
                    inflight[future] = (begin, end, sent, sent - t0, len(data))
                else:
                    sent = perf_counter_ns()
                    future = submit(run_chunk, begin, chunk, *extra)
                    inflight[future] = (begin, end, sent, 0, 0)
            except self._failure_types:
                # A worker died: the tasks in flight report it (naming their
                # pairs) through their futures. Submit nothing more.
                self._submit_refused = True
                break
            future.add_done_callback(on_done)
            next_task += 1
        self._next_task = next_task

    def _submit_calls(self, executor: Executor, chunk_call, next_task: int, room: int) -> None:
        """A refill of ``room`` tasks from ``next_task`` on, built by the
        backend's ``chunk_call`` and handed to it all at once."""
        info = self._info
        size, n_pairs, pairs = info.chunksize, info.n_pairs, self._collector.pairs
        ranges, arg_lists, fn = [], [], None
        for task in range(next_task, next_task + room):
            begin = task * size
            end = min(n_pairs, begin + size)
            fn, args = chunk_call(begin, pairs[begin:end])
            ranges.append((begin, end))
            arg_lists.append(args)
        sent = perf_counter_ns()
        try:
            futures = self._backend.submit_calls(executor, fn, arg_lists)
        except self._failure_types:
            # A worker died: the tasks in flight report it through their futures.
            self._submit_refused = True
            return
        inflight, on_done = self._inflight, self._on_done
        for (begin, end), future in zip(ranges, futures):
            inflight[future] = (begin, end, sent, 0, 0)
        for future in futures:  # (all in flight first: _on_done compares with it)
            future.add_done_callback(on_done)
        self._next_task = next_task + len(futures)

    def _take(self, executor: Executor, future: Future, sent: tuple, arrived_ns: int):
        """Collect one finished task (``sent``: its entry of ``_inflight``,
        ``arrived_ns``: when its result reached this process); the failure it
        ends the run with, if any."""
        begin, end = sent[0], sent[1]
        try:
            outcome = future.result()
            trip = None
            if self._packed:  # step 8, timed: the engine unpickles the outcome
                payload, t_recv_ns, unpickle_in_ns, pickle_out_ns = outcome
                t0 = perf_counter_ns()
                outcome = pickle.loads(payload)
                trip = (sent[3], sent[4], t_recv_ns, unpickle_in_ns, pickle_out_ns,
                        len(payload), perf_counter_ns() - t0)
        except CancelledError:
            return RunFailure.cancelled()
        except self._failure_types:
            # Tasks run in submission order: the dead worker's pair is among
            # the earliest that had not completed successfully.
            running = sorted(
                [(s[0], s[1]) for f, s in self._inflight.items()
                 if not (f.done() and not f.cancelled() and f.exception() is None)]
                + [(begin, end)]
            )
            return self.pool_broke(executor, running)
        except Exception as exc:  # pickling problems and the like
            return RunFailure.task_raised(begin, end, exc)
        return self._collector.record(outcome, sent[2], arrived_ns, trip)
