"""Helpers shared by the session, autosave, settings and open-file tests."""

from __future__ import annotations

import pytest

from gcdapp.ui import MainWindow

RUN_TIMEOUT = 60_000


@pytest.fixture
def make_window(qtbot):
    """Build MainWindows on demand; every one is closed at the end."""
    made: list[MainWindow] = []

    def make(show: bool = False) -> MainWindow:
        window = MainWindow()
        qtbot.addWidget(window)
        made.append(window)
        if show:
            window.show()
            qtbot.waitExposed(window)
        return window

    yield make
    for window in made:
        window.close()


def set_mode(window, mode, kernel="euclid", workers=2, chunk=0, repeats=1):
    panel = window.panel
    panel.mode.setCurrentIndex(panel.mode.findData(mode))
    panel.kernel.setCurrentIndex(panel.kernel.findData(kernel))
    if panel.workers.isEnabled():
        panel.workers.setValue(workers)
    panel.chunksize.setValue(chunk)
    panel.set_repeat_count(repeats)


def run_and_wait(qtbot, window, start=None) -> bool:
    with qtbot.waitSignal(window.jobFinished, timeout=RUN_TIMEOUT) as blocker:
        assert (start or window.runner.start_run)()
    return blocker.args[0]


def pair_list(window) -> list[tuple[int, int]]:
    return [(int(a), int(b)) for a, b in window.editor.model.pairs().tolist()]


def window_state(window) -> dict:
    """What a failed open must leave exactly as it was."""
    return {
        "pairs": pair_list(window),
        "runs": [r.run_id for r in window.workspace.history],
        "bars": window.chart.walls.bar_count(),
        "curves": window.chart.completion.curve_count(),
        "spec": window.panel.spec(),
        "repeats": window.panel.repeat_count(),
        "title": window.windowTitle(),
        "modified": window.isWindowModified(),
        "session_path": window.workspace.path,
        "undo": window.editor.undo_stack.count(),
    }
