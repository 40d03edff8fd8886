import dataclasses
import math
import os
import threading
import time
from concurrent.futures import Executor, Future
from concurrent.futures.process import BrokenProcessPool

import numpy as np
import pytest

from gcdapp.core import backends
from gcdapp.core.backends.threads import ThreadBackend
from gcdapp.core.engine import MAX_AUTO_CHUNK, Run, RunSetupError, auto_chunksize, run_pairs
from gcdapp.core.events import NullObserver, RunSpec
from gcdapp.core.generate import generate_pairs
from gcdapp.core.kernels import get_kernel
from gcdapp.core.presets import SEED_NUMBERS, SEED_RESULTS
from gcdapp.core.tasks import warm_up
from tests.core import faulty_kernels as fk

MODES = ["serial", "threads", "processes"]


class Recorder(NullObserver):
    def __init__(self):
        self.events = []
        self.batches = []

    def run_started(self, info):
        self.events.append(("started", info))

    def pool_ready(self, startup_s):
        self.events.append(("ready", startup_s))

    def tasks_completed(self, batch):
        self.events.append(("tasks", len(batch)))
        self.batches.append(batch)

    def run_finished(self, result):
        self.events.append(("finished", result.status))


@pytest.mark.parametrize("mode", MODES)
def test_every_backend_returns_the_seed_results(mode):
    result = run_pairs(SEED_NUMBERS, RunSpec(mode=mode, kernel="bruteforce", workers=2))
    assert result.status == "completed"
    assert result.result_list() == list(SEED_RESULTS)
    assert result.done.all()


@pytest.mark.parametrize("method", ["spawn", "forkserver", "fork"])
def test_process_start_methods(method):
    result = run_pairs(
        SEED_NUMBERS,
        RunSpec(mode="processes", kernel="euclid", workers=2, chunksize=3, start_method=method),
    )
    assert result.result_list() == list(SEED_RESULTS)
    assert result.info.start_method == method


def test_default_start_method_is_never_an_implicit_fork():
    run = Run(SEED_NUMBERS, RunSpec(mode="processes", workers=2))
    assert run.info.start_method in ("forkserver", "spawn")


@pytest.mark.parametrize("mode", MODES)
def test_events_stream_every_task_once_with_in_worker_timestamps(mode):
    observer = Recorder()
    pairs = generate_pairs(200, 6, seed=1)
    result = run_pairs(pairs, RunSpec(mode=mode, kernel="euclid", workers=2, chunksize=7), observer)
    kinds = [e[0] for e in observer.events]
    assert kinds[:2] == ["started", "ready"] and kinds[-1] == "finished"
    starts = np.concatenate([b.start for b in observer.batches])
    assert sorted(starts.tolist()) == list(range(0, 200, 7))
    index = np.concatenate([b.pair_index for b in observer.batches])
    gcd = np.concatenate([b.gcd for b in observer.batches])
    assert sorted(index.tolist()) == list(range(200))
    assert gcd.tolist() == [np.gcd(*pairs[i]) for i in index]
    tasks = result.tasks
    assert len(tasks) == 29 and tasks.count.sum() == 200
    assert (tasks.t_end >= tasks.t_start).all()
    assert tasks.t_start.min() >= 0 and tasks.t_end.max() <= result.wall_s


def test_worker_identity_is_a_pid_for_processes_and_a_thread_for_threads():
    procs = run_pairs(SEED_NUMBERS, RunSpec(mode="processes", kernel="bruteforce", workers=2))
    pids = {int(label.split()[1]) for label in procs.tasks.lanes}
    assert os.getpid() not in pids and 1 <= len(pids) <= 2
    threads = run_pairs(SEED_NUMBERS, RunSpec(mode="threads", kernel="bruteforce", workers=2))
    assert set(threads.tasks.lanes) <= {"thread 0", "thread 1"}


def test_results_stream_in_completion_order_not_submission_order():
    # Task 0 sleeps 300 ms, task 1 sleeps 20 ms: task 1 must be reported first.
    observer = Recorder()
    run_pairs([(300, 1), (20, 1)], RunSpec(mode="threads", workers=2, chunksize=1),
              observer, kernel=fk.SLEEPS)
    order = np.concatenate([b.start for b in observer.batches]).tolist()
    assert order == [1, 0]


def test_startup_is_reported_apart_from_compute():
    result = run_pairs(SEED_NUMBERS, RunSpec(mode="processes", kernel="euclid", workers=2))
    assert 0 < result.startup_s <= result.wall_s
    assert result.compute_s == pytest.approx(result.wall_s - result.startup_s)
    # Nothing was computed before the pool was ready.
    assert result.tasks.t_start.min() >= result.startup_s * 0.5


def test_each_process_worker_reports_when_it_was_ready():
    result = run_pairs(SEED_NUMBERS, RunSpec(mode="processes", kernel="bruteforce", workers=2))
    tasks, ready = result.tasks, result.lane_startup_s
    assert len(ready) == len(tasks.lanes) and np.isfinite(ready).all()
    for lane in range(len(tasks.lanes)):
        # ready after the pool was asked for, before its first task started
        assert 0 < ready[lane] <= tasks.t_start[tasks.lane == lane].min()
    # the engine's start-up (its warm-up) ends once a worker has answered
    # (the other may still be starting: its own lane says when it was ready)
    assert ready.min() <= result.startup_s <= tasks.t_start.min()


@pytest.mark.parametrize("mode", ["serial", "threads"])
def test_workers_without_an_initializer_leave_their_start_up_unknown(mode):
    result = run_pairs(SEED_NUMBERS, RunSpec(mode=mode, kernel="euclid", workers=2))
    assert len(result.lane_startup_s) == len(result.tasks.lanes)
    assert np.isnan(result.lane_startup_s).all()
    assert 0 <= result.startup_s <= result.tasks.t_start.min()


@pytest.mark.parametrize("mode", MODES)
def test_shutdown_is_the_end_of_the_wall_time(mode):
    result = run_pairs(SEED_NUMBERS, RunSpec(mode=mode, kernel="euclid", workers=2, chunksize=3))
    assert 0 <= result.shutdown_s < result.wall_s
    assert result.tasks.t_end.max() <= result.wall_s - result.shutdown_s
    if mode == "processes":
        assert result.shutdown_s > 0  # joining the worker processes


def test_the_last_tasks_are_collected_without_waiting_for_a_flush_interval():
    # Fewer tasks than a refill's worth: before, the engine slept a whole flush
    # interval after the last one. With a 30 s interval that cannot hide.
    result = run_pairs(SEED_NUMBERS, RunSpec(mode="processes", kernel="euclid", workers=2,
                                             chunksize=1), flush_interval=30.0)
    assert result.status == "completed"
    assert result.wall_s - result.shutdown_s - result.tasks.t_end.max() < 10.0


def test_many_tasks_reach_the_observer_in_few_batches():
    observer = Recorder()
    pairs = generate_pairs(20_000, 5, seed=2)
    result = run_pairs(pairs, RunSpec(mode="threads", kernel="builtin", workers=2, chunksize=1),
                       observer)
    assert result.status == "completed" and len(result.tasks) == 20_000
    assert sum(len(b) for b in observer.batches) == 20_000
    assert len(observer.batches) < 20_000 / 20


def test_chunking():
    run = Run(SEED_NUMBERS, RunSpec(mode="threads", kernel="euclid", workers=2, chunksize=3))
    result = run.execute()
    assert sorted(result.tasks.count.tolist()) == [1, 3, 3, 3]
    assert Run(SEED_NUMBERS, RunSpec(mode="threads", chunksize=1)).info.n_tasks == 10


def test_auto_chunksize():
    euclid, brute = get_kernel("euclid"), get_kernel("bruteforce")
    assert auto_chunksize(1_000_000, 2, euclid) == MAX_AUTO_CHUNK
    assert auto_chunksize(10, 2, brute) == 1
    assert auto_chunksize(10, 2, euclid) == 1
    assert 1 < auto_chunksize(10_000, 2, brute) < auto_chunksize(10_000, 2, euclid)


def test_integers_beyond_64_bits_run_on_processes():
    big = 10**30
    pairs = [(big * 6, big * 4), (7, 5), (-(big * 3), 0)]
    result = run_pairs(pairs, RunSpec(mode="processes", kernel="euclid", workers=2, chunksize=1))
    assert result.result_list() == [big * 2, 1, big * 3]


def _assert_kept_everything_reported(result, observer, pairs):
    """Every pair streamed before the end is in the result, with its gcd."""
    streamed = np.concatenate([b.pair_index for b in observer.batches]) if observer.batches \
        else np.empty(0, dtype=np.int64)
    assert result.done[streamed].all()
    done = np.flatnonzero(result.done)
    assert [result.results[i] for i in done] == [np.gcd(*pairs[i]) for i in done]


@pytest.mark.parametrize("mode", MODES)
def test_a_raising_task_fails_the_run_naming_the_pair_and_keeps_results(mode):
    pairs = [(i, i + 7) for i in range(1, 40)]
    observer = Recorder()
    result = Run(pairs, RunSpec(mode=mode, workers=2, chunksize=1), observer,
                 kernel=fk.RAISES).execute()
    assert result.status == "failed"
    assert "pair 13 (13, 20)" in result.error and "ZeroDivisionError" in result.error
    assert result.failed_pairs == [12]
    assert not result.done[12]
    assert result.done[:10].all()  # finished long before pair 13 was reached
    _assert_kept_everything_reported(result, observer, pairs)


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_a_dying_worker_fails_the_run_naming_the_pair_and_keeps_results(method):
    pairs = [(i, i + 7) for i in range(1, 40)]
    observer = Recorder()
    spec = RunSpec(mode="processes", workers=2, chunksize=1, start_method=method)
    result = Run(pairs, spec, observer, kernel=fk.DIES).execute()
    assert result.status == "failed"
    # The exit code is named when the OS still reports it (3 here); a fork
    # server relays 255 when it cannot, and a reaping race can lose it.
    assert result.error.startswith("a worker process ended abruptly")
    assert "pair 13 (13, 20)" in result.error
    assert 12 in result.failed_pairs and not result.done[12]
    # The pool stops the other worker too, so only what had completed is kept.
    assert result.n_done >= 1
    assert f"{result.n_done} of 39 pairs had completed" in result.error
    _assert_kept_everything_reported(result, observer, pairs)


@pytest.mark.parametrize("first", [0, 1, 2])
def test_a_worker_dying_on_one_of_the_first_pairs_is_named(first):
    # The pool may break while the engine is still submitting: the pair must
    # still be named, and the run must end (not wait for tasks never sent).
    pairs = [(5 + i, 9) for i in range(400)]  # the first submissions outlast the death
    pairs[first] = (13, 5)
    result = Run(pairs, RunSpec(mode="processes", workers=2, chunksize=1),
                 kernel=fk.DIES).execute()
    assert result.status == "failed"
    assert f"pair {first + 1} (13, 5)" in result.error
    assert first in result.failed_pairs


class _BreakingExecutor(Executor):
    """Breaks like ProcessPoolExecutor: the futures in flight fail with
    BrokenProcessPool and ``submit`` raises it from then on."""

    def __init__(self, break_after: int):
        self.break_after = break_after
        self.in_flight: list[Future] = []
        self.broken = False

    def submit(self, fn, /, *args, **kwargs):
        future = Future()
        if fn is warm_up:
            future.set_result(0)
            return future
        if self.broken or len(self.in_flight) == self.break_after:
            if not self.broken:
                self.broken = True
                for pending in self.in_flight:
                    pending.set_exception(BrokenProcessPool("a child process terminated"))
            raise BrokenProcessPool("a child process terminated")
        future.set_running_or_notify_cancel()
        self.in_flight.append(future)
        return future


class _BreakingBackend(ThreadBackend):
    name = "breaking"

    def create(self, workers, start_method, kernel=None):
        return _BreakingExecutor(break_after=3)


@pytest.fixture
def breaking_backend():
    backends.register("breaking", _BreakingBackend())
    yield "breaking"
    backends.unregister("breaking")


def test_a_pool_that_breaks_while_tasks_are_submitted_names_their_pairs(breaking_backend):
    pairs = [(5 + i, 9) for i in range(100)]
    result = Run(pairs, RunSpec(mode="breaking", workers=2, chunksize=1)).execute()
    assert result.status == "failed"
    assert "while computing one of: pair 1 (5, 9); pair 2 (6, 9)" in result.error
    assert result.n_done == 0


@pytest.mark.parametrize("mode", ["processes", "threads", "serial"])
def test_cancel_from_another_thread_keeps_completed_results(mode):
    pairs = [(i, i + 7) for i in range(1, 60)]
    kernel = fk.HANGS if mode == "processes" else fk.SLOW
    first = threading.Event()

    class CancelAfterFirst(NullObserver):
        def tasks_completed(self, batch):
            first.set()

    run = Run(pairs, RunSpec(mode=mode, workers=2, chunksize=1), CancelAfterFirst(), kernel=kernel)
    timer = {}

    def cancel_soon():
        first.wait(30)
        time.sleep(0.2)
        timer["cancelled_at"] = time.monotonic()
        run.cancel()

    thread = threading.Thread(target=cancel_soon)
    thread.start()
    result = run.execute()
    returned = time.monotonic()
    thread.join()
    assert result.status == "cancelled"
    assert 0 < result.n_done < len(pairs)
    assert not result.done[12] or mode != "processes"
    # A task sleeping for ten minutes was stopped rather than waited for.
    assert returned - timer["cancelled_at"] < 30


def test_setup_errors_list_every_problem():
    with pytest.raises(RunSetupError) as info:
        Run([(0, 5), (3, 4)], RunSpec(mode="threads", kernel="bruteforce", workers=0, chunksize=0))
    problems = info.value.problems
    assert "workers must be between 1 and 256, got 0" in problems
    assert any("chunk size" in p for p in problems)
    assert "pair 1 (0, 5): bruteforce needs a ≥ 1 and b ≥ 1" in problems
    with pytest.raises(RunSetupError, match="no pairs"):
        Run([], RunSpec(mode="serial"))
    with pytest.raises(RunSetupError, match="start method 'nope'"):
        Run(SEED_NUMBERS, RunSpec(mode="processes", start_method="nope"))
    with pytest.raises(RunSetupError, match="unknown mode"):
        Run(SEED_NUMBERS, RunSpec(mode="gpu"))


def test_many_domain_errors_are_summarised():
    pairs = [(0, 1)] * 50
    with pytest.raises(RunSetupError) as info:
        Run(pairs, RunSpec(mode="serial", kernel="bruteforce"))
    assert info.value.problems[-1] == "… and 45 more pairs outside bruteforce's domain"


def test_a_run_executes_once():
    run = Run(SEED_NUMBERS, RunSpec(mode="serial", kernel="euclid"))
    run.execute()
    with pytest.raises(RuntimeError):
        run.execute()


def _gcd_threads():
    return [t for t in threading.enumerate() if t.name.startswith("gcd-thread")]


HUGE = (10**12 + 39, 10**12 + 61)  # hours of brute force for one pair


@pytest.mark.parametrize("mode", ["threads", "serial"])
def test_cancel_stops_a_brute_force_pair_in_the_middle(mode):
    # A thread cannot be interrupted, but the kernel looks at the run's stop
    # flag: the run ends, and no thread of it is left computing.
    pairs = [(12, 18)] + [HUGE] * 4
    ready = threading.Event()

    class Ready(NullObserver):
        def pool_ready(self, startup_s):
            ready.set()

    run = Run(pairs, RunSpec(mode=mode, kernel="bruteforce", workers=2, chunksize=1), Ready())
    canceller = threading.Thread(target=lambda: (ready.wait(30), time.sleep(0.3), run.cancel()))
    canceller.start()
    result = run.execute()
    canceller.join()
    assert result.status == "cancelled" and result.error is None
    assert not result.done[1:].any()
    assert _gcd_threads() == []


def test_a_failing_threads_run_stops_its_other_threads():
    # Pair 2 raises at once; the other thread is deep in a huge pair: the
    # run fails and that thread is stopped too, not left computing.
    pairs = [HUGE, (0, 5), HUGE]
    result = run_pairs(pairs, RunSpec(mode="threads", kernel="bruteforce", workers=2, chunksize=1),
                       kernel=dataclasses.replace(get_kernel("bruteforce"), positive_only=False))
    assert result.status == "failed" and "pair 2 (0, 5)" in result.error
    assert _gcd_threads() == []


def test_no_thread_outlives_its_run_even_when_cancelled_early():
    pairs = [HUGE] * 6
    peak = []
    for _ in range(5):
        run = Run(pairs, RunSpec(mode="threads", kernel="bruteforce", workers=2, chunksize=1))
        timer = threading.Timer(0.05, run.cancel)
        timer.start()
        run.execute()
        timer.join()
        peak.append(len(_gcd_threads()))
    assert peak == [0] * 5


@pytest.mark.parametrize("mode", MODES)
def test_every_task_carries_its_anatomy(mode):
    import pickle

    from gcdapp.core.engine.chunks import encode_chunk

    pairs = generate_pairs(400, 9, seed=3)
    result = run_pairs(pairs, RunSpec(mode=mode, kernel="euclid", workers=2, chunksize=40))
    assert result.status == "completed"
    t = result.tasks
    assert len(t) == 10
    for name in ("cpu_s", "t_submit", "t_arrive", "merge_s"):
        assert np.isfinite(getattr(t, name)).all(), name
    assert (t.cpu_s >= 0).all() and (t.cpu_s <= t.t_end - t.t_start + 0.02).all()
    assert (t.t_submit <= t.t_start).all() and (t.t_end <= t.t_arrive).all()
    assert (t.merge_s > 0).all()
    assert len(result.lane_import_s) == len(t.lanes)
    if mode == "processes":
        assert (t.t_submit <= t.t_recv).all() and (t.t_recv <= t.t_start).all()
        expected = [len(pickle.dumps((int(s), encode_chunk(pairs[s:s + c])), pickle.HIGHEST_PROTOCOL))
                    for s, c in zip(t.start.tolist(), t.count.tolist())]
        assert t.bytes_in.tolist() == expected
        assert (t.bytes_out > 40 * 8).all()
        for name in ("pickle_in_s", "unpickle_in_s", "pickle_out_s", "unpickle_out_s"):
            assert (getattr(t, name) > 0).all(), name
        assert all(math.isfinite(v) and v >= 0 for v in result.lane_import_s)
    else:  # in process: nothing pickled, nothing sent
        assert np.isnan(t.t_recv).all()
        assert (t.bytes_in == 0).all() and (t.bytes_out == 0).all()
        for name in ("pickle_in_s", "unpickle_in_s", "pickle_out_s", "unpickle_out_s"):
            assert (getattr(t, name) == 0).all(), name
        assert result.lane_import_s == (0.0,) * len(t.lanes)


def test_batches_carry_the_anatomy_of_their_tasks():
    recorder = Recorder()
    result = Run(SEED_NUMBERS, RunSpec(mode="threads", kernel="euclid", workers=2),
                 recorder).execute()
    streamed = np.concatenate([b.cpu_s for b in recorder.batches])
    np.testing.assert_array_equal(np.sort(streamed), np.sort(result.tasks.cpu_s))
    assert np.isfinite(streamed).all()


@pytest.mark.parametrize("mode", ["threads", "processes"])
def test_an_uninstrumented_run_leaves_the_anatomy_unknown(mode):
    result = Run(SEED_NUMBERS, RunSpec(mode=mode, kernel="euclid", workers=2),
                 instrument=False).execute()
    assert result.status == "completed" and result.result_list() == list(SEED_RESULTS)
    assert np.isnan(result.tasks.cpu_s).all() and np.isnan(result.tasks.t_submit).all()
    assert (result.tasks.bytes_in == 0).all()
