"""The sweep runner: its order, its checks, a real sweep, progress and Cancel."""

import threading
from collections import Counter

import pytest

from gcdapp.core import kernels
from gcdapp.core.engine import RunSetupError
from gcdapp.core.kernels import Kernel, euclid
from gcdapp.core.presets import SEED_NUMBERS, get_preset
from gcdapp.core.run_settings import RunSettings
from gcdapp.core.sweep import (
    BASELINE_MODE, Sweep, SweepObserver, check_sweep, default_workers, sweep_steps,
)
from gcdapp.core.sweep_result import BASELINE


def settings(**values):
    return RunSettings().with_values(**values)


def test_default_workers_are_one_to_twice_the_cores():
    assert default_workers(2) == (1, 2, 3, 4)
    assert default_workers(1) == (1, 2)


def test_rounds_are_shuffled_interleaved_and_replayable():
    steps = sweep_steps(settings(mode="processes", repeats=6), (1, 2, 3, 4), order_seed=11)
    assert len(steps) == 6 * 5
    rounds = [steps[i:i + 5] for i in range(0, 30, 5)]
    for r, members in enumerate(rounds):
        # every round: the baseline once and each worker count once
        assert sorted(s.workers for s in members) == [BASELINE, 1, 2, 3, 4]
        assert {s.round for s in members} == {r}
    orders = {tuple(s.workers for s in members) for members in rounds}
    assert len(orders) > 1  # shuffled afresh each round
    assert steps == sweep_steps(settings(mode="processes", repeats=6), (1, 2, 3, 4), 11)
    assert steps != sweep_steps(settings(mode="processes", repeats=6), (1, 2, 3, 4), 12)
    baseline = next(s for s in steps if s.baseline)
    assert baseline.spec.mode == BASELINE_MODE and baseline.label.startswith("serial, round")
    point = next(s for s in steps if s.workers == 3)
    assert (point.spec.mode, point.spec.workers) == ("processes", 3)


def test_without_interleave_each_point_runs_in_a_row_and_warm_ups_come_first():
    steps = sweep_steps(settings(mode="threads", repeats=2, interleave=False, warm_up=True),
                        (1, 2), order_seed=0)
    assert [(s.workers, s.round) for s in steps] == [
        (BASELINE, -1), (1, -1), (2, -1),
        (BASELINE, 0), (BASELINE, 1), (1, 0), (1, 1), (2, 0), (2, 1)]
    assert steps[0].warm_up and steps[0].label == "serial warm-up"


def test_what_cannot_be_swept_is_refused_with_reasons():
    pairs = get_preset("seed").array()
    assert "serial mode always uses one worker" in check_sweep(pairs, settings(mode="serial"),
                                                               (1, 2))[0]
    assert "between 1 and 256" in check_sweep(pairs, settings(mode="threads"), (0, 300))[0]
    assert "at least one worker count" in check_sweep(pairs, settings(mode="threads"), ())[0]
    assert "unknown mode 'nope'" in check_sweep(pairs, settings(mode="nope"), (1,))[0]
    with pytest.raises(RunSetupError) as caught:
        Sweep([(0, 5)], settings(mode="threads", kernel="bruteforce"), (1, 2))
    assert all(p.startswith(("serial:", "threads:")) for p in caught.value.problems)
    assert check_sweep(pairs, settings(mode="threads"), (1, 2)) == []


class Recorder(SweepObserver):
    def __init__(self):
        self.steps, self.partial, self.progress, self.finished = [], [], [], None
        self.started = None

    def sweep_started(self, steps):
        self.started = steps

    def step_finished(self, step, sweep, progress):
        self.steps.append(step)
        self.partial.append(sweep)
        self.progress.append(progress)

    def sweep_finished(self, result):
        self.finished = result


@pytest.mark.slow
def test_a_real_sweep_of_the_seed_pairs_on_processes():
    rec = Recorder()
    sweep = Sweep(SEED_NUMBERS, settings(mode="processes", kernel="bruteforce", repeats=3),
                  (1, 2), rec, order_seed=3)
    result = sweep.execute()
    assert result.status == "completed" and result.error is None
    assert rec.finished is result and len(rec.started) == 9
    assert [p.workers for p in result.points] == [1, 2]
    assert result.baseline.n == 3
    for p in result.points:
        assert p.walls.n == 3 and p.speedups.n == 3
        assert p.info.mode == "processes" and p.info.workers == p.workers
    assert result.points[1].speedup > 1
    assert not any(p.oversubscribed for p in result.points if p.workers <= 2)
    assert result.amdahl is not None and 0 <= result.amdahl.serial_fraction <= 1
    assert result.finding().startswith("Serial fraction")
    # measured in the plan's order, each run in its round
    assert [(s.workers, s.round) for s in rec.steps] == [
        (s.workers, s.round) for s in sweep.steps]
    assert Counter(m.workers for m in result.measurements) == {BASELINE: 3, 1: 3, 2: 3}


def test_progress_counts_runs_and_estimates_the_time_left():
    rec = Recorder()
    sweep = Sweep(SEED_NUMBERS, settings(mode="threads", kernel="euclid", repeats=3), (1, 2, 3),
                  rec, order_seed=1)
    before = sweep.progress()
    assert (before.done, before.total, before.eta_s) == (0, 12, None)
    sweep.execute()
    assert [p.done for p in rec.progress] == list(range(1, 13))
    assert all(p.total == 12 for p in rec.progress)
    assert all(p.eta_s >= 0 for p in rec.progress) and rec.progress[-1].eta_s == 0
    assert rec.progress[-1].fraction == 1.0
    # the partial sweeps grow run by run
    assert [len(s.measurements) for s in rec.partial] == list(range(1, 13))


class CancelAfter(SweepObserver):
    """Cancels from another thread once ``n`` runs have finished."""

    def __init__(self, sweep_box, n):
        self.box, self.n, self.seen = sweep_box, n, 0
        self.thread = None

    def step_finished(self, step, sweep, progress):
        self.seen += 1
        if self.seen == self.n:
            self.thread = threading.Thread(target=self.box[0].cancel)
            self.thread.start()
            self.thread.join()


def test_cancel_keeps_the_finished_runs():
    box = []
    observer = CancelAfter(box, 4)
    sweep = Sweep(SEED_NUMBERS, settings(mode="processes", kernel="euclid", repeats=3), (1, 2),
                  observer, order_seed=2)
    box.append(sweep)
    result = sweep.execute()
    assert result.status == "cancelled" and sweep.cancelled
    assert len(result.measurements) == 4
    assert sweep.progress().done == 4
    assert result.finding().endswith("The sweep was cancelled before its last round.")


def test_cancel_during_a_run_stops_it_and_keeps_what_finished():
    started = threading.Event()

    class Slow(SweepObserver):
        def __init__(self):
            self.runs = 0

        def step_started(self, step, progress):
            self.runs += 1
            if self.runs == 3:
                started.set()

    pairs = [(1_999_993, 2_000_003)] * 40  # 40 heavy brute-force pairs: seconds of work
    sweep = Sweep(pairs, settings(mode="threads", repeats=5), (1, 2), Slow(), order_seed=0)
    thread = threading.Thread(target=sweep.execute)
    thread.start()
    assert started.wait(120)
    sweep.cancel()
    thread.join(60)
    assert not thread.is_alive()
    result = sweep.result()
    assert result.status == "cancelled" and len(result.measurements) == 2


def _off_main_thread(wrong):
    """A kernel that is right on the main thread (serial runs there) and
    raises, or answers ``wrong``, on pool threads."""
    def kernel(pair):
        if threading.current_thread() is threading.main_thread():
            return euclid(pair)
        if wrong is None:
            raise ZeroDivisionError("boom off the main thread")
        return wrong
    return Kernel("euclid", kernel, "euclid", "misbehaves off the main thread")


def test_a_failing_run_ends_the_sweep_with_its_step_and_keeps_the_rest(monkeypatch):
    monkeypatch.setitem(kernels.KERNELS, "euclid", _off_main_thread(None))
    sweep = Sweep(SEED_NUMBERS, settings(mode="threads", kernel="euclid", repeats=2,
                                         interleave=False), (2,), order_seed=0)
    result = sweep.execute()
    assert result.status == "failed"
    assert result.error.startswith("threads ×2, round 1: ") and "boom" in result.error
    assert [m.workers for m in result.measurements] == [BASELINE, BASELINE]
    assert result.baseline.n == 2 and result.points == ()


def test_results_that_differ_from_the_first_run_fail_the_sweep(monkeypatch):
    monkeypatch.setitem(kernels.KERNELS, "euclid", _off_main_thread(7))
    sweep = Sweep(SEED_NUMBERS, settings(mode="threads", kernel="euclid", interleave=False),
                  (1,), order_seed=0)
    result = sweep.execute()
    assert result.status == "failed"
    assert result.error == "threads ×1, round 1: its results differ from the sweep's first run"


def test_a_sweep_executes_once():
    sweep = Sweep(SEED_NUMBERS, settings(mode="threads", kernel="euclid"), (1,), order_seed=0)
    sweep.execute()
    with pytest.raises(RuntimeError):
        sweep.execute()
