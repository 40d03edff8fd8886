"""The export writer thread: one export at a time, off the GUI thread.

:class:`ExportWorker` takes a target path and its
:class:`~gcdapp.core.export_chunks.Chunks` (built on the GUI thread from a
snapshot of what is exported) and writes them with
:func:`~gcdapp.core.export_chunks.write_chunks` on a plain
``threading.Thread``, as the autosave writer does:

* the writer thread touches no Qt object: it only emits signals, which are
  queued to this object's slots on the GUI thread;
* it holds only plain data (arrays, strings), so whatever it frees when it
  ends is plain data too; the app collects garbage on the GUI thread only
  (:func:`gcdapp.ui.app.create_application`), never here;
* each piece is a few milliseconds of formatting, so the GUI thread gets
  the GIL back between pieces and keeps running;
* :meth:`cancel` stops it between pieces: no file is left, the old one is
  kept (the write is atomic).
"""

from __future__ import annotations

import logging
import os
import threading
import time

from PySide6.QtCore import QObject, Signal, Slot

from gcdapp.core.export_chunks import Chunks, ExportCancelled, ExportError, write_chunks

__all__ = ["ExportWorker", "SAVED", "FAILED", "CANCELLED", "BROKEN"]

logger = logging.getLogger(__name__)

SAVED = "saved"
FAILED = "failed"  # an ExportError: the message names the file and the reason
CANCELLED = "cancelled"
BROKEN = "broken"  # an unexpected exception (a bug): logged with its traceback

#: Progress reports from the writer are at most this often (and after the last piece).
PROGRESS_INTERVAL_S = 0.05


class ExportWorker(QObject):
    """Writes one export at a time on its own thread."""

    #: Items done, items in all (on the GUI thread, a few times a second).
    progressed = Signal(int, int)
    #: The export ended: outcome (:data:`SAVED`, :data:`FAILED`,
    #: :data:`CANCELLED`, :data:`BROKEN`), its path, and the reason when not saved.
    finished = Signal(str, str, str)

    # from the writer thread (queued): job number, done, total / job number
    _progress = Signal(int, int, int)
    _done = Signal(int)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._number = 0  # jobs started
        self._delivered = 0  # the last job whose end was reported
        self._outcomes: dict[int, tuple[str, str, str]] = {}  # set by the writer thread
        self.path: str | None = None  # the export in flight
        self._progress.connect(self._on_progress)
        self._done.connect(self._on_done)

    @property
    def busy(self) -> bool:
        """An export has started and its end has not been reported yet."""
        return self._delivered < self._number

    @property
    def cancelling(self) -> bool:
        return self.busy and self._stop.is_set()

    def start(self, path: str | os.PathLike, chunks: Chunks) -> bool:
        """Write ``chunks`` to ``path`` in the background; False when busy."""
        if self.busy:
            return False
        self._number += 1
        self._stop = threading.Event()
        self.path = os.fspath(path)
        self._thread = threading.Thread(
            target=self._write, args=(self._number, self.path, chunks, self._stop),
            name="gcdapp-export", daemon=True,
        )
        self._thread.start()
        return True

    def cancel(self) -> None:
        """Stop the export in flight at its next piece (nothing is written)."""
        if self.busy:
            self._stop.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the export in flight ends (at most ``timeout`` s) and
        report its end now. True when no export is left."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            if thread.is_alive():
                return False
            self._thread = None
        self._deliver(self._number)
        return not self.busy

    # -- on the writer thread: touch no Qt object; only emit ------------------

    def _write(self, number: int, path: str, chunks: Chunks, stop: threading.Event) -> None:
        last = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.monotonic()
            if now - last[0] >= PROGRESS_INTERVAL_S or done >= total:
                last[0] = now
                self._emit(self._progress, number, done, total)

        try:
            write_chunks(path, chunks, progress=progress, stop=stop)
            outcome = (SAVED, path, "")
        except ExportCancelled as exc:
            outcome = (CANCELLED, path, str(exc))
        except ExportError as exc:
            outcome = (FAILED, path, str(exc))
        except Exception as exc:  # a bug: the window says so, the log has the details
            logger.exception("exporting to %s failed", path)
            outcome = (BROKEN, path, f"{type(exc).__name__}: {exc}")
        del chunks  # (the data goes with the thread: plain arrays and strings)
        self._outcomes[number] = outcome
        self._emit(self._done, number)

    @staticmethod
    def _emit(signal, *args) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:  # the window is gone: nobody to tell
            pass

    # -- on the GUI thread --------------------------------------------------------

    @Slot(int, int, int)
    def _on_progress(self, number: int, done: int, total: int) -> None:
        if number == self._number and self.busy:
            self.progressed.emit(done, total)

    @Slot(int)
    def _on_done(self, number: int) -> None:
        self._deliver(number)

    def _deliver(self, number: int) -> None:
        """Report job ``number``'s end once (from its signal or from :meth:`wait`)."""
        outcome = self._outcomes.pop(number, None)
        if outcome is None or number <= self._delivered:
            return
        self._delivered = number
        self.path = None
        self.finished.emit(*outcome)
