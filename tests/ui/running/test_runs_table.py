"""The runs table's Python column and its column layout."""

from __future__ import annotations

import platform
import sys
from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import Qt

from gcdapp.core.history import RunRecord
from gcdapp.core.presets import SEED_NUMBERS
from gcdapp.ui.running.runs_table import MAX_COLUMN_WIDTH, VISUAL_ORDER, column
from tests.ui.running.test_controller import RUN_TIMEOUT, Rig, choose


@pytest.fixture
def runner(qtbot):
    rig = Rig(qtbot)
    rig.workspace.set_pairs(np.array(SEED_NUMBERS))
    yield rig
    rig.controller.shutdown()


def test_an_in_app_run_shows_the_running_python(qtbot, runner):
    choose(runner, "threads")
    with qtbot.waitSignal(runner.jobFinished, timeout=RUN_TIMEOUT):
        assert runner.start_run()
    model = runner.runs.runs_model
    python = model.index(0, column("Python"))
    assert model.headerData(column("Python"), Qt.Orientation.Horizontal) == "Python"
    assert model.data(python) == platform.python_version()
    assert sys.executable in model.data(python, Qt.ItemDataRole.ToolTipRole)
    # A run that carries its interpreter's record shows that one.
    record = runner.workspace.history.records[0]
    result = replace(record.result)
    result.python = {"version": "3.14.2", "executable": "/opt/bin/python3.14t",
                     "free_threaded_build": True, "gil_enabled": False}
    runner.workspace.add_run(RunRecord(runner.workspace.history.new_id(), "#2 threads ×2",
                                       record.fingerprint, result))
    other = model.index(1, column("Python"))
    assert model.data(other) == "3.14.2t GIL off"
    assert model.data(other, Qt.ItemDataRole.ToolTipRole) == \
        "3.14.2t free-threaded, GIL off\n/opt/bin/python3.14t"


def test_the_columns_that_tell_runs_apart_come_first_and_none_grows_unbounded(qtbot, runner):
    table = runner.runs
    header = table.horizontalHeader()
    assert [header.logicalIndex(v) for v in range(header.count())] == \
        [column(name) for name in VISUAL_ORDER]
    assert header.visualIndex(column("Python")) < header.visualIndex(column("kernel"))
    assert header.maximumSectionSize() == MAX_COLUMN_WIDTH
    assert table.textElideMode() == Qt.TextElideMode.ElideRight
