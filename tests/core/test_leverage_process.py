"""A leverage map measured in a child process: the same map, events and
cancel as in process."""

from __future__ import annotations

import os

import pytest

from gcdapp.core.engine import RunSetupError
from gcdapp.core.leverage import LeverageObserver
from gcdapp.core.leverage_process import LeverageMapProcess


class Recorder(LeverageObserver):
    def __init__(self, cancel_after: int | None = None):
        self.events = []
        self.lmap = None
        self.cancel_after = cancel_after

    def map_started(self, keys):
        self.events.append(("map_started", keys))

    def cell_started(self, key, progress):
        self.events.append(("cell_started", key, progress.done))

    def cell_finished(self, cell, result, progress):
        self.events.append(("cell_finished", cell.key, len(result.cells), progress.done,
                            os.getpid()))
        if self.cancel_after is not None and progress.done >= self.cancel_after:
            self.lmap.cancel()

    def map_finished(self, result):
        self.events.append(("map_finished", result.status))


def test_a_map_in_a_child_process_reports_every_cell_here():
    rec = Recorder()
    lmap = LeverageMapProcess((3,), (1, 100), ("builtin",), "processes", rec, rounds=1)
    assert lmap.keys and lmap.result().status == "pending"
    result = lmap.execute()
    assert result.status == "completed", result.error
    assert [c.key for c in result.cells] == list(lmap.keys)
    assert all(c.measured and c.speedups.median > 0 for c in result.cells)
    kinds = [e[0] for e in rec.events]
    assert kinds == ["map_started", "cell_started", "cell_finished", "cell_started",
                     "cell_finished", "map_finished"]
    # the observer runs in this process, with the map so far
    finished = [e for e in rec.events if e[0] == "cell_finished"]
    assert [e[2] for e in finished] == [1, 2] and {e[4] for e in finished} == {os.getpid()}
    assert lmap.result() == result and lmap.progress().done == 2
    with pytest.raises(RuntimeError):
        lmap.execute()


def test_cancel_keeps_the_finished_cells():
    rec = Recorder(cancel_after=1)
    lmap = LeverageMapProcess((3, 7), (1, 10), ("builtin",), "threads", rec, rounds=1)
    rec.lmap = lmap
    result = lmap.execute()
    assert result.status == "cancelled"
    assert 1 <= len(result.cells) < len(lmap.keys)
    assert rec.events[-1] == ("map_finished", "cancelled")


def test_bad_values_are_refused_before_any_process_starts():
    with pytest.raises(RunSetupError) as info:
        LeverageMapProcess((0,), (1,), ("nosuch",), "serial")
    text = "; ".join(info.value.problems)
    assert "digit count" in text and "nosuch" in text and "baseline" in text
