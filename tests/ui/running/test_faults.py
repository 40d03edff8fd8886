"""Fault suites through the real window: Run and Cancel at random moments,
and pool workers killed mid-run. Counts and invariants, never timings; the
random seed is printed (``pytest -s``) and replayed with ``GCDAPP_FAULT_SEED``."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from gcdapp.core import kernels
from gcdapp.core.presets import SEED_NUMBERS
from tests.core import faulty_kernels as fk
from tests.fault_probes import Usage, fault_seed, pool_workers, settled_usage, wait_for_no_workers
from tests.ui.session_helpers import make_window, set_mode  # noqa: F401 - a fixture

RUN_TIMEOUT = 60_000
GUI_CYCLES = 15  # per mode; the engine suite runs 100
GUI_KILLS = 3
RSS_GROWTH_LIMIT = 20 * 2**20


def _gcd_threads():
    return sum(t.name.startswith("gcd-thread") for t in threading.enumerate())


def _run_and_cancel(qtbot, window, delay_ms):
    with qtbot.waitSignal(window.runner.jobFinished, timeout=RUN_TIMEOUT):
        window.run_action.trigger()
        assert window.runner.running and window.cancel_action.isEnabled()
        qtbot.wait(delay_ms)
        if window.cancel_action.isEnabled():
            window.cancel_action.trigger()


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["threads", "processes"])
def test_run_and_cancel_at_random_moments_in_the_window_leaks_nothing(qtbot, make_window, mode):
    rng = fault_seed(f"window cancel cycles ({mode})")
    window = make_window(show=True)
    window.editor.load_pairs(list(SEED_NUMBERS), "seed")
    set_mode(window, mode, kernel="bruteforce", chunk=1)
    started = []  # a cancel that beats the run's start records no run
    window.runner.coordinator.runStarted.connect(lambda run_id, info: started.append(run_id))
    _run_and_cancel(qtbot, window, 50)  # the first run starts what lives on
    qtbot.wait(200)  # let the first run's threads be reaped
    baseline = Usage.now()
    left_running = []
    for _ in range(GUI_CYCLES):
        _run_and_cancel(qtbot, window, rng.randint(0, 150))
        left_running.append((_gcd_threads(), len(pool_workers())))
    after = settled_usage(baseline, pump=lambda: qtbot.wait(10), python_threads=False,
                          at_most=True)
    print("window cycles:", baseline, after)
    assert not window.runner.running and window.run_action.isEnabled()
    records = window.workspace.history.records
    assert [r.run_id for r in records] == started  # every run that started is kept
    assert len(started) >= GUI_CYCLES // 2, len(started)
    assert {record.result.status for record in records} <= {"cancelled", "completed"}
    assert set(left_running) == {(0, 0)}, left_running
    assert after.workers == 0
    # Nothing of the runs is left; Qt's own idle threads may have ended.
    assert after.native_threads <= baseline.native_threads
    assert after.fds <= baseline.fds
    assert after.rss - baseline.rss < RSS_GROWTH_LIMIT, (after.rss - baseline.rss) / 2**20


@pytest.mark.slow
def test_a_worker_killed_mid_run_in_the_window_is_reported_and_nothing_is_lost(
        qtbot, make_window, monkeypatch):
    rng = fault_seed("window worker deaths")
    window = make_window(show=True)
    pairs = [(7 * i + 13, 3 * i + 5) for i in range(1, 201)]
    window.editor.load_pairs(pairs, "x")
    set_mode(window, "processes", kernel="euclid", chunk=2)
    # Once the panel is set: runs of "euclid" now take 20 ms a pair.
    monkeypatch.setitem(kernels.KERNELS, "euclid", fk.SLOW)
    for attempt in range(GUI_KILLS):
        with qtbot.waitSignal(window.runner.jobFinished, timeout=RUN_TIMEOUT):
            window.run_action.trigger()
            qtbot.waitUntil(lambda: len(pool_workers()) == 2, timeout=RUN_TIMEOUT)
            qtbot.wait(rng.randint(100, 800))
            workers = pool_workers()
            assert workers, f"kill {attempt + 1}: the run ended before the kill"
            os.kill(workers[rng.randrange(len(workers))].pid, signal.SIGKILL)
        text = window.message.message()
        assert "failed: a worker process ended abruptly" in text, text
        assert "while computing one of: pair " in text, text
        assert wait_for_no_workers() == []
    assert not window.runner.running and window.run_action.isEnabled()
