"""Parse a text or a file on a worker thread, with a progress dialog.

Self-contained: :class:`ParseJob` runs :func:`gcdapp.core.parsing.parse_pairs`
(or ``parse_file``) in a ``QThread``, shows a ``QProgressDialog`` with Cancel
for inputs over :data:`PROGRESS_BYTES`, and emits ``finished(ParseResult)``
or ``cancelled()`` on the GUI thread. Nothing is changed until ``finished``:
a cancelled job leaves the caller's state as it was.
"""

from __future__ import annotations

import os
import threading

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from gcdapp.core.parsing import ParseCancelled, parse_file, parse_pairs

#: Inputs larger than this (characters or bytes) get a progress dialog.
PROGRESS_BYTES = 1_000_000


class _Worker(QObject):
    """Lives on the job's thread; the parse calls back into :meth:`_tick`."""

    finished = Signal(object)
    cancelled = Signal()
    progressed = Signal(int)  # per mille

    def __init__(self, text: str | None, path: str | None, options: dict):
        super().__init__()
        self._text, self._path, self._options = text, path, options
        self._stop = threading.Event()
        self.thread_id: int | None = None

    def stop(self) -> None:
        """Thread-safe: the parse stops at its next progress check."""
        self._stop.set()

    def _tick(self, fraction: float) -> bool:
        self.progressed.emit(int(fraction * 1000))
        return not self._stop.is_set()

    @Slot()
    def run(self) -> None:
        self.thread_id = threading.get_ident()
        try:
            if self._stop.is_set():
                raise ParseCancelled("cancelled before it started")
            if self._path is not None:
                result = parse_file(self._path, progress=self._tick, **self._options)
            else:
                result = parse_pairs(self._text, progress=self._tick, **self._options)
        except ParseCancelled:
            self.cancelled.emit()
            return
        self._text = None
        if self._stop.is_set():
            self.cancelled.emit()
        else:
            self.finished.emit(result)


class ParseJob(QObject):
    """One parse off the GUI thread. Give ``text`` or ``path``, then :meth:`start`."""

    finished = Signal(object)  # ParseResult
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None, *, text: str | None = None,
                 path: str | os.PathLike | None = None, label: str = "Reading pairs…",
                 **options):
        super().__init__(parent)
        if (text is None) == (path is None):
            raise ValueError("give exactly one of text or path")
        self._parent_widget = parent
        self._label = label
        self._size = len(text) if text is not None else _file_size(path)
        self._worker = _Worker(text, None if path is None else os.fspath(path), options)
        self._thread: QThread | None = None
        self.dialog: QProgressDialog | None = None
        self._done = False

    @property
    def worker_thread_id(self) -> int | None:
        return self._worker.thread_id

    @property
    def running(self) -> bool:
        return self._thread is not None and not self._done

    def start(self) -> None:
        thread = self._thread = QThread()
        thread.setObjectName("gcd-parse")
        self._worker.moveToThread(thread)
        thread.started.connect(self._worker.run)
        self._worker.finished.connect(self._on_finished)
        self._worker.cancelled.connect(self._on_cancelled)
        self._worker.progressed.connect(self._on_progress)
        if self._size > PROGRESS_BYTES:
            dialog = self.dialog = QProgressDialog(
                self._label, "Cancel", 0, 1000, self._parent_widget
            )
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            dialog.setMinimumDuration(300)
            dialog.setAutoClose(False)
            dialog.setAutoReset(False)
            dialog.canceled.connect(self.cancel)
        thread.start()

    @Slot()
    def cancel(self) -> None:
        """Stop the parse; ``cancelled`` follows (unless it had just finished)."""
        if not self._done:
            self._worker.stop()

    def close(self) -> None:
        """Stop and join the thread (e.g. when the window closes)."""
        self.cancel()
        self._finish()

    @Slot(int)
    def _on_progress(self, per_mille: int) -> None:
        if self.dialog is not None and not self._done:
            self.dialog.setValue(per_mille)

    @Slot(object)
    def _on_finished(self, result) -> None:
        if self._finish():
            self.finished.emit(result)

    @Slot()
    def _on_cancelled(self) -> None:
        if self._finish():
            self.cancelled.emit()

    def _finish(self) -> bool:
        """Close the dialog, join the thread; False when already done."""
        if self._done:
            return False
        self._done = True
        if self.dialog is not None:
            self.dialog.canceled.disconnect(self.cancel)
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()
        return True


def _file_size(path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0
