"""File > Save session / Open: a comparison with its charts comes back in a
new window; a bad file changes nothing and says what is wrong."""

from __future__ import annotations

import json
import os

import pytest
from PySide6.QtGui import QKeySequence

from gcdapp.core.events import RunSpec
from gcdapp.core.pairs import as_pairs
from gcdapp.core.presets import SEED_NUMBERS
from gcdapp.core.session import VERSION, Session, encode_session
from tests.ui.session_helpers import (  # noqa: F401 (fixture)
    make_window,
    pair_list,
    run_and_wait,
    set_mode,
    window_state,
)

HUGE = 2**80 + 7  # beyond 64 bits
PAIRS = list(SEED_NUMBERS) + [(HUGE * 3, HUGE * 5)]


def test_file_menu_and_shortcuts(make_window):
    window = make_window()
    menus = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert menus[:5] == ["File", "Edit", "Run", "View", "Help"]
    texts = [a.text() for a in window.file_menu.actions()]
    assert texts[:5] == ["&Open…", "Open &Recent", "", "&Save session", "Save session &as…"]
    assert texts[-2:] == ["", "&Quit"]
    keys = {
        window.open_action: "Ctrl+O",
        window.save_action: "Ctrl+S",
        window.save_as_action: "Ctrl+Shift+S",
        window.quit_action: "Ctrl+Q",
        window.editor.undo_action: "Ctrl+Z",
        window.editor.redo_action: "Ctrl+Shift+Z",
        window.run_action: "F5",
        window.cancel_action: "Esc",
    }
    for action, key in keys.items():
        assert QKeySequence(key) in action.shortcuts(), action.text()
    for action in (window.open_action, window.save_action, window.save_as_action,
                   window.clear_recent_action, window.recent_menu.menuAction()):
        assert action.toolTip() and action.toolTip() != action.text().replace("&", "")
    for button in (window.restore_banner.restore_button, window.restore_banner.discard_button):
        assert button.toolTip()


def test_a_saved_comparison_reopens_with_its_charts(qtbot, make_window, tmp_path):
    first = make_window(show=True)
    first.editor.load_pairs(as_pairs(PAIRS), "test pairs")
    set_mode(first, "threads", kernel="euclid", workers=2, chunk=3, repeats=1)
    assert run_and_wait(qtbot, first, first.runner.compare_modes)  # serial, threads, processes
    assert len(first.workspace.history) == 3
    first.panel.set_repeat_count(2)
    assert first.isWindowModified()
    assert "Untitled[*]" in first.windowTitle()

    path = tmp_path / "comparison.gcdapp.json"
    assert first.documents.save_session(path)
    assert not first.isWindowModified()
    assert first.windowTitle() == "comparison.gcdapp.json[*] — gcdapp"
    assert first.workspace.path == str(path)

    second = make_window(show=True)
    assert second.workspace.history.records == []
    assert second.documents.open_path(path)
    assert not second.message.message()
    assert not second.isWindowModified()
    assert "comparison.gcdapp.json" in second.windowTitle()

    # the pairs (one beyond 64 bits) and the settings
    assert pair_list(second) == PAIRS
    assert second.panel.spec() == first.panel.spec()
    assert second.panel.repeat_count() == 2
    # the runs table
    model = second.runs.runs_model
    assert model.rowCount() == 3
    assert [model.data(model.index(r, 0)) for r in range(3)] == \
        [first.runs.runs_model.data(first.runs.runs_model.index(r, 0)) for r in range(3)]
    assert [model.data(model.index(r, 8)) for r in range(3)] == \
        [first.runs.runs_model.data(first.runs.runs_model.index(r, 8)) for r in range(3)]
    # the charts: a wall bar with its speedup and a completion curve per run
    walls, curves = second.chart.walls, second.chart.completion
    assert walls.bar_count() == 3 and curves.curve_count() == 3
    assert walls.wall_times() == first.chart.walls.wall_times()
    for record in first.workspace.history:
        assert walls.speedup_text(record.run_id) == first.chart.walls.speedup_text(record.run_id)
        assert curves.completed(record.run_id) == len(PAIRS)
    assert walls.speedup_text(1) is not None  # serial against itself: 1.00×
    # the gcd column shows the last run's results
    model = second.editor.model
    assert model.data(model.index(len(PAIRS) - 1, 2)) == str(HUGE)
    # selecting a run shows its timeline
    threads = first.workspace.history.records[1]
    second.runs.selectRow(1)
    assert second.chart.timeline.task_count() == len(threads.result.tasks)
    assert second.chart.timeline.task_count() == 4  # 11 pairs, 3 per task

    # a new run in the reopened session takes the next id, and marks it modified
    set_mode(second, "serial")
    assert run_and_wait(qtbot, second)
    assert [r.run_id for r in second.workspace.history] == [1, 2, 3, 4]
    assert second.isWindowModified()
    assert second.chart.walls.bar_count() == 4


def test_save_reuses_the_file_and_open_is_undoable(qtbot, make_window, tmp_path):
    window = make_window()
    path = tmp_path / "a.gcdapp.json"
    assert window.documents.save_session(path)
    window.editor.load_pairs(as_pairs([(4, 6)]), "one pair")
    assert window.isWindowModified()
    assert window.documents.save_session_file()  # Ctrl+S: the same file, no dialog
    assert not window.isWindowModified()
    assert json.loads(path.read_text())["pair_sets"]

    other = make_window()
    other.editor.load_pairs(as_pairs([(9, 12), (5, 10)]), "two pairs")
    before = other.editor.undo_stack.count()
    assert other.documents.open_path(path)
    assert pair_list(other) == [(4, 6)]
    assert other.editor.undo_stack.count() == before + 1
    other.editor.undo_stack.undo()
    assert pair_list(other) == [(9, 12), (5, 10)]


def _future(doc):
    doc["version"] = VERSION + 1
    doc["gcdapp_version"] = "99.0"
    return json.dumps(doc).encode()


def _wrong_structure(doc):
    del doc["runs"][0]["tasks"]["t_start"]
    return json.dumps(doc).encode()


def _settings(doc, **values) -> bytes:
    """Settings the panel's 32-bit controls cannot show (OverflowError once)."""
    doc["settings"].update(values)
    return json.dumps(doc).encode()


def _task_range(doc, start: int, count: int) -> bytes:
    """Valid arrays with correct CRCs whose first task names ``start`` and
    ``count`` (the issue's int64 overflow: IndexError or ValueError once)."""
    import numpy as np

    from gcdapp.core.session import _array_chunks

    tasks = doc["runs"][0]["tasks"]
    k = tasks["start"]["shape"][0]
    for key, first in (("start", start), ("count", count)):
        values = np.zeros(k, dtype=np.int64)
        values[0] = first
        tasks[key] = json.loads(b"".join(_array_chunks(values)))
    return json.dumps(doc).encode()


def _flip_base64(data: bytes) -> bytes:
    at = data.index(b'"base64": "', data.index(b'"t_end"')) + 16
    return data[:at] + (b"B" if data[at:at + 1] == b"A" else b"A") + data[at + 1:]


CASES = {
    "future version": (lambda data, doc: _future(doc),
                       "was saved by gcdapp 99.0 in session format 2"),
    "truncated": (lambda data, doc: data[: len(data) * 2 // 3], "is truncated"),
    "corrupted bytes": (lambda data, doc: _flip_base64(data),
                        "runs[0].tasks.t_end does not match its checksum: the file is corrupted"),
    "not UTF-8": (lambda data, doc: data[:100] + b"\xff" + data[101:], "is not UTF-8 text"),
    "not JSON": (lambda data, doc: b"12,18\n3,4\n", "is not JSON"),
    "not a session": (lambda data, doc: b'{"pairs": [[12, 18]]}', 'has no "format" field'),
    "wrong structure": (lambda data, doc: _wrong_structure(doc), "runs[0].tasks.t_start is missing"),
    "huge": (lambda data, doc: data, "is too large to open as a session"),
    "settings past 32 bits": (lambda data, doc: _settings(doc, chunksize=10**18),
                              "settings.chunksize should be at most 1,000,000"),
    "range past int64": (lambda data, doc: _task_range(doc, 2**63 - 1, 1),
                         "runs[0].tasks.start names pairs outside the run: task 0 starts at "
                         "9,223,372,036,854,775,807 and counts 1"),
    "range sum past int64": (lambda data, doc: _task_range(doc, 2**62, 2**62),
                             "task 0 starts at 4,611,686,018,427,387,904 and counts "
                             "4,611,686,018,427,387,904"),
}


@pytest.fixture(scope="module")
def saved_session_bytes():
    from gcdapp.core.engine import run_pairs
    from gcdapp.core.history import RunRecord
    from gcdapp.core.pairs import pairs_fingerprint

    pairs = as_pairs(PAIRS)
    fp = pairs_fingerprint(pairs)
    result = run_pairs(pairs, RunSpec(mode="threads", kernel="euclid", workers=2))
    session = Session(pairs=pairs, runs=(RunRecord(1, "#1 threads", fp, result),),
                      pair_sets={fp: pairs})
    return encode_session(session)


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_session_file_changes_nothing_and_says_why(qtbot, make_window, tmp_path, case,
                                                         saved_session_bytes):
    window = make_window(show=True)
    window.editor.load_pairs(as_pairs([(4, 6), (10, 15)]), "mine")
    set_mode(window, "serial")
    assert run_and_wait(qtbot, window)
    before = window_state(window)

    make, expected = CASES[case]
    data = make(saved_session_bytes, json.loads(saved_session_bytes))
    path = tmp_path / f"{case.replace(' ', '-')}.gcdapp.json"
    path.write_bytes(data)
    if case == "huge":
        window.documents.max_session_bytes = len(data) - 1
    mtime = os.stat(path).st_mtime_ns

    assert not window.documents.open_path(path)
    assert expected in window.message.message(), window.message.message()
    assert window.message.kind == "error"
    assert window_state(window) == before
    assert path.read_bytes() == data and os.stat(path).st_mtime_ns == mtime
    assert str(path) not in window.settings.recent_files()


def test_a_failed_save_keeps_the_old_file_and_says_so(qtbot, make_window, tmp_path, monkeypatch):
    window = make_window(show=True)
    path = tmp_path / "kept.gcdapp.json"
    assert window.documents.save_session(path)
    old = path.read_bytes()
    window.editor.load_pairs(as_pairs([(4, 6)]), "change")

    def full_disk(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    assert not window.documents.save_session(path)
    assert "Could not save kept.gcdapp.json: No space left on device" in window.message.message()
    assert path.read_bytes() == old
    assert [p.name for p in tmp_path.iterdir()] == ["kept.gcdapp.json"]  # no temp file
    assert window.isWindowModified()  # still unsaved


def test_opening_a_session_over_unsaved_runs_keeps_them_aside(qtbot, make_window, tmp_path):
    other = make_window()
    other.editor.load_pairs(as_pairs([(4, 6)]), "pairs")
    path = tmp_path / "other.gcdapp.json"
    assert other.documents.save_session(path)

    window = make_window(show=True)
    set_mode(window, "serial")
    assert run_and_wait(qtbot, window)
    assert window.isWindowModified()
    assert window.documents.open_path(path)
    assert pair_list(window) == [(4, 6)] and len(window.workspace.history) == 0
    message = window.message.message()
    assert "The unsaved runs you had were kept in " in message
    kept = message.split(" were kept in ")[1].split(": open it")[0]
    assert os.path.dirname(kept).endswith("replaced")
    from gcdapp.core.session import load_session

    assert load_session(kept).n_runs == 1
    assert load_session(kept).pairs.tolist() == [list(p) for p in SEED_NUMBERS]

    # runs saved to a file need no keeping
    assert window.documents.save_session(tmp_path / "mine.gcdapp.json")
    assert not window.documents.open_path(tmp_path / "nope.gcdapp.json")  # a failed open keeps nothing
    assert window.documents.open_path(path)
    assert "kept in" not in window.message.message()
