"""QSettings: layout and run choices survive a restart; junk in the file
never stops the window from starting."""

from __future__ import annotations

import os

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt

from gcdapp.core import backends
from gcdapp.core.events import RunSpec
from gcdapp.core.run_settings import RunSettings
from gcdapp.ui.document.preferences import MAX_RECENT, AppSettings
from tests.ui.session_helpers import make_window, set_mode  # noqa: F401 (fixture)


def test_settings_land_in_a_fresh_sandbox_per_test(tmp_path_factory):
    path = QSettings().fileName()
    assert path.endswith(os.path.join("config", "gcdapp", "gcdapp.conf"))
    assert path.startswith(str(tmp_path_factory.getbasetemp()))
    assert not os.path.exists(path)  # nothing saved yet in this test


def test_layout_and_run_choices_persist_across_windows(qtbot, make_window):
    first = make_window(show=True)
    first.resize(900, 520)
    first.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, first.runs_dock)
    first.pairs_dock.hide()
    set_mode(first, "threads", kernel="builtin", workers=3, chunk=25, repeats=4)
    start = first.panel.start_method.itemData(first.panel.start_method.count() - 1)
    set_mode(first, "processes", kernel="builtin", workers=3, chunk=25, repeats=4)
    first.panel.start_method.setCurrentIndex(first.panel.start_method.findData(start))
    set_mode(first, "threads", kernel="builtin", workers=3, chunk=25, repeats=4)
    first.close()

    second = make_window()
    # Qt fits restored geometry to the screen: the offscreen one is 800 px wide.
    assert second.height() == 520
    assert second.size() != QSize(1280, 800)
    assert second.dockWidgetArea(second.runs_dock) == Qt.DockWidgetArea.RightDockWidgetArea
    assert second.pairs_dock.isHidden()
    assert not second.pairs_dock.toggleViewAction().isChecked()
    assert second.panel.spec() == RunSpec(mode="threads", kernel="builtin", workers=3,
                                          chunksize=25, start_method=None)
    assert second.panel.repeat_count() == 4
    # the start method chosen for processes is kept while threads are chosen
    assert second.panel.start_method.currentData() == start
    second.show()
    qtbot.waitExposed(second)
    assert second.runs_dock.isVisible() and not second.pairs_dock.isVisible()


def test_junk_in_the_settings_falls_back_to_defaults(make_window):
    s = QSettings()
    for key, value in {
        "window/geometry": "not a geometry",
        "window/state": QByteArray(b"\x00\x01garbage"),
        "run/mode": "quantum",
        "run/kernel": 42,
        "run/workers": "many",
        "run/chunksize": -5,
        "run/start_method": ["a", "list"],
        "run/repeats": 100000,
        "files/recent": 17,
        "files/last_dir": "/no/such/dir",
    }.items():
        s.setValue(key, value)
    s.sync()
    defaults = make_window()
    spec = defaults.panel.spec()
    assert spec.mode == RunSpec().mode and spec.kernel == RunSpec().kernel
    assert spec.chunksize == "auto"
    assert defaults.panel.repeat_count() == 1
    assert defaults.settings.recent_files() == []
    assert defaults.documents.last_directory() == ""
    assert defaults.size() == QSize(1280, 800)


def test_an_unavailable_mode_in_the_settings_is_not_chosen(make_window):
    unavailable = [name for name in backends.names() if not backends.available(name)]
    settings = AppSettings()
    for name in unavailable + ["no-such-mode"]:
        settings.save_run_choices(RunSettings(RunSpec(mode=name), 1))
        assert settings.run_choices().spec.mode == RunSpec().mode


def test_an_ini_file_written_by_hand_is_read(tmp_path):
    path = tmp_path / "hand.conf"
    path.write_text(
        "[run]\nmode=serial\nkernel=euclid\nworkers=2\nchunksize=0\nrepeats=3\n"
        "start_method=\n[files]\nrecent=/one/file.csv\n"
    )
    settings = AppSettings(QSettings(str(path), QSettings.Format.IniFormat))
    choices = settings.run_choices()
    assert choices == RunSettings(RunSpec(mode="serial", kernel="euclid", workers=2,
                                         chunksize="auto", start_method=None), 3)
    assert settings.recent_files() == ["/one/file.csv"]  # one entry reads back as a string


def test_nothing_saved_means_no_run_choices():
    assert AppSettings().run_choices() is None


def test_recent_files_are_most_recent_first_and_capped(tmp_path):
    settings = AppSettings()
    paths = [str(tmp_path / f"f{i}.csv") for i in range(MAX_RECENT + 3)]
    for path in paths:
        settings.add_recent(path)
    settings.add_recent(paths[5])
    recent = settings.recent_files()
    assert len(recent) == MAX_RECENT
    assert recent[0] == paths[5]
    assert recent[1:4] == paths[-1:-4:-1]
    assert settings.last_dir() == str(tmp_path)
    settings.remove_recent(paths[5])
    assert paths[5] not in settings.recent_files()
    settings.clear_recent()
    assert settings.recent_files() == []


def test_open_recent_lists_files_and_drops_missing_ones(make_window, tmp_path):
    window = make_window(show=True)
    kept = tmp_path / "kept.csv"
    kept.write_text("12,18\n")
    gone = tmp_path / "gone.csv"
    gone.write_text("3,4\n")
    assert window.documents.open_path(gone) and window.documents.open_path(kept)
    gone.unlink()

    menu = window.recent_menu
    menu.aboutToShow.emit()
    entries = [a for a in menu.actions() if a.data()]
    assert [a.data() for a in entries] == [str(kept), str(gone)]
    assert entries[0].text() == "&1 kept.csv" and entries[0].toolTip() == str(kept)

    entries[1].trigger()
    assert "gone.csv no longer exists; it was removed from the recent files" in \
        window.message.message()
    assert window.settings.recent_files() == [str(kept)]
    assert [a.data() for a in menu.actions() if a.data()] == [str(kept)]

    window.clear_recent_action.trigger()
    assert window.settings.recent_files() == []
    texts = [a.text() for a in menu.actions()]
    assert "No recent files" in texts
    assert not window.clear_recent_action.isEnabled()


def test_a_second_window_sees_the_recent_files_and_last_directory(make_window, tmp_path):
    first = make_window()
    path = tmp_path / "pairs.csv"
    path.write_text("12,18\n")
    assert first.documents.open_path(path)
    second = make_window()
    assert second.settings.recent_files() == [str(path)]
    assert second.documents.last_directory() == str(tmp_path)
