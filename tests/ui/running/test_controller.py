"""The run controller without a window: it drives the widgets it is given."""

from __future__ import annotations

import numpy as np
import pytest

from gcdapp.core.generate import generate_pairs
from gcdapp.core.workspace import Workspace
from gcdapp.core.presets import SEED_NUMBERS, SEED_RESULTS
from gcdapp.ui.running.settings_panel import ModePanel
from gcdapp.ui.pairs.editor import PairEditor
from gcdapp.ui.pairs.table_model import COL_GCD
from gcdapp.ui.running.choices import PanelSync
from gcdapp.ui.running.controller import RunController
from gcdapp.ui.running.message import RunMessage
from gcdapp.ui.running.status import RunStatus
from gcdapp.ui.running.runs_table import RunsTable
from gcdapp.ui.charts.timing import TimingChart

RUN_TIMEOUT = 120_000


class Rig:
    """The controller with the workspace and the views it drives."""

    def __init__(self, qtbot):
        self.workspace = Workspace()
        self.editor, self.panel = PairEditor(workspace=self.workspace), ModePanel()
        self.chart, self.runs = TimingChart(), RunsTable(self.workspace)
        self.message, self.status = RunMessage(), RunStatus()
        for widget in (self.editor, self.panel, self.chart, self.runs, self.message, self.status):
            qtbot.addWidget(widget)
        self.panel_sync = PanelSync(self.panel, self.workspace)
        self.controller = RunController(self.workspace, self.editor, self.chart, self.message,
                                        self.status)

    def __getattr__(self, name):  # the controller's API
        return getattr(self.controller, name)


@pytest.fixture
def runner(qtbot):
    rig = Rig(qtbot)
    rig.workspace.set_pairs(np.array(SEED_NUMBERS))
    yield rig
    rig.controller.shutdown()


def choose(runner, mode, kernel="euclid", chunk=1):
    panel = runner.panel
    panel.mode.setCurrentIndex(panel.mode.findData(mode))
    panel.kernel.setCurrentIndex(panel.kernel.findData(kernel))
    if panel.workers.isEnabled():
        panel.workers.setValue(2)
    panel.chunksize.setValue(chunk)


def test_a_comparison_reaches_every_widget_and_clearing_forgets_it(qtbot, runner):
    choose(runner, "threads")
    running, finished, changed = [], [], []
    runner.runningChanged.connect(running.append)
    runner.runFinished.connect(finished.append)
    runner.runsChanged.connect(lambda: changed.append(True))
    with qtbot.waitSignal(runner.jobFinished, timeout=RUN_TIMEOUT) as job:
        assert runner.compare_modes()
        assert runner.running and not runner.start_run()  # one job at a time
    assert job.args == [True] and not runner.running
    assert running == [True, False]
    assert finished == [1, 2, 3] and len(changed) == 3
    assert [r.mode for r in runner.workspace.history] == ["serial", "threads", "processes"]
    assert runner.runs.runs_model.rowCount() == 3
    assert runner.chart.walls.bar_count() == 3 and runner.chart.completion.curve_count() == 3
    model = runner.editor.model
    assert [model.data(model.index(r, COL_GCD)) for r in range(model.rowCount())] == \
        [str(v) for v in SEED_RESULTS]
    # the three runs share one snapshot of the pairs
    assert list(runner.workspace.pairs_of) == [runner.workspace.history.records[0].fingerprint]
    assert runner.workspace.pairs_of[runner.workspace.history.records[0].fingerprint].tolist() == \
        [list(p) for p in SEED_NUMBERS]
    assert runner.status.done == len(SEED_NUMBERS)

    runner.clear_runs()
    assert len(runner.workspace.history) == 0 and runner.workspace.pairs_of == {}
    assert runner.runs.runs_model.rowCount() == 0 and runner.chart.walls.bar_count() == 0
    assert len(changed) == 4


def test_finished_runs_can_be_shown_again_in_a_fresh_controller(qtbot, runner):
    choose(runner, "threads", chunk=3)
    with qtbot.waitSignal(runner.jobFinished, timeout=RUN_TIMEOUT):
        assert runner.start_run()
    records, pair_sets = tuple(runner.workspace.history), dict(runner.workspace.pairs_of)

    runner.clear_runs()
    runner.workspace.set_pairs(np.array(SEED_NUMBERS))  # no results shown
    runner.workspace.set_runs(records, pair_sets)
    assert [r.run_id for r in runner.workspace.history] == [records[0].run_id]
    assert runner.chart.walls.bar_count() == 1
    model = runner.editor.model
    assert model.data(model.index(0, COL_GCD)) == str(SEED_RESULTS[0])
    runner.show_run(records[0].run_id)
    assert runner.chart.timeline.task_count() == 4  # 10 pairs, 3 per task


def test_while_a_job_runs_clearing_is_refused_and_cancel_keeps_what_finished(qtbot, runner):
    choose(runner, "serial")
    with qtbot.waitSignal(runner.jobFinished, timeout=RUN_TIMEOUT):
        assert runner.start_run()
    runner.workspace.set_pairs(generate_pairs(120, 7, seed=3))  # ~100 ms a pair
    choose(runner, "threads", kernel="bruteforce")
    with qtbot.waitSignal(runner.jobFinished, timeout=RUN_TIMEOUT) as job:
        with qtbot.waitSignal(runner.coordinator.tasksCompleted, timeout=60_000):
            assert runner.start_run()
        runner.clear_runs()
        assert len(runner.workspace.history) == 1 and runner.chart.walls.bar_count() == 1
        runner.cancel_run()
    assert job.args == [False]
    record = runner.workspace.history.records[-1]
    assert len(runner.workspace.history) == 2 and record.result.status == "cancelled"
    assert 1 <= record.result.n_done < 120
    assert "cancelled" in runner.message.message()


def test_a_warm_up_is_run_but_not_recorded_and_repeats_are_judged(qtbot, runner):
    choose(runner, "serial")
    runner.panel.repeats.setValue(3)
    runner.panel.warm_up.setChecked(True)
    assert runner.workspace.settings.warm_up and runner.workspace.settings.repeats == 3
    warmed = []
    runner.coordinator.warmingUp.connect(warmed.append)
    with qtbot.waitSignal(runner.jobFinished, timeout=RUN_TIMEOUT) as job:
        assert runner.start_run()
    assert job.args == [True] and warmed == ["serial"]
    assert [r.mode for r in runner.workspace.history] == ["serial"] * 3  # no fourth run
    # The three repeats are judged by pyperf's rules, one way or the other.
    text = runner.message.message()
    assert runner.message.kind in ("info", "warning")
    assert ("serial: median" in text and "over 3 runs" in text) or \
        ("serial is unstable over 3 runs" in text)


def test_modes_can_be_compared_grouped_instead_of_interleaved(qtbot, runner):
    choose(runner, "threads")
    runner.panel.repeats.setValue(2)
    runner.panel.interleave.setChecked(False)
    with qtbot.waitSignal(runner.jobFinished, timeout=RUN_TIMEOUT):
        assert runner.compare_modes()
    assert [r.mode for r in runner.workspace.history] == \
        ["serial", "serial", "threads", "threads", "processes", "processes"]
