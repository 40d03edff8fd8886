"""Application start-up: QApplication, identity, the main window."""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pyqtgraph.util.garbage_collector import GarbageCollector

from gcdapp import __version__
from gcdapp.ui.icons import app_icon


def _prepare_process_pools() -> None:
    """Start each backend's long-lived helpers (the fork server) in the
    background so that the first run does not pay for them."""
    from gcdapp.core import backends

    for name in backends.names():
        try:
            if backends.available(name):
                backends.get(name).prepare()
        except Exception:  # a machine without it still runs (spawn, say)
            pass


def create_application(argv: list[str]) -> QApplication:
    app = QApplication.instance() or QApplication(argv)
    app.setApplicationName("gcdapp")
    app.setApplicationDisplayName("gcdapp")
    app.setOrganizationName("gcdapp")
    app.setOrganizationDomain("gcdapp.invalid")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("gcdapp")
    app.setWindowIcon(app_icon())  # the default for every window
    if not hasattr(app, "_gcdapp_gc"):
        # Collect garbage on the GUI thread only: a collection triggered on a
        # worker thread can delete Qt objects there and crash the process.
        app._gcdapp_gc = GarbageCollector(interval=1.0)
    return app


def startup_paths(argv: list[str], qt_arguments: list[str] | None = None) -> list[str]:
    """The files named on the command line (``gcdapp pairs.csv``).

    ``qt_arguments`` is ``QApplication.arguments()`` when this process built
    the application: Qt has taken its own options (``-platform offscreen``)
    out of it, so their values are not mistaken for files. Anything after
    ``--`` is a file even if it starts with ``-``."""
    args = list(argv[1:])
    after: list[str] = []
    if "--" in args:
        at = args.index("--")
        args, after = args[:at], args[at + 1:]
    if qt_arguments is not None:
        left = list(qt_arguments[1:])
        kept = []
        for arg in args:
            if arg in left:
                left.remove(arg)
                kept.append(arg)
        args = kept
    return [a for a in args if not a.startswith("-")] + after


def run_app(argv: list[str]) -> int:
    app, window = start_app(argv)
    return finish_app(window, app.exec())


def start_app(argv: list[str]):
    """Everything :func:`run_app` does before its event loop: the
    application, the shown window, and the file named in ``argv`` opened."""
    existed = QApplication.instance() is not None
    app = create_application(argv)
    threading.Thread(target=_prepare_process_pools, name="prepare-pools", daemon=True).start()
    from gcdapp.ui.main_window import MainWindow

    window = MainWindow()
    window.show()
    # Other Pythons are found and probed on a thread, once the window shows.
    QTimer.singleShot(0, window.find_pythons)
    open_startup_files(window, startup_paths(argv, None if existed else app.arguments()))
    return app, window


def finish_app(window, code: int) -> int:
    """Stop the window's runs, then return ``code``, or end the process at
    once when a computation cannot be stopped.

    Python cannot interrupt a thread in the middle of one pair: a serial or
    threads run stuck in a huge brute-force pair would keep the process
    alive (or abort Qt, destroying a running QThread). The window has saved
    the session when it closed, so nothing is lost by ending it here."""
    stopped = window.runner.coordinator.shutdown(2000)
    deadline = time.monotonic() + 0.5
    busy = [t for t in threading.enumerate() if t.name.startswith("gcd-thread")]
    for thread in busy:
        thread.join(max(0.0, deadline - time.monotonic()))
    if not stopped or any(t.is_alive() for t in busy):
        sys.stdout.flush()
        sys.stderr.flush()
        _remove_multiprocessing_temp_dir()
        os._exit(code)
    return code


def _remove_multiprocessing_temp_dir() -> None:
    """Remove what multiprocessing's exit handler would have and ``os._exit``
    skips: its ``pymp-*`` temporary directory, which holds the fork server's
    socket. (The fork server and the resource tracker end by themselves once
    this process is gone.)"""
    from multiprocessing import process

    tempdir = process.current_process()._config.get("tempdir")
    if tempdir:
        shutil.rmtree(tempdir, ignore_errors=True)


def open_startup_files(window, paths: list[str]) -> bool:
    """Open the first file given at start-up; a problem shows in the window."""
    if not paths:
        return False
    opened = window.documents.open_path(paths[0])
    if opened and len(paths) > 1:
        window.message.show_message(
            f"Opened {paths[0]} only: gcdapp opens one file at a time.", "info")
    return opened


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run_app(sys.argv))
