"""The "Install backport…" offer beside the disabled interpreters mode, for
a 3.12 or 3.13 interpreter that lacks the subinterpreter backport.

The install is ``gcdapp-cli pythons --install-backport PATH`` in a child
process of its own session, which runs that interpreter's own pip
(:func:`gcdapp.core.pythons.backport.install`) and probes it again; Cancel
ends the child and its pip together. A waiting thread hands the outcome to
the GUI thread.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QPushButton, QToolButton, QWidget

from gcdapp.core.pythons import backport
from gcdapp.core.pythons.discovery import Interpreter
from gcdapp.core.pythons.offers import backport_missing


def install_command(path: str) -> list[str]:
    return [sys.executable, "-m", "gcdapp.cli", "pythons", "--install-backport", path]


class _InstallReply(QObject):
    done = Signal(int, str)  # exit status (negative: a signal), what it said


def _wait(reply: _InstallReply, proc: subprocess.Popen) -> None:
    out, err = proc.communicate()
    lines = [line for line in (err + "\n" + out).splitlines() if line.strip()]
    said = next((line for line in reversed(lines) if "gcdapp-cli pythons:" in line),
                lines[-1] if lines else "")
    reply.done.emit(proc.returncode, said.replace("gcdapp-cli pythons: ", "").strip())


class BackportOffer(QWidget):
    """Hidden unless the interpreter shown lacks the backport."""

    #: The install ended: (ok, message for the message strip).
    finished = Signal(bool, str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._interpreter: Interpreter | None = None
        self._proc: subprocess.Popen | None = None
        self._cancelled = False
        self._reply = _InstallReply()
        self._reply.done.connect(self._on_done)
        self.install_button = QPushButton("Install backport…")
        self.install_button.setAccessibleName("Install backport")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # busy: pip says nothing of how far it is
        self.busy.setMaximumWidth(56)
        self.busy.setMaximumHeight(self.install_button.sizeHint().height())
        self.busy.setTextVisible(False)
        self.cancel_button = QToolButton()
        self.cancel_button.setText("Cancel")
        self.cancel_button.setAccessibleName("Cancel the backport install")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        for widget in (self.install_button, self.busy, self.cancel_button):
            layout.addWidget(widget)
        self.install_button.clicked.connect(self.install)
        self.cancel_button.clicked.connect(self.cancel)
        self._show_state()

    @property
    def installing(self) -> bool:
        return self._proc is not None

    def set_interpreter(self, interpreter: Interpreter | None) -> None:
        if not self.installing:
            self._interpreter = interpreter
        self._show_state()

    def _show_state(self) -> None:
        item = self._interpreter
        offered = self.installing or backport_missing(item)
        self.setVisible(offered)
        self.install_button.setVisible(not self.installing)
        self.busy.setVisible(self.installing)
        self.cancel_button.setVisible(self.installing)
        if item is not None and offered:
            needed = " and ".join(item.probe.subinterpreters.missing) or backport.PACKAGE
            self.install_button.setToolTip(
                f"Install {needed} for {item.label} ({item.path}) with its own pip, into "
                f"gcdapp's cache directory (never into its site-packages).")
            self.busy.setToolTip(f"Installing {needed} for {item.label}…")

    @Slot()
    def install(self) -> None:
        item = self._interpreter
        if item is None or self.installing:
            return
        self._cancelled = False
        try:
            self._proc = subprocess.Popen(
                install_command(item.path), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True, start_new_session=True)
        except OSError as exc:
            self.finished.emit(False, f"Could not start the backport install: {exc}")
            return
        threading.Thread(target=_wait, args=(self._reply, self._proc), daemon=True,
                         name="gcdapp-backport").start()
        self._show_state()

    @Slot()
    def cancel(self) -> None:
        """End the install: the child and its pip (one process group)."""
        if self._proc is None:
            return
        self._cancelled = True
        try:
            os.killpg(self._proc.pid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            pass

    @Slot(int, str)
    def _on_done(self, status: int, said: str) -> None:
        item = self._interpreter
        name = f"{item.label} ({item.path})" if item is not None else "that Python"
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.wait()
        self._show_state()
        if self._cancelled:
            self.finished.emit(False, f"Backport install for {name} cancelled; nothing changed.")
        elif status == 0:
            self.finished.emit(True, f"Installed the subinterpreter backport for {name}: "
                                     "interpreters mode can run there.")
        else:
            self.finished.emit(False, f"Backport install for {name} failed: "
                                      f"{said or f'status {status}'}")

    def shutdown(self) -> None:
        self.cancel()
