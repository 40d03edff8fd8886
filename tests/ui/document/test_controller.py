"""The window's document controller: what the window composition adds."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from gcdapp.ui import MainWindow
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
