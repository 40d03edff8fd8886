"""Autosave: nothing a user did is lost to a crash, a kill or a closed window.

The editor's pairs, the run settings and every finished run are written in
the session format (:mod:`gcdapp.core.session`) to
``QStandardPaths.writableLocation(AppDataLocation)/autosave.gcdapp.json``
a few seconds after each change (debounced, and never later than
:data:`MAX_DELAY_MS` after the first of a burst of changes), and on exit.

Crash detection: every write made while the window is open says
``"clean_exit": false``; the last write, from :meth:`Autosaver.finish` on
close, says ``true``. A file that still says ``false`` at the next start was
left by a crash or a kill. It is moved aside to ``autosave.recovered.gcdapp.json``
(so this window's own autosaves cannot overwrite it) and offered back until
the user restores or discards it.

An autosave that cannot be read (corrupted, truncated, from a newer gcdapp,
a pipe or a device left at its path, …) never stops the window: it is
renamed beside itself to ``autosave.unreadable-<date>-<time>.gcdapp.json``
(kept, never deleted, never over an earlier one) and the window opens with
a message saying so and where it went.

Replaced work: opening a session or restoring a crash replaces the runs,
which undo cannot bring back. When they were not saved to a file, the window
first keeps them with :meth:`Autosaver.keep_replaced` in ``replaced/`` (the
newest :data:`MAX_REPLACED`), and says where.

Several windows or processes: each takes a slot with a :class:`QLockFile`
(``autosave.gcdapp.json.lock``, ``autosave-2.gcdapp.json.lock``, …), so two
running gcdapps never write over each other's autosave; a lock left by a
dead process is taken over.

Off the GUI thread: the GUI thread only takes an immutable snapshot (a copy
of the pair array, ~2 ms for a million pairs, and references to finished
runs, which nothing changes). Encoding and the atomic write happen on a
plain ``threading.Thread``; :func:`gcdapp.core.session.iter_session_chunks`
keeps each GIL-holding step short. One write is in flight at a time; changes
meanwhile queue exactly one more.
"""

from __future__ import annotations

import inspect
import os
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QElapsedTimer, QLockFile, QObject, QStandardPaths, QTimer, Signal, Slot

from gcdapp.core.session import (
    SUFFIX,
    AutosaveMarker,
    Session,
    SessionError,
    load_session,
    save_session,
)

AUTOSAVE_NAME = "autosave" + SUFFIX
DELAY_MS = 3000
MAX_DELAY_MS = 15000
MAX_SLOTS = 8
#: Unsaved sessions replaced by an open or a restore are kept here (newest few).
REPLACED_DIR = "replaced"
MAX_REPLACED = 10

#: Builds the snapshot to write, on the GUI thread.
Snapshot = Callable[[AutosaveMarker], Session]


def autosave_dir() -> str:
    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)


def _with_tag(path: str, tag: str) -> str:
    """``dir/autosave.gcdapp.json`` -> ``dir/autosave.<tag>.gcdapp.json``."""
    return path[: -len(SUFFIX)] + f".{tag}" + SUFFIX


def unreadable_path(path: str, when: float | None = None) -> str:
    """Where an unreadable autosave is kept: ``autosave.unreadable-<time>.gcdapp.json``
    beside ``path`` (``-2``, ``-3``, … when that name is taken)."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(when))
    target = _with_tag(path, f"unreadable-{stamp}")
    n = 1
    while os.path.lexists(target):
        n += 1
        target = _with_tag(path, f"unreadable-{stamp}-{n}")
    return target


@dataclass
class StartupState:
    """What the previous run of gcdapp left behind."""

    clean: Session | None = None  # after a clean exit: restore silently
    crashed: Session | None = None  # after a crash: offer to restore
    crashed_path: str | None = None  # where the offered file now lives
    problem: str | None = None  # an autosave that could not be read


class Autosaver(QObject):
    """Debounced background autosave for one window."""

    #: A write finished: the path and the seconds it took (on its thread).
    saved = Signal(str, float)
    #: A write failed: the reason, for the user.
    failed = Signal(str)
    _finished = Signal(int, float, str)  # from the writer thread: write number, seconds, error

    def __init__(self, snapshot: Snapshot, directory: str | None = None,
                 delay_ms: int = DELAY_MS, parent: QObject | None = None):
        super().__init__(parent)
        # Weakly: a window holding its autosaver that holds the window would
        # be a reference cycle, freed by the garbage collector at any moment
        # and on any thread; deleting widgets off the GUI thread crashes Qt.
        self._snapshot_ref: Callable[[], Snapshot | None] = (
            weakref.WeakMethod(snapshot) if inspect.ismethod(snapshot) else lambda: snapshot
        )
        self.directory = directory or autosave_dir()
        self.delay_ms = delay_ms
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.save_now)
        self._since_first = QElapsedTimer()  # since the first unsaved change
        self._thread: threading.Thread | None = None
        self._in_flight = False  # from start until its _finished is handled here
        self._again = False  # a change arrived while a write was in flight
        self._dirty = False
        self._closed = False
        self._lock: QLockFile | None = None
        self._writes = 0  # writes started
        self._drop_recovered_from: int | None = None  # see adopt_recovered()
        self.last_seconds: float | None = None  # the last write's duration
        self._finished.connect(self._on_finished)
        self.path = self._claim_slot()

    # -- where -------------------------------------------------------------------

    def _claim_slot(self) -> str:
        try:
            os.makedirs(self.directory, exist_ok=True)
        except OSError:
            pass  # each write reports the failure
        for slot in range(1, MAX_SLOTS + 1):
            name = AUTOSAVE_NAME if slot == 1 else f"autosave-{slot}{SUFFIX}"
            path = os.path.join(self.directory, name)
            lock = QLockFile(path + ".lock")
            lock.setStaleLockTime(0)  # held for the window's lifetime: never stale by age
            if lock.tryLock(0):
                self._lock = lock
                return path
        # Every slot busy (or the directory is not writable): one per process.
        return os.path.join(self.directory, f"autosave-pid{os.getpid()}{SUFFIX}")

    @property
    def recovered_path(self) -> str:
        return _with_tag(self.path, "recovered")

    # -- start-up ----------------------------------------------------------------

    def startup_state(self) -> StartupState:
        """Read what the previous session left in this slot (never raises).

        A crashed autosave is moved to :attr:`recovered_path` first, so the
        offer survives this window's own autosaves until the user decides.
        One that cannot be read (corrupt, truncated, from a newer gcdapp, a
        pipe or a device, too large, …) is moved aside, kept, and named in
        :attr:`StartupState.problem`."""
        state = StartupState()
        problems: list[str] = []
        if os.path.lexists(self.path):
            session = self._read_or_set_aside(self.path, problems)
            if session is not None:
                marker = session.autosave
                if marker is None or marker.clean_exit:
                    state.clean = session
                else:
                    try:
                        os.replace(self.path, self.recovered_path)
                        state.crashed_path = self.recovered_path
                    except OSError:
                        state.crashed_path = self.path
                    state.crashed = session
        if state.crashed is None and os.path.lexists(self.recovered_path):
            session = self._read_or_set_aside(self.recovered_path, problems)
            if session is not None:
                state.crashed = session
                state.crashed_path = self.recovered_path
        state.problem = " ".join(problems) or None
        return state

    def _read_or_set_aside(self, path: str, problems: list[str]) -> Session | None:
        try:
            return load_session(path)
        except SessionError as e:
            problems.append(self.set_aside(path, str(e)))
        except Exception as e:  # load_session raises only SessionError; still, start
            problems.append(self.set_aside(path, f"{type(e).__name__}: {e}"))
        return None

    def set_aside(self, path: str, error: str) -> str:
        """Keep an unreadable autosave for inspection, out of the way: renamed
        beside itself with the time (``autosave.unreadable-20250501-093000.gcdapp.json``),
        never over an earlier one, never deleted. Returns the message for the window."""
        target = unreadable_path(path)
        try:
            os.replace(path, target)
        except OSError as e:
            if path == self.path:  # this window's autosaves must not write over it
                self.path = os.path.join(self.directory, f"autosave-pid{os.getpid()}{SUFFIX}")
            return (f"The autosave could not be restored ({error}) and could not be moved "
                    f"aside ({e.strerror or e}): it was left as it is, at {path}.")
        return f"The autosave could not be restored ({error}). It was moved aside and kept as {target}."

    def discard_recovered(self) -> None:
        """Forget the offered crash autosave."""
        self._drop_recovered_from = None
        try:
            os.unlink(self.recovered_path)
        except OSError:
            pass

    def adopt_recovered(self) -> None:
        """The window now shows the crash autosave's work: write it at once,
        and delete the recovered file only once that write succeeded."""
        self._drop_recovered_from = self._writes + 1
        self._dirty = True
        self.save_now()

    def keep_replaced(self, session: Session) -> str:
        """Write ``session`` (about to be replaced, unsaved) to
        ``replaced/<time>.gcdapp.json`` and return that path. Raises OSError."""
        directory = os.path.join(self.directory, REPLACED_DIR)
        os.makedirs(directory, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        path = os.path.join(directory, f"{stamp}{SUFFIX}")
        n = 1
        while os.path.exists(path):
            n += 1
            path = os.path.join(directory, f"{stamp}-{n}{SUFFIX}")
        save_session(path, session)
        kept = sorted((e for e in os.scandir(directory) if e.name.endswith(SUFFIX)),
                      key=lambda e: e.stat().st_mtime_ns, reverse=True)
        for entry in kept[MAX_REPLACED:]:
            try:
                os.unlink(entry.path)
            except OSError:
                pass
        return path

    # -- saving ----------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """A write has started and its end has not been handled yet (not the
        thread's liveness: it lives on briefly after reporting)."""
        return self._in_flight

    @property
    def pending(self) -> bool:
        """A change has not been written yet."""
        return self._dirty or self._again or self.busy

    @Slot()
    def schedule(self) -> None:
        """Something changed: write in ``delay_ms``, unless more changes keep
        coming (then at most :data:`MAX_DELAY_MS` after the first)."""
        if self._closed:
            return
        if not self._dirty:
            self._dirty = True
            self._since_first.start()
        remaining = MAX_DELAY_MS - self._since_first.elapsed()
        if self._timer.isActive() and remaining < self.delay_ms:
            return  # keep the earlier deadline
        self._timer.start(max(0, min(self.delay_ms, remaining)))

    @Slot()
    def save_now(self) -> None:
        """Write now, in the background (after the write in flight, if any)."""
        if self._closed:
            return
        self._timer.stop()
        if self.busy:
            self._again = True
            return
        self._dirty = False
        self._again = False
        session = self._snapshot(AutosaveMarker(clean_exit=False, pid=os.getpid()))
        if session is None:
            return
        self._writes += 1
        self._in_flight = True
        self._thread = threading.Thread(
            target=self._write, args=(session, self._writes), name="gcdapp-autosave", daemon=True
        )
        self._thread.start()

    def _write(self, session: Session, number: int) -> None:
        # On the writer thread: touch no widget; only emit.
        t0 = time.perf_counter()
        error = ""
        try:
            save_session(self.path, session)
        except Exception as e:  # a full disk, a read-only directory, …
            error = f"{type(e).__name__}: {e}"
        try:
            self._finished.emit(number, time.perf_counter() - t0, error)
        except RuntimeError:  # the window is gone: nobody to tell
            pass

    @Slot(int, float, str)
    def _on_finished(self, number: int, seconds: float, error: str) -> None:
        self._in_flight = False
        if self._closed:
            return
        if error:
            self.failed.emit(f"Autosave to {self.path} failed: {error}")
        else:
            self.last_seconds = seconds
            self._written(number)
            self.saved.emit(self.path, seconds)
        if self._again and not self._closed:
            self.save_now()

    def _written(self, number: int) -> None:
        if self._drop_recovered_from is not None and number >= self._drop_recovered_from:
            self.discard_recovered()

    def _snapshot(self, marker: AutosaveMarker) -> Session | None:
        snapshot = self._snapshot_ref()
        return None if snapshot is None else snapshot(marker)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the write in flight; True when none is left."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def finish(self, marker: AutosaveMarker) -> bool:
        """The window is closing: the last write, with the clean-exit marker,
        in the calling thread. True when it was written. No write follows."""
        self._closed = True
        self._timer.stop()
        self.wait()
        self._in_flight = False  # its report, still queued, is ignored
        ok = True
        try:
            session = self._snapshot(marker)
            if session is not None:
                save_session(self.path, session)
        except Exception as e:
            self.failed.emit(f"Autosave to {self.path} failed: {type(e).__name__}: {e}")
            ok = False
        else:
            self._writes += 1
            self._written(self._writes)
        self._dirty = self._again = False
        self.release()
        return ok

    def release(self) -> None:
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None
