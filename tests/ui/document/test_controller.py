"""The window's document controller: what the window composition adds."""

from __future__ import annotations

import gc
import os
import weakref
from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from gcdapp.core.engine import run_pairs
from gcdapp.core.events import RunSpec
from gcdapp.core.history import RunRecord
from gcdapp.core.pairs import as_pairs, pairs_fingerprint
from gcdapp.core.presets import SEED_NUMBERS
from gcdapp.core.run_settings import RunSettings
from gcdapp.core.session import AutosaveMarker, Session, save_session
from gcdapp.ui import MainWindow
from gcdapp.ui.document.autosave import AUTOSAVE_NAME, autosave_dir
from tests.ui.session_helpers import make_window  # noqa: F401 (fixture)


def test_export_dialogs_open_where_the_last_file_was(make_window, monkeypatch, tmp_path):
    window = make_window(show=True)
    starts = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda parent, caption, start, filters: (starts.append(start), ("", ""))[1])
    folder = tmp_path / "pairs here"
    folder.mkdir()
    (folder / "pairs.csv").write_text("12,18\n")
    assert window.documents.open_path(folder / "pairs.csv")
    window.export_menu.results_csv_action.trigger()
    assert [Path(s).parent for s in starts] == [folder]
    assert window.documents.last_directory() == str(folder)


def test_a_closed_window_is_freed_without_the_garbage_collector(qtbot):
    # A reference cycle (window -> controller -> window) would leave the window
    # to the collector, which may run on any thread: Qt objects must die here.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        window = MainWindow()
        window.show()
        qtbot.waitExposed(window)
        window.close()
        alive = weakref.ref(window)
        documents, runner = weakref.ref(window.documents), weakref.ref(window.runner)
        del window
        assert alive() is None and documents() is None and runner() is None
    finally:
        if was_enabled:
            gc.enable()


def _runs_events(window) -> list[str]:
    kinds: list[str] = []
    window.workspace.events.runs_changed.connect(lambda change: kinds.append(change.kind))
    return kinds


def test_a_workspace_change_with_no_widget_involved_reaches_the_table_and_the_title(
        make_window):
    window = make_window()
    workspace, model = window.workspace, window.editor.model
    assert not window.isWindowModified() and not workspace.modified
    inserted = []
    model.rowsInserted.connect(lambda parent, first, last: inserted.append((first, last)))
    workspace.insert_pairs(1, [(35, 21), (8, 12)])
    assert inserted == [(1, 2)] and model.rowCount() == len(SEED_NUMBERS) + 2
    assert [model.data(model.index(r, 0)) for r in (1, 2)] == ["35", "8"]
    assert workspace.modified and window.isWindowModified()
    assert window.windowTitle() == "Untitled[*] — gcdapp"
    workspace.set_value(0, 1, 77)
    assert model.data(model.index(0, 1)) == "77"
    assert window.status.label.text().startswith(f"Ready · {len(SEED_NUMBERS) + 2:,} pairs")


def test_opening_and_restoring_a_session_sets_its_runs_through_the_workspace(
        qtbot, make_window, tmp_path):
    pairs = as_pairs(SEED_NUMBERS)
    fp = pairs_fingerprint(pairs)
    result = run_pairs(pairs, RunSpec(mode="serial", kernel="euclid"))
    session = Session(pairs=pairs,
                      settings=RunSettings(RunSpec(mode="threads", kernel="euclid", workers=2), 2),
                      runs=(RunRecord(4, "#4 serial", fp, result),),
                      pair_sets={fp: pairs})
    path = tmp_path / "one run.gcdapp.json"
    save_session(path, session)

    window = make_window()
    kinds = _runs_events(window)
    settings = []
    window.workspace.events.settings_changed.connect(settings.append)
    assert window.documents.open_path(path)
    assert kinds == ["reset"] and [r.run_id for r in window.workspace.history] == [4]
    assert list(window.workspace.pairs_of) == [fp]
    assert window.runs.runs_model.rowCount() == 1 and window.chart.walls.bar_count() == 1
    assert window.workspace.settings.spec.mode == "threads" and window.workspace.settings.repeats == 2
    assert window.panel.spec().mode == "threads" and window.panel.repeat_count() == 2
    # what the panel cannot show (no start method) it corrects in the workspace, once
    assert settings[-1] == window.workspace.settings == window.panel.settings()
    assert len(settings) == 2 and settings[0].spec.start_method is None
    assert window.workspace.path == str(path) and not window.workspace.modified
    assert not window.isWindowModified()

    window.runner.clear_runs()
    assert kinds == ["reset", "reset"] and window.runs.runs_model.rowCount() == 0
    assert window.isWindowModified()


def test_restoring_a_crashed_session_sets_its_runs_through_the_workspace(make_window):
    pairs = as_pairs([(12, 18)])
    fp = pairs_fingerprint(pairs)
    result = run_pairs(pairs, RunSpec(mode="serial", kernel="euclid"))
    crashed = Session(pairs=pairs, settings=RunSettings(),
                      runs=(RunRecord(4, "#4 serial", fp, result),), pair_sets={fp: pairs},
                      autosave=AutosaveMarker(clean_exit=False, pid=999_999, modified=True))
    os.makedirs(autosave_dir(), exist_ok=True)
    save_session(os.path.join(autosave_dir(), AUTOSAVE_NAME), crashed)
    restored = make_window()
    kinds = _runs_events(restored)
    assert restored.documents.restore_crashed()
    assert kinds == ["reset"] and [r.run_id for r in restored.workspace.history] == [4]
    assert restored.workspace.pairs.tolist() == [[12, 18]]
    assert restored.workspace.modified and restored.isWindowModified()


# -- the last sweep and map ---------------------------------------------------------------

def _experiments():
    from gcdapp.core.leverage import LeverageMap
    from gcdapp.core.sweep import Sweep

    sweep = Sweep(as_pairs(SEED_NUMBERS), RunSettings(RunSpec(mode="threads", kernel="euclid"), 2),
                  (1, 2)).execute()
    leverage = LeverageMap((3,), (1, 10), ("builtin",), "threads", rounds=1).execute()
    return sweep, leverage


def test_a_session_keeps_the_last_sweep_and_map_and_redraws_them(qtbot, make_window, tmp_path):
    sweep, leverage = _experiments()
    first = make_window()
    first.workspace.set_sweep(sweep)
    first.workspace.set_leverage(leverage)
    path = tmp_path / "experiments.gcdapp.json"
    assert first.documents.save_session(path)

    second = make_window(show=True)
    assert second.workspace.sweep is None and second.sweep_chart.point_count() == 0
    assert second.documents.open_path(path)
    assert "10 pairs, 0 runs, a worker sweep and a leverage map from" in \
        second.status.label.text()
    assert second.workspace.sweep.to_json() == sweep.to_json()
    assert second.workspace.leverage.to_json() == leverage.to_json()
    qtbot.waitUntil(lambda: second.sweep_chart.point_count() == 2)
    qtbot.waitUntil(lambda: second.leverage_chart.cell_count() == 2)
    assert not second.workspace.modified

    # a session without them (an older file) clears what was shown
    pairs = as_pairs([(12, 18)])
    save_session(tmp_path / "old.gcdapp.json", Session(pairs=pairs))
    assert second.documents.open_path(tmp_path / "old.gcdapp.json")
    assert second.workspace.sweep is None and second.workspace.leverage is None
    qtbot.waitUntil(lambda: second.sweep_chart.point_count() == 0)
    assert second.leverage_chart.cell_count() == 0


def test_the_autosave_keeps_the_last_sweep_and_map(qtbot, make_window):
    sweep, leverage = _experiments()
    first = make_window()
    first.workspace.set_sweep(sweep)
    first.workspace.set_leverage(leverage)
    first.close()  # a clean exit writes the autosave
    again = make_window()
    assert again.workspace.sweep.to_json() == sweep.to_json()
    assert again.workspace.leverage.to_json() == leverage.to_json()
    qtbot.waitUntil(lambda: again.sweep_chart.point_count() == 2)
