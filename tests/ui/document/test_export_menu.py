"""File > Export on a real MainWindow: real runs, files written and read back."""

from __future__ import annotations

import csv
import json
import os
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog, QMenu, QProgressDialog, QPushButton

from gcdapp.core.export import (
    RESULT_FIELDS, RUN_FIELDS, RUN_RESULT_FIELDS, run_rows, write_results_csv,
)
from gcdapp.core.generate import generate_pairs
from gcdapp.core.presets import SEED_NUMBERS, SEED_RESULTS
from gcdapp.ui.document import export_menu as export_menu_module
from gcdapp.ui.document.export_menu import ExportMenu, install_export_menu

RUN_TIMEOUT = 120_000
EXPORT_TIMEOUT = 60_000
MENU_TEXTS = [
    "Results as CSV…",
    "Selected run's results as CSV…",
    "",
    "Runs as CSV…",
    "Runs as JSON…",
    "",
    "Worker sweep as CSV…",
    "Worker sweep as pyperf JSON…",
    "Leverage map as CSV…",
    "Leverage map as pyperf JSON…",
    "",
    "Timeline as PNG…",
    "Timeline as SVG…",
    "Completion chart as PNG…",
    "Completion chart as SVG…",
    "Wall times as PNG…",
    "Wall times as SVG…",
    "Worker sweep chart as PNG…",
    "Worker sweep chart as SVG…",
    "Leverage map chart as PNG…",
    "Leverage map chart as SVG…",
]
#: the charts of runs (the experiments' have their own tests, in test_experiments)
RUN_CHARTS = ("timeline", "completion", "walls")


def run_exports(menu):
    """The actions that export runs and their charts (not the experiments')."""
    experiments = set(menu.experiment_actions.values()) | {
        a for (key, _suffix), a in menu.chart_actions.items() if key not in RUN_CHARTS}
    return [a for a in menu.actions() if not a.isSeparator() and a not in experiments]


class Dialog:
    """Stands in for QFileDialog.getSaveFileName: records calls, answers ``answer``."""

    def __init__(self, monkeypatch, answer=""):
        self.answer = answer
        self.calls = []
        monkeypatch.setattr(QFileDialog, "getSaveFileName", self)

    def __call__(self, parent, caption, start, filters):
        self.calls.append((parent, caption, start, filters))
        return (str(self.answer), filters.split(";;")[0])


def run_and_wait(qtbot, window, mode="threads"):
    panel = window.panel
    panel.mode.setCurrentIndex(panel.mode.findData(mode))
    panel.kernel.setCurrentIndex(panel.kernel.findData("euclid"))
    if panel.workers.isEnabled():
        panel.workers.setValue(2)
    with qtbot.waitSignal(window.jobFinished, timeout=RUN_TIMEOUT):
        assert window.runner.start_run()


def trigger_and_wait(qtbot, menu, action):
    """Trigger an export action and wait until its file is written (or not):
    the file is written on the menu's worker thread."""
    with qtbot.waitSignal(menu.finished, timeout=EXPORT_TIMEOUT):
        action.trigger()
    assert not menu.busy


def file_menu(window) -> QMenu:
    return next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


# -- installing ------------------------------------------------------------------------


def test_installs_once_under_file_above_quit(window):
    # The window installs it; installing again changes nothing.
    menu = window.export_menu
    assert isinstance(menu, ExportMenu)
    before = file_menu(window).actions()
    assert install_export_menu(window) is menu
    after = file_menu(window).actions()
    assert after == before
    # Export stands just above the separator before Quit
    quit_at = after.index(window.quit_action)
    assert after[quit_at - 1].isSeparator()
    assert after[quit_at - 2].menu() is menu
    assert after[quit_at - 2].text() == "&Export"
    assert [a.text() for a in menu.actions()] == MENU_TEXTS
    for action in menu.actions():
        if not action.isSeparator():
            assert action.toolTip() and action.statusTip() == action.toolTip()
    assert menu.toolTipsVisible()


def test_only_what_there_is_can_be_exported(qtbot, window):
    menu = install_export_menu(window)
    enabled = {a.text(): a.isEnabled() for a in menu.actions() if not a.isSeparator()}
    # the seed pairs are loaded; nothing has run yet
    assert enabled == {text: text == "Results as CSV…" for text in MENU_TEXTS if text}
    assert menu.runs_csv_action.toolTip() == "No finished runs to export"
    run_and_wait(qtbot, window)
    assert all(a.isEnabled() for a in run_exports(menu) if a is not menu.run_results_csv_action)
    assert not any(a.isEnabled() for a in menu.experiment_actions.values())
    assert menu.runs_csv_action.toolTip().startswith("Save one row per finished run")
    assert not menu.run_results_csv_action.isEnabled()  # no run selected yet
    window.runs.selectRow(0)
    assert menu.run_results_csv_action.isEnabled()
    window.runner.clear_runs()
    assert not menu.runs_json_action.isEnabled()
    assert not menu.run_results_csv_action.isEnabled()
    # the charts are cleared after the runs table announces it
    qtbot.waitUntil(lambda: not any(a.isEnabled() for a in menu.chart_actions.values()))
    window.editor.model.set_pairs([])
    assert not menu.results_csv_action.isEnabled()
    assert menu.results_csv_action.toolTip() == "No pairs to export"


# -- exporting through the menu ----------------------------------------------------


def test_every_action_writes_its_file(qtbot, window, monkeypatch, tmp_path):
    menu = install_export_menu(window, directory=lambda: tmp_path / "start")
    run_and_wait(qtbot, window, "serial")
    run_and_wait(qtbot, window, "threads")
    window.runs.selectRow(0)
    dialog = Dialog(monkeypatch)
    written = []
    menu.exported.connect(written.append)

    def export(action, name):
        dialog.answer = tmp_path / name
        trigger_and_wait(qtbot, menu, action)
        assert window.message.kind == "info", window.message.message()
        assert str(tmp_path / name) in window.message.message()
        return tmp_path / name

    # results of the editor: the pairs, their gcd, task time and worker
    rows = read_csv(export(menu.results_csv_action, "results.csv"))
    model = window.editor.model
    lanes = model.lanes()
    assert rows[0] == list(RESULT_FIELDS)
    assert [tuple(map(int, r[:2])) for r in rows[1:]] == list(SEED_NUMBERS)
    assert [int(r[2]) for r in rows[1:]] == list(SEED_RESULTS)
    assert [float(r[3]) for r in rows[1:]] == model._time.tolist()
    assert all(r[4] in lanes for r in rows[1:])

    # results of the selected (serial) run
    rows = read_csv(export(menu.run_results_csv_action, "run1.csv"))
    assert [int(r[2]) for r in rows[1:]] == list(SEED_RESULTS)
    assert {r[4] for r in rows[1:]} == set(window.workspace.history.records[0].result.tasks.lanes)

    rows = read_csv(export(menu.runs_csv_action, "runs.csv"))
    assert rows[0] == list(RUN_FIELDS)
    assert [r[RUN_FIELDS.index("mode")] for r in rows[1:]] == ["serial", "threads"]
    assert float(rows[2][RUN_FIELDS.index("speedup")]) == window.workspace.history.speedup(
        window.workspace.history.records[1])

    document = json.loads(export(menu.runs_json_action, "runs.json").read_text())
    assert document["runs"] == run_rows(window.workspace.history)

    for (key, suffix), action in menu.chart_actions.items():
        if key not in RUN_CHARTS:
            continue
        path = export(action, f"{key}{suffix}")
        if suffix == ".png":
            image = QImage(str(path))
            assert not image.isNull() and image.width() > 100
        else:
            root = ET.parse(path).getroot()
            assert root.tag == "{http://www.w3.org/2000/svg}svg"

    assert written == [str(tmp_path / name) for name in (
        "results.csv", "run1.csv", "runs.csv", "runs.json", "timeline.png", "timeline.svg",
        "completion.png", "completion.svg", "walls.png", "walls.svg")]
    # every dialog opened in the given directory, with a default name and filter
    starts = [Path(start) for _p, _c, start, _f in dialog.calls]
    assert all(s.parent == tmp_path / "start" for s in starts)
    assert [s.name for s in starts] == [
        "gcdapp-results.csv", "gcdapp-run-1-results.csv", "gcdapp-runs.csv", "gcdapp-runs.json",
        "gcdapp-timeline.png", "gcdapp-timeline.svg", "gcdapp-completion.png",
        "gcdapp-completion.svg", "gcdapp-wall-times.png", "gcdapp-wall-times.svg"]
    assert all(parent is window for parent, *_ in dialog.calls)
    assert dialog.calls[3][3].startswith("JSON files (*.json)")


def test_cancelling_the_dialog_writes_nothing(qtbot, window, monkeypatch, tmp_path):
    menu = install_export_menu(window, directory=tmp_path)
    dialog = Dialog(monkeypatch, answer="")
    menu.results_csv_action.trigger()
    assert len(dialog.calls) == 1
    assert Path(dialog.calls[0][2]) == tmp_path / "gcdapp-results.csv"
    assert list(tmp_path.iterdir()) == []
    assert window.message.message() == ""


def test_a_name_without_suffix_gets_one(qtbot, window, monkeypatch, tmp_path):
    menu = install_export_menu(window)
    run_and_wait(qtbot, window)
    Dialog(monkeypatch, answer=tmp_path / "runs")
    trigger_and_wait(qtbot, menu, menu.runs_json_action)
    assert json.loads((tmp_path / "runs.json").read_text())["runs"]
    Dialog(monkeypatch, answer=tmp_path / "bars.chart")
    trigger_and_wait(qtbot, menu, menu.chart_actions[("walls", ".svg")])
    ET.parse(tmp_path / "bars.chart.svg")


def test_a_write_failure_is_shown_in_the_window_not_raised(qtbot, window, monkeypatch, tmp_path):
    menu = install_export_menu(window)
    run_and_wait(qtbot, window)
    target = tmp_path / "missing" / "runs.csv"
    Dialog(monkeypatch, answer=target)
    written = []
    menu.exported.connect(written.append)
    trigger_and_wait(qtbot, menu, menu.runs_csv_action)
    assert window.message.kind == "error"
    assert window.message.message() == (
        f"Cannot export the runs: Cannot write {target}: No such file or directory")
    assert written == []
    assert "Traceback" not in window.message.message()

    folder = tmp_path / "a folder.png"
    folder.mkdir()
    Dialog(monkeypatch, answer=folder)
    trigger_and_wait(qtbot, menu, menu.chart_actions[("timeline", ".png")])
    assert window.message.kind == "error"
    assert "it is a folder" in window.message.message()


def test_old_file_survives_a_failed_export(qtbot, window, monkeypatch, tmp_path):
    from gcdapp.core import atomic

    menu = install_export_menu(window)
    path = tmp_path / "results.csv"
    path.write_text("precious\n")

    def full(_fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full)
    Dialog(monkeypatch, answer=path)
    trigger_and_wait(qtbot, menu, menu.results_csv_action)
    assert window.message.kind == "error"
    assert "No space left on device" in window.message.message()
    assert path.read_text() == "precious\n"
    assert [p.name for p in tmp_path.iterdir()] == ["results.csv"]


def test_exports_can_be_called_with_a_path(qtbot, window, tmp_path):
    menu = install_export_menu(window)
    assert menu.export_runs_csv(tmp_path / "none.csv") is None  # nothing yet
    assert window.message.kind == "info"
    assert not (tmp_path / "none.csv").exists()
    run_and_wait(qtbot, window)
    run_id = window.workspace.history.records[0].run_id
    assert menu.export_run_results_csv(run_id, tmp_path / "r.csv") == tmp_path / "r.csv"
    assert menu.wait()  # written in the background: wait() blocks until it is
    assert read_csv(tmp_path / "r.csv")[0] == list(RUN_RESULT_FIELDS)
    assert window.message.message() == (
        f"Saved 10 results of {window.workspace.history.records[0].label} to {tmp_path / 'r.csv'}")
    assert menu.export_chart("completion", ".png", tmp_path / "c") == tmp_path / "c.png"
    assert menu.wait()
    assert not QImage(str(tmp_path / "c.png")).isNull()


# -- off the GUI thread ----------------------------------------------------------------

MILLION = 1_000_000


def export_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "gcdapp-export" and t.is_alive()]


@pytest.fixture
def million(qtbot, window):
    """The window with a million pairs and a finished serial run of them."""
    window.editor.load_pairs(generate_pairs(MILLION, 7, seed=5), "Generate")
    panel = window.panel
    panel.mode.setCurrentIndex(panel.mode.findData("serial"))
    panel.kernel.setCurrentIndex(panel.kernel.findData("builtin"))
    with qtbot.waitSignal(window.jobFinished, timeout=RUN_TIMEOUT):
        assert window.runner.start_run()
    assert window.editor.model.results()[1].all()
    yield window
    window.export_menu.shutdown(0)
    assert not export_threads()


def synchronous_results(window, path) -> bytes:
    """What the one-shot writer writes for the editor's results."""
    model = window.editor.model
    write_results_csv(path, model.pairs(), *model.results(), model._time, model._worker,
                      model.lanes())
    return Path(path).read_bytes()


@pytest.mark.slow
def test_a_million_rows_export_while_the_window_keeps_running(qtbot, million, tmp_path):
    window, menu = million, million.export_menu
    ticks = []
    probe = QTimer()
    probe.setInterval(10)
    probe.timeout.connect(lambda: ticks.append(menu.busy))
    progress = []
    menu.progressed.connect(lambda done, total: progress.append((done, total)))
    probe.start()
    try:
        with qtbot.waitSignal(menu.finished, timeout=EXPORT_TIMEOUT) as finished:
            assert menu.export_results_csv(tmp_path / "results.csv") == tmp_path / "results.csv"
            assert menu.busy  # returned at once: the file is written in the background
    finally:
        probe.stop()
    assert finished.args == ["saved", str(tmp_path / "results.csv")]
    # The GUI thread kept turning its event loop while the rows were written
    # (a synchronous export gives the probe no turn at all until it is done).
    assert sum(ticks) >= 5, f"the probe fired {sum(ticks)} times during the export"
    # progress came piece by piece, up to every row
    done = [d for d, _total in progress]
    assert len(done) >= 2 and done == sorted(done) and done[-1] == MILLION
    assert {total for _done, total in progress} == {MILLION}
    assert window.message.message() == f"Saved 1,000,000 results to {tmp_path / 'results.csv'}"
    # byte for byte what the synchronous writer writes
    written = (tmp_path / "results.csv").read_bytes()
    assert written == synchronous_results(window, tmp_path / "sync.csv")
    assert written.count(b"\n") == MILLION + 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.csv", "sync.csv"]


@pytest.mark.slow
def test_cancel_in_the_progress_dialog_leaves_no_file_and_the_old_one_untouched(
    qtbot, million, tmp_path
):
    window, menu = million, million.export_menu
    menu.progress_delay_ms = 0  # show the dialog at once
    old = tmp_path / "old.csv"
    old.write_bytes(b"precious\n")
    outcomes = []
    menu.finished.connect(lambda outcome, path: outcomes.append((outcome, path)))
    for path in (old, tmp_path / "new.csv"):
        assert menu.export_results_csv(path) == path
        qtbot.waitUntil(lambda: _progress_dialog(window) is not None, timeout=EXPORT_TIMEOUT)
        dialog = _progress_dialog(window)
        assert dialog.labelText() == f"Exporting the results to {path}…"
        cancel = dialog.findChild(QPushButton)
        assert cancel.text() == "Cancel"
        with qtbot.waitSignal(menu.finished, timeout=EXPORT_TIMEOUT):
            qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
        assert outcomes[-1] == ("cancelled", str(path))
        assert window.message.kind == "info"
        assert window.message.message() == (
            f"Export of the results cancelled: nothing was written to {path}.")
        qtbot.waitUntil(lambda: _progress_dialog(window) is None)
        assert menu.wait() and not export_threads()
    assert old.read_bytes() == b"precious\n"
    assert [p.name for p in tmp_path.iterdir()] == ["old.csv"]  # no new file, no temporary


def _progress_dialog(window):
    dialog = window.findChild(QProgressDialog, "ExportProgress")
    return dialog if dialog is not None and dialog.isVisible() else None


@pytest.mark.slow
def test_a_second_export_while_one_runs_is_refused_with_a_message(
    qtbot, million, monkeypatch, tmp_path
):
    window, menu = million, million.export_menu
    results = tmp_path / "results.csv"
    assert menu.export_results_csv(results) == results
    assert all(not a.isEnabled() for a in menu.actions() if not a.isSeparator())
    busy_tip = (f"Exporting the results to {results}: wait for it to finish, "
                "or cancel it, before exporting again")
    assert menu.runs_csv_action.toolTip() == busy_tip
    dialog = Dialog(monkeypatch, answer=tmp_path / "runs.csv")
    assert menu.export_runs_csv() is None
    assert dialog.calls == []  # refused before asking for a file
    assert window.message.kind == "error"
    assert window.message.message() == f"Another export is running ({busy_tip})."
    assert menu.export_chart("walls", ".png", tmp_path / "walls.png") is None
    with qtbot.waitSignal(menu.finished, timeout=EXPORT_TIMEOUT) as finished:
        pass
    assert finished.args == ["saved", str(results)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.csv"]
    assert menu.runs_csv_action.isEnabled() and menu.results_csv_action.isEnabled()
    # and the next one runs
    trigger_and_wait(qtbot, menu, menu.runs_csv_action)
    assert read_csv(tmp_path / "runs.csv")[0] == list(RUN_FIELDS)


@pytest.mark.slow
def test_closing_the_window_cancels_an_export_that_outlasts_the_grace(
    qtbot, million, monkeypatch, tmp_path
):
    monkeypatch.setattr(export_menu_module, "CLOSE_GRACE_S", 0.0)
    menu = million.export_menu
    assert menu.export_results_csv(tmp_path / "results.csv")
    million.close()
    assert not menu.busy and not export_threads()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_closing_the_window_lets_an_export_finish(qtbot, million, monkeypatch, tmp_path):
    monkeypatch.setattr(export_menu_module, "CLOSE_GRACE_S", 600.0)
    menu = million.export_menu
    expected = synchronous_results(million, tmp_path / "sync.csv")
    assert menu.export_results_csv(tmp_path / "results.csv")
    million.close()
    assert not menu.busy and not export_threads()
    assert (tmp_path / "results.csv").read_bytes() == expected


def test_an_unwritable_target_gives_the_specific_reason(qtbot, window, tmp_path):
    menu = window.export_menu
    (tmp_path / "notes.txt").write_text("a file, not a folder")
    target = tmp_path / "notes.txt" / "results.csv"
    with qtbot.waitSignal(menu.finished, timeout=EXPORT_TIMEOUT) as finished:
        assert menu.export_results_csv(target) == target
    assert finished.args == ["failed", str(target)]
    assert window.message.kind == "error"
    assert window.message.message() == (
        f"Cannot export the results: Cannot write {target}: Not a directory")
    assert (tmp_path / "notes.txt").read_text() == "a file, not a folder"

    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            return  # root may write anywhere: no permission to be refused
        with qtbot.waitSignal(menu.finished, timeout=EXPORT_TIMEOUT):
            menu.export_results_csv(locked / "results.csv")
        assert window.message.message() == (
            f"Cannot export the results: Cannot write {locked / 'results.csv'}: "
            "Permission denied")
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


def test_a_short_export_shows_no_progress_dialog(qtbot, window, tmp_path):
    menu = window.export_menu
    assert menu.progress_delay_ms == export_menu_module.PROGRESS_DELAY_MS == 300
    shown = []
    probe = QTimer()
    probe.setInterval(1)
    probe.timeout.connect(lambda: shown.append(_progress_dialog(window) is not None))
    probe.start()
    try:
        with qtbot.waitSignal(menu.finished, timeout=EXPORT_TIMEOUT):
            menu.export_results_csv(tmp_path / "seed.csv")
    finally:
        probe.stop()
    assert len(read_csv(tmp_path / "seed.csv")) == 11
    assert not any(shown)


def test_the_sweep_and_the_map_export_as_charts_csv_and_pyperf(qtbot, window, tmp_path):
    import subprocess
    import sys

    from gcdapp.core.leverage import LeverageMap
    from gcdapp.core.run_settings import RunSettings
    from gcdapp.core.sweep import Sweep

    menu = window.export_menu
    assert not any(a.isEnabled() for a in menu.experiment_actions.values())
    assert menu.export_experiment("sweep", "csv", tmp_path / "none.csv") is None
    assert "no worker sweep" in window.message.message().lower()
    settings = RunSettings().with_values(mode="threads", kernel="euclid", repeats=2)
    window.workspace.set_sweep(Sweep(window.workspace.pairs, settings, (1, 2)).execute())
    window.workspace.set_leverage(
        LeverageMap((3,), (1, 10), ("builtin",), "threads", rounds=2).execute())
    qtbot.waitUntil(lambda: window.sweep_chart.point_count() == 2
                    and window.leverage_chart.cell_count() == 2)
    menu.refresh()
    assert all(a.isEnabled() for a in menu.experiment_actions.values())

    def export(call, *args):
        with qtbot.waitSignal(menu.finished, timeout=EXPORT_TIMEOUT) as done:
            assert call(*args) is not None
        assert done.args[0] == "saved", window.message.message()
        return Path(args[-1])

    rows = read_csv(export(menu.export_experiment, "sweep", "csv", tmp_path / "sweep.csv"))
    assert [int(r[rows[0].index("workers")]) for r in rows[1:]] == [1, 2]
    rows = read_csv(export(menu.export_experiment, "leverage", "csv", tmp_path / "map.csv"))
    assert [(r[2], r[4]) for r in rows[1:]] == [("builtin", "1"), ("builtin", "10")]
    for kind in ("sweep", "leverage"):
        path = export(menu.export_experiment, kind, "pyperf", tmp_path / f"{kind}.json")
        stats = subprocess.run([sys.executable, "-m", "pyperf", "stats", str(path)],
                               capture_output=True, text=True, timeout=120)
        assert stats.returncode == 0, stats.stderr
        assert "serial" in stats.stdout
    for key in ("sweep", "leverage"):
        png = export(menu.export_chart, key, ".png", tmp_path / f"{key}.png")
        image = QImage(str(png))
        assert not image.isNull() and image.width() > 100
        svg = export(menu.export_chart, key, ".svg", tmp_path / f"{key}.svg")
        assert ET.parse(svg).getroot().tag == "{http://www.w3.org/2000/svg}svg"
