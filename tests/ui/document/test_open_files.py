"""Opening files by drag-and-drop and from the command line."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

import gcdapp.__main__ as gui_main
from gcdapp.core.pairs import as_pairs
from gcdapp.core.presets import SEED_NUMBERS
from gcdapp.ui import MainWindow
from gcdapp.ui.app import open_startup_files, run_app, startup_paths
from tests.ui.session_helpers import make_window, pair_list, window_state  # noqa: F401


def mime_for(*paths) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def drop(window, *paths, on=None) -> bool:
    """Drop ``paths`` on the window (or on its child ``on``) as a file
    manager would; True if accepted."""
    target = on or window
    mime = mime_for(*paths)  # the events do not own it: keep it alive
    enter = QDragEnterEvent(QPoint(20, 20), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, enter)  # Qt makes whoever accepts it the drop target
    event = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, event)
    return event.isAccepted()


def test_the_window_accepts_dragged_files_but_not_text(make_window, tmp_path):
    window = make_window(show=True)
    assert window.acceptDrops()
    mime = mime_for(tmp_path / "a.csv")  # the event does not own it: keep it alive
    files = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, files)
    assert files.isAccepted()
    text = QMimeData()
    text.setText("12,18")
    plain = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, text,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, plain)
    assert not plain.isAccepted()


def test_dropping_a_pair_list_replaces_the_pairs_undoably(make_window, tmp_path):
    window = make_window(show=True)
    path = tmp_path / "pairs.csv"
    path.write_text("a,b\n12,18\n4,6\n")
    before = window.editor.undo_stack.count()
    assert drop(window, path)
    assert pair_list(window) == [(12, 18), (4, 6)]
    assert window.editor.undo_stack.count() == before + 1
    window.editor.undo_stack.undo()
    assert pair_list(window) == list(SEED_NUMBERS)
    assert window.settings.recent_files() == [str(path)]


@pytest.mark.parametrize("where", ["pair table", "timeline", "wall chart", "runs table"])
def test_a_file_dropped_on_any_part_of_the_window_opens(make_window, tmp_path, where):
    window = make_window(show=True)
    child = {
        "pair table": window.editor.view.viewport(),
        "timeline": window.chart.timeline,
        "wall chart": window.chart.walls,
        "runs table": window.runs.viewport(),
    }[where]
    path = tmp_path / "pairs.txt"
    path.write_text("9 12\n")
    assert drop(window, path, on=child)
    assert pair_list(window) == [(9, 12)]


def test_dropping_a_list_with_bad_lines_keeps_the_good_ones_and_says_so(make_window, tmp_path):
    window = make_window(show=True)
    path = tmp_path / "messy.txt"
    path.write_text("12 18\nbanana\n4 6\n7 x\n")
    drop(window, path)
    assert pair_list(window) == [(12, 18), (4, 6)]
    message = window.message.message()
    assert window.message.kind == "warning"
    assert "2 bad line(s) skipped" in message and "line 2" in message


def test_dropping_a_session_opens_it(make_window, tmp_path):
    source = make_window()
    source.editor.load_pairs(as_pairs([(2**70, 6), (9, 3)]), "pairs")
    path = tmp_path / "dropped.gcdapp.json"
    assert source.documents.save_session(path)
    window = make_window(show=True)
    drop(window, path)
    assert pair_list(window) == [(2**70, 6), (9, 3)]
    assert window.workspace.path == str(path)
    assert "dropped.gcdapp.json" in window.windowTitle()


def test_dropping_several_files_opens_the_first(make_window, tmp_path):
    window = make_window(show=True)
    first, second = tmp_path / "one.csv", tmp_path / "two.csv"
    first.write_text("1,2\n")
    second.write_text("3,4\n")
    drop(window, first, second)
    assert pair_list(window) == [(1, 2)]
    assert "drop one file at a time" in window.message.message()


@pytest.mark.timeout(30)
@pytest.mark.parametrize("kind", ["missing", "folder", "binary", "session-like", "pipe",
                                  "session pipe", "link to /dev/zero"])
def test_an_unopenable_path_is_reported_in_the_window(make_window, tmp_path, kind):
    window = make_window(show=True)
    before = window_state(window)
    path = {
        "missing": tmp_path / "nowhere.csv",
        "folder": tmp_path,
        "binary": tmp_path / "data.bin",
        "session-like": tmp_path / "export.json",
        "pipe": tmp_path / "pipe.csv",
        "session pipe": tmp_path / "pipe.gcdapp.json",
        "link to /dev/zero": tmp_path / "zero.json",
    }[kind]
    if kind == "binary":
        path.write_bytes(b"\x00\xff\xfe\x01" * 10)
    if kind == "session-like":
        path.write_text('{"rows": [[1, 2]]}')
    if "pipe" in kind:
        os.mkfifo(path)
    if kind == "link to /dev/zero":
        path.symlink_to("/dev/zero")
    assert not window.documents.open_path(path)  # returns at once: a pipe is never opened
    expected = {
        "missing": "there is no such file",
        "folder": "it is a folder",
        "binary": "is not a UTF-8 text file",
        "session-like": 'export.json is JSON but not a gcdapp session: it has no "format" field',
        "pipe": "pipe.csv is not a regular file (it is a named pipe); gcdapp opens only files",
        "session pipe": "pipe.gcdapp.json is not a regular file (it is a named pipe)",
        "link to /dev/zero": "zero.json is not a regular file (it is a link to /dev/zero, "
                             "a character device)",
    }[kind]
    assert expected in window.message.message()
    assert window.message.kind == "error"
    assert window_state(window) == before
    assert str(path) not in window.settings.recent_files()


def test_a_json_pair_list_is_read_as_pairs(make_window, tmp_path):
    window = make_window(show=True)
    path = tmp_path / "pairs.json"
    path.write_text("[[12, 18], [30, 45]]")
    assert window.documents.open_path(path)
    assert pair_list(window) == [(12, 18), (30, 45)]
    assert window.workspace.path is None


def test_startup_paths_skip_options_and_what_qt_took():
    argv = ["gcdapp", "-platform", "offscreen", "pairs.csv", "--verbose", "--", "-odd.csv"]
    qt_args = ["gcdapp", "pairs.csv", "--verbose", "--", "-odd.csv"]
    assert startup_paths(argv, qt_args) == ["pairs.csv", "-odd.csv"]
    assert startup_paths(["gcdapp"]) == []
    assert startup_paths(["python -m gcdapp", "a.gcdapp.json", "b.csv"]) == ["a.gcdapp.json", "b.csv"]


def test_open_startup_files_reports_a_missing_file(make_window, tmp_path):
    window = make_window(show=True)
    assert not open_startup_files(window, [str(tmp_path / "gone.csv")])
    assert "gone.csv: there is no such file" in window.message.message()
    assert pair_list(window) == list(SEED_NUMBERS)


def _run_and_inspect(monkeypatch, entry, argv):
    """Run the real start-up, ``entry(argv)``; instead of its event loop,
    look at the window it shows and close it. (A real ``exec()`` and
    ``quit()`` leave the test QApplication unable to activate windows for
    later tests.)"""
    seen = {}

    def instead_of_exec(*_args):
        windows = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, MainWindow) and w.isVisible()]
        assert len(windows) == 1
        window = windows[0]
        seen["pairs"] = pair_list(window)
        seen["message"] = window.message.message()
        window.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", instead_of_exec)
    assert entry(argv) == 0
    return seen


def test_gcdapp_with_a_file_argument_opens_it(qtbot, tmp_path, monkeypatch):
    path = tmp_path / "pairs.csv"
    path.write_text("12,18\n4,6\n")
    seen = _run_and_inspect(monkeypatch, run_app, ["gcdapp", str(path)])
    assert seen["pairs"] == [(12, 18), (4, 6)]
    assert seen["message"] == ""


def test_python_m_gcdapp_with_a_missing_file_shows_why(qtbot, tmp_path, monkeypatch):
    missing = tmp_path / "missing.csv"
    seen = _run_and_inspect(monkeypatch, gui_main.main, [gui_main.__file__, str(missing)])
    assert f"Cannot open {missing}: there is no such file." in seen["message"]
    assert os.path.basename(str(missing)) not in str(seen["pairs"])


@pytest.mark.timeout(30)
def test_a_dropped_named_pipe_is_refused_at_once(make_window, tmp_path):
    window = make_window(show=True)
    before = window_state(window)
    pipe = tmp_path / "live.csv"
    os.mkfifo(pipe)
    assert drop(window, pipe)
    assert "live.csv is not a regular file (it is a named pipe)" in window.message.message()
    assert window_state(window) == before


def test_a_large_pair_file_opens_off_the_gui_thread_and_cancel_keeps_the_pairs(
        qtbot, make_window, tmp_path):
    from gcdapp.ui.pairs.parse_job import PROGRESS_BYTES

    window = make_window(show=True)
    before = pair_list(window)
    path = tmp_path / "many.csv"
    path.write_text("a,b\n" + "12,18\n" * 400_000)
    assert path.stat().st_size > PROGRESS_BYTES
    documents = window.documents
    with qtbot.waitSignal(documents.pairsOpened, timeout=60_000) as opened:
        assert documents.open_path(path)
        assert pair_list(window) == before  # still being read
    assert opened.args == [str(path), True]
    assert len(window.workspace.pairs) == 400_000
    assert "line 1 'a,b' taken as a header" in window.message.message()

    big = tmp_path / "more.csv"
    big.write_text("7,5\n" * 3_000_000)
    with qtbot.waitSignal(documents.pairsOpened, timeout=60_000) as opened:
        assert documents.open_path(big)
        documents._parse_job.cancel()  # the progress dialog's Cancel
    assert opened.args == [str(big), False]
    assert len(window.workspace.pairs) == 400_000
    assert "was cancelled" in window.message.message()
