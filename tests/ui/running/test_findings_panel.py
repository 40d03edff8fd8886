"""The Findings panel: a read-only view of the findings of the latest run,
of a job's runs, or of the runs selected in the runs table."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QWidget

from gcdapp.core.engine import run_pairs
from gcdapp.core.events import RunSpec
from gcdapp.core.history import RunRecord
from gcdapp.core.pairs import as_pairs, pairs_fingerprint
from gcdapp.core.presets import SEED_NUMBERS
from gcdapp.core.workspace import Workspace
from gcdapp.ui.running.findings_panel import PLACEHOLDER, FindingsPanel
from gcdapp.ui.running.runs_table import RunsTable

SEED = as_pairs(SEED_NUMBERS)
RUN_TIMEOUT = 120_000


@pytest.fixture
def views(qtbot):
    workspace = Workspace(SEED)
    runs = RunsTable(workspace)
    panel = FindingsPanel(workspace, runs)
    qtbot.addWidget(runs)
    qtbot.addWidget(panel)
    return workspace, runs, panel


def add_run(workspace, mode, kernel="euclid"):
    result = run_pairs(SEED, RunSpec(mode=mode, kernel=kernel, workers=2, chunksize=1))
    run_id = workspace.history.new_id()
    label = f"#{run_id} {mode}" + (" ×2" if mode != "serial" else "")
    record = RunRecord(run_id, label, pairs_fingerprint(SEED), result)
    workspace.add_run(record, SEED)
    return record


def select_rows(runs, rows):
    model, selection = runs.runs_model, runs.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Rows | QItemSelectionModel.SelectionFlag.Select
    selection.clearSelection()
    for row in rows:
        selection.select(model.index(row, 0), flags)


def test_each_finished_run_is_explained_as_it_arrives(views):
    workspace, _runs, panel = views
    assert panel.accessibleName() == "Findings" and panel.isReadOnly()
    assert panel.toPlainText() == PLACEHOLDER and panel.findings() == []
    add_run(workspace, "serial")
    text = panel.toPlainText()
    assert text.startswith("Run #1 serial") and "Serial: " in text
    threads = add_run(workspace, "threads")
    assert panel.run_ids == (threads.run_id,)
    text = panel.toPlainText()
    assert text.startswith("Run #2 threads ×2")
    assert "Threads ×2: " in text and "of a possible" in text and "Recommendation: " in text
    assert [f.text for f in panel.findings()][0] in text


def test_selecting_runs_shows_one_runs_findings_or_their_comparison(views):
    workspace, runs, panel = views
    add_run(workspace, "serial")
    add_run(workspace, "threads")
    add_run(workspace, "serial", kernel="builtin")
    select_rows(runs, [0, 1])
    assert runs.selected_run_ids() == [1, 2]
    assert panel.run_ids == (1, 2)
    text = panel.toPlainText()
    assert text.startswith("Comparison of #1 serial, #2 threads ×2")
    assert "Serial: " in text and "Threads ×2: " in text and "Recommendation: " in text
    select_rows(runs, [2])
    assert panel.run_ids == (3,) and panel.toPlainText().startswith("Run #3 serial")
    select_rows(runs, [0, 1, 2])  # two kernels: compared apart
    assert "2 different pair lists or kernels" in panel.toPlainText()
    workspace.clear_runs()
    assert panel.toPlainText() == PLACEHOLDER and panel.run_ids == ()


def test_the_window_explains_a_comparison_once_compare_modes_ends(qtbot, window):
    panel = window.panel
    panel.kernel.setCurrentIndex(panel.kernel.findData("euclid"))
    panel.workers.setValue(2)
    found = [w for w in window.findChildren(QWidget) if w.accessibleName() == "Findings"]
    assert found == [window.findings] and window.findings_dock.isVisible()
    assert window.findings.toPlainText() == PLACEHOLDER
    with qtbot.waitSignal(window.jobFinished, timeout=RUN_TIMEOUT):
        assert window.runner.compare_modes()
    ids = tuple(r.run_id for r in window.workspace.history)
    assert len(ids) == 3 and window.findings.run_ids == ids
    text = window.findings.toPlainText()
    assert text.startswith("Comparison of #1 serial, #2 threads ×2, #3 processes ×2")
    for part in ("Serial: ", "Threads ×2: ", "Processes ×2: ", "Start-up took ", "Recommendation: "):
        assert part in text
