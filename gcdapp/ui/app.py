"""Application start-up: QApplication, identity, the main window."""

from __future__ import annotations

import sys
import threading

from PySide6.QtWidgets import QApplication

from gcdapp import __version__
from gcdapp.ui.icons import app_icon


def _prepare_process_pools() -> None:
    """Start the fork server in the background so the first processes run
    does not pay for it."""
    from gcdapp.core.backends import get_backend

    try:
        get_backend("processes").prepare()
    except Exception:  # a machine without it still runs with spawn
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
    return app


def run_app(argv: list[str]) -> int:
    app = create_application(argv)
    threading.Thread(target=_prepare_process_pools, name="prepare-pools", daemon=True).start()
    from gcdapp.ui.main_window import MainWindow

    window = MainWindow()
    window.show()
    return app.exec()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run_app(sys.argv))
