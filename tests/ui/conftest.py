"""Qt test fixtures: settings in test mode, and no QThread left running."""

from __future__ import annotations

import traceback
import weakref

import pytest
from PySide6.QtCore import QStandardPaths, QThread

# Settings, autosave and other app data go to test locations, never the user's.
QStandardPaths.setTestModeEnabled(True)


@pytest.fixture(autouse=True)
def _dangling_qthreads(monkeypatch):
    """Fail a test that leaves a QThread running (after its widgets closed).

    Autouse fixtures are set up first, so this teardown runs after qtbot's,
    which closes every widget the test registered."""
    started: list[tuple[weakref.ref, str]] = []
    original = QThread.start

    def start_and_remember(self, *args, **kwargs):
        started.append((weakref.ref(self), "".join(traceback.format_stack(limit=8)[:-1])))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(QThread, "start", start_and_remember)
    yield
    running = []
    for ref, where in started:
        thread = ref()
        try:
            if thread is not None and thread.isRunning() and not thread.wait(1000):
                running.append(f"{thread.objectName() or thread!r}, started at:\n{where}")
        except RuntimeError:  # the C++ object is already deleted: not running
            continue
    if running:
        pytest.fail("test left QThreads running:\n" + "\n".join(running))
