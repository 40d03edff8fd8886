"""Fault suites for the engine: counts and invariants, never timings.

- Worker deaths: a real pool worker is SIGKILLed at a random moment of a
  processes run, 20 times. The run ends failed (it never raises), naming the
  pairs being computed; every completed result is kept and correct; no
  worker process is left.
- Cancel cycles: 100 runs each in processes and threads mode, cancelled from
  another thread at a random moment. Worker processes, threads and fds end
  where they started, and RSS grows by less than 20 MB.

The random seed is printed (``pytest -s``) and replayed with
``GCDAPP_FAULT_SEED``.
"""

from __future__ import annotations

import math
import os
import signal
import threading
import time

import numpy as np
import pytest

from gcdapp.core.engine import Run
from gcdapp.core.events import NullObserver, RunSpec
from gcdapp.core.presets import SEED_NUMBERS
from tests.core import faulty_kernels as fk
from tests.fault_probes import Usage, fault_seed, pool_workers, settled_usage, wait_for_no_workers

KILLS = 20
CYCLES = 100
RSS_GROWTH_LIMIT = 20 * 2**20


class _Kept(NullObserver):
    """Everything the observer was told, and a signal once the pool is up."""

    def __init__(self):
        self.ready = threading.Event()
        self.reported = 0

    def pool_ready(self, startup_s):
        self.ready.set()

    def tasks_completed(self, batch):
        self.reported += int(batch.count.sum())


def _assert_completed_results_are_correct(result, pairs):
    done = result.done
    expected = [math.gcd(int(a), int(b)) for a, b in pairs[done]]
    assert result.results[done].tolist() == expected
    assert int(result.tasks.count.sum()) == result.n_done  # every task's pairs, once


def _kill_a_worker_later(observer, delay, pick, killed):
    def kill():
        if not observer.ready.wait(60):
            return
        time.sleep(delay)
        workers = pool_workers()
        if workers:
            victim = workers[int(pick * len(workers))]
            try:
                os.kill(victim.pid, signal.SIGKILL)
                killed.append(victim.pid)
            except ProcessLookupError:
                pass

    thread = threading.Thread(target=kill, name="killer")
    thread.start()
    return thread


@pytest.mark.slow
def test_worker_deaths_never_lose_a_completed_result_nor_leave_a_child():
    rng = fault_seed("worker deaths")
    pairs = np.array([(7 * i + 13, 3 * i + 5) for i in range(1, 201)], dtype=np.int64)
    # 200 pairs of 20 ms on 2 workers, 2 per task: about 2 s of run, killed
    # within its first second, so each kill lands mid-run.
    spec = RunSpec(mode="processes", workers=2, chunksize=2)
    for attempt in range(KILLS):
        observer = _Kept()
        killed: list[int] = []
        delay = rng.uniform(0.0, 1.0)
        killer = _kill_a_worker_later(observer, delay, rng.random(), killed)
        result = Run(pairs, spec, observer, kernel=fk.SLOW).execute()
        killer.join()
        where = f"kill {attempt + 1} at {delay:.3f} s after the pool was up"
        assert killed, where
        assert result.status == "failed", where
        assert result.error.startswith("a worker process ended abruptly"), (where, result.error)
        assert "while computing one of: pair " in result.error, (where, result.error)
        assert result.failed_pairs and not result.done[result.failed_pairs].any(), where
        for index in result.failed_pairs[:1]:
            a, b = pairs[index]
            assert f"pair {index + 1} ({a}, {b})" in result.error, (where, result.error)
        assert f"{result.n_done} of {len(pairs)} pairs had completed" in result.error
        _assert_completed_results_are_correct(result, pairs)
        assert observer.reported == result.n_done, where  # kept all that was shown
        assert wait_for_no_workers() == [], where


def _cancel_cycles(mode, rng):
    pairs = np.array(SEED_NUMBERS, dtype=np.int64)
    spec = RunSpec(mode=mode, kernel="bruteforce", workers=2, chunksize=1)

    def cycle(delay):
        run = Run(pairs, spec)
        timer = threading.Timer(delay, run.cancel)
        timer.start()
        result = run.execute()
        timer.join()
        return result

    cycle(0.05)  # the first run starts what lives on (fork server, caches)
    baseline = settled_usage(Usage.now())
    statuses, left_running = [], []
    for _ in range(CYCLES):
        result = cycle(rng.uniform(0.0, 0.15))
        statuses.append(result.status)
        _assert_completed_results_are_correct(result, pairs)
        # Right after the run, before anything settles: none of its threads
        # is still computing, none of its workers still alive.
        left_running.append(
            (sum(t.name.startswith("gcd-thread") for t in threading.enumerate()),
             len(pool_workers())))
    after = settled_usage(baseline)
    return baseline, after, statuses, left_running


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["processes", "threads"])
def test_cancel_cycles_leave_no_workers_threads_fds_or_memory_behind(mode):
    rng = fault_seed(f"cancel cycles ({mode})")
    baseline, after, statuses, left_running = _cancel_cycles(mode, rng)
    assert set(left_running) == {(0, 0)}, left_running
    assert statuses.count("cancelled") >= CYCLES * 0.9, statuses  # the seed run takes ~1 s
    assert set(statuses) <= {"cancelled", "completed"}
    assert after.workers == baseline.workers == 0
    assert after.threads == baseline.threads
    assert after.native_threads == baseline.native_threads
    assert after.fds == baseline.fds
    assert after.rss - baseline.rss < RSS_GROWTH_LIMIT, (after.rss - baseline.rss) / 2**20
