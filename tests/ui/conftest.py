"""Qt test fixtures: settings in test mode, and no QThread left running."""

from __future__ import annotations

import traceback
import weakref

import pytest
from PySide6.QtCore import QSettings, QStandardPaths, QThread

# Settings, autosave and other app data go to test locations, never the user's.
QStandardPaths.setTestModeEnabled(True)


@pytest.fixture(autouse=True)
def _fresh_settings_and_app_data(qapp, tmp_path_factory, monkeypatch):
    """Every test starts with no saved settings and no autosave.

    A window restores both when it is built and writes both when it closes,
    so without this one test would inherit another's layout, run choices and
    pairs. In test mode Qt puts app data under ``$HOME/.qttest``, and QSettings
    caches its directory: point both at a fresh place per test."""
    # The identity gcdapp.ui.app.create_application gives the real app:
    # QSettings and QStandardPaths name their files after it.
    qapp.setOrganizationName("gcdapp")
    qapp.setApplicationName("gcdapp")
    root = tmp_path_factory.mktemp("appdata")
    monkeypatch.setenv("HOME", str(root / "home"))
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(root / "config"))
    yield


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


@pytest.fixture(scope="session", autouse=True)
def _collect_garbage_on_the_gui_thread(qapp):
    """As the app does: no garbage collection on worker threads."""
    from pyqtgraph.util.garbage_collector import GarbageCollector

    collector = GarbageCollector(interval=1.0)
    yield
    collector.timer.stop()
    # Free the collector while collection is still off: PySide disconnects its
    # timer then, holding a Qt lock, and a collection starting inside that call
    # deleted pyqtgraph's Python-owned menus and deadlocked on the same lock.
    del collector
    import gc

    gc.collect()  # here, on the GUI thread, outside any Qt call
    gc.enable()


@pytest.fixture
def window(qtbot):
    """A shown main window, closed after the test."""
    from gcdapp.ui import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()
