"""The leverage map runner: its checks, pair counts, a real map on both sides
of 1.0×, progress and Cancel."""

import threading

import pytest

from gcdapp.core.engine import RunSetupError
from gcdapp.core.leverage import (
    MAX_TASKS, TARGET_SERIAL_S, LeverageMap, LeverageObserver, calibrate, check_map, pair_count,
)
from gcdapp.core.leverage_result import CellKey


def test_pair_counts_aim_at_the_target_within_the_task_bounds():
    # cheap work: as many pairs as the target allows, but at most MAX_TASKS tasks
    assert pair_count(1e-6, 1, 2) == MAX_TASKS
    assert pair_count(1e-6, 1000, 2) == round(TARGET_SERIAL_S / 1e-6)
    # costly work: never fewer than two tasks per worker
    assert pair_count(0.3, 1, 2) == 4
    assert pair_count(0.3, 10, 2) == 40


def test_calibration_tells_costly_kernels_from_cheap_ones():
    assert calibrate("bruteforce", 4) > 20 * calibrate("builtin", 4)


def test_bad_grids_are_refused_with_every_reason():
    problems = check_map((0, 3), (), ("nope",), "serial", 2, 0)
    text = "\n".join(problems)
    for part in ("digit count must be between 1", "at least one chunk size",
                 "unknown kernel 'nope'", "rounds must be between 1",
                 "serial is the baseline"):
        assert part in text
    with pytest.raises(RunSetupError):
        LeverageMap(digits=(3,), chunksizes=(1,), kernels=("builtin",), mode="nowhere")
    assert check_map((3,), (1,), ("builtin",), "processes", 2, 3) == []


class Recorder(LeverageObserver):
    def __init__(self):
        self.started, self.finished_cells, self.progress, self.final = None, [], [], None

    def map_started(self, keys):
        self.started = keys

    def cell_finished(self, cell, result, progress):
        self.finished_cells.append(cell)
        self.progress.append(progress)

    def map_finished(self, result):
        self.final = result


def test_a_real_small_map_has_cells_on_both_sides_of_the_line():
    rec = Recorder()
    lmap = LeverageMap(digits=(7,), chunksizes=(1,), kernels=("bruteforce", "builtin"),
                       mode="processes", observer=rec, workers=2, rounds=3)
    result = lmap.execute()
    assert result.status == "completed", result.error
    assert rec.started == (CellKey("bruteforce", 7, 1), CellKey("builtin", 7, 1))
    assert [p.done for p in rec.progress] == [1, 2] and rec.final is not None
    brute, cheap = result.cell("bruteforce", 7, 1), result.cell("builtin", 7, 1)
    assert brute.speedup > 1.0 > cheap.speedup
    assert brute.speedups.n == cheap.speedups.n == 3
    assert brute.n_pairs == brute.n_tasks == 4  # costly: two tasks per worker
    assert cheap.n_tasks == MAX_TASKS
    # per task: brute force computes far longer than it copies; math.gcd the reverse
    assert brute.per_task.compute_s > brute.per_task.transfer_s
    assert cheap.per_task.compute_s < cheap.per_task.transfer_s
    data = result.to_json()
    assert {"digits", "chunksize", "kernel", "speedup", "compute_s", "transfer_s",
            "pairs", "unstable"} <= set(data["cells"][0])
    assert "pay in 1 of 2 cells" in result.finding()


def test_cells_beyond_the_budget_are_skipped_with_a_reason():
    result = LeverageMap(digits=(7, 20), chunksizes=(1000,), kernels=("bruteforce",),
                         workers=2, rounds=1).execute()
    assert result.status == "completed"
    seven, twenty = result.cells
    assert not seven.measured and "would take about" in seven.skipped
    assert not twenty.measured and "10^20 candidates" in twenty.skipped
    assert "2 cells skipped" in result.finding()


def test_cancel_keeps_the_finished_cells():
    class CancelAfterFirst(LeverageObserver):
        def cell_finished(self, cell, result, progress):
            lmap.cancel()

    lmap = LeverageMap(digits=(3,), chunksizes=(10, 100, 1000), kernels=("builtin",),
                       mode="threads", observer=CancelAfterFirst(), workers=2, rounds=1)
    result = lmap.execute()
    assert result.status == "cancelled"
    assert [c.key.chunksize for c in result.cells] == [10]
    assert "cancelled before its last cell" in result.finding()


def test_cancel_from_another_thread_stops_a_running_cell():
    lmap = LeverageMap(digits=(7,), chunksizes=(1,), kernels=("bruteforce",), mode="threads",
                       workers=2, rounds=5)
    timer = threading.Timer(0.5, lmap.cancel)
    timer.start()
    result = lmap.execute()
    timer.join()
    assert result.status == "cancelled" and result.cells == ()
