"""File > Open Recent on its own: entries from the settings, a signal to open one."""

from __future__ import annotations

from gcdapp.ui.document.recent_files import RecentFilesMenu
from gcdapp.ui.document.preferences import AppSettings


def entries(menu: RecentFilesMenu) -> list[str]:
    return [a.data() for a in menu.actions() if a.data()]


def test_lists_remembered_files_newest_first_and_opens_on_request(qtbot, tmp_path):
    menu = RecentFilesMenu(AppSettings())
    qtbot.addWidget(menu)
    assert entries(menu) == [] and not menu.clear_action.isEnabled()
    assert "No recent files" in [a.text() for a in menu.actions()]
    first, second = str(tmp_path / "a.csv"), str(tmp_path / "b.gcdapp.json")
    menu.remember(first)
    menu.remember(second)
    assert entries(menu) == [second, first]
    assert [a.text() for a in menu.actions() if a.data()] == ["&1 b.gcdapp.json", "&2 a.csv"]
    with qtbot.waitSignal(menu.openRequested) as opened:
        next(a for a in menu.actions() if a.data() == first).trigger()
    assert opened.args == [first]
    menu.forget(first)
    assert entries(menu) == [second]


def test_the_clear_action_survives_every_refresh(qtbot, tmp_path):
    # QMenu.clear() deletes the actions the menu owns: the clear action must not be one.
    menu = RecentFilesMenu(AppSettings())
    qtbot.addWidget(menu)
    menu.remember(str(tmp_path / "a.csv"))
    for _ in range(3):
        menu.aboutToShow.emit()
    assert menu.clear_action in menu.actions() and menu.clear_action.isEnabled()
    with qtbot.assertNotEmitted(menu.openRequested):
        menu.clear_action.trigger()
    assert entries(menu) == [] and AppSettings().recent_files() == []
    assert not menu.clear_action.isEnabled()
