"""The window's document: the session file it opens and saves, pair lists it
opens, the autosave and crash restore, the preferences kept in QSettings,
and the title with its modified mark.

What is open is the :class:`~gcdapp.core.workspace.Workspace`: sessions are
read into it and written from it, and its events schedule the autosave and
mark the title."""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timezone

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QMainWindow

from gcdapp.core.parsing import parse_file
from gcdapp.core.session import (
    MAX_SESSION_BYTES,
    SUFFIX,
    AutosaveMarker,
    Session,
    SessionError,
    looks_like_session,
)
from gcdapp.core.session import load_session as read_session_file
from gcdapp.core.session import save_session as write_session_file
from gcdapp.core.workspace import Workspace
from gcdapp.ui.document.autosave import Autosaver
from gcdapp.ui.document.preferences import AppSettings
from gcdapp.ui.document.restore_banner import describe
from gcdapp.ui.pairs.editor import PairEditor
from gcdapp.ui.pairs.parse_job import PROGRESS_BYTES, ParseJob


class DocumentController(QObject):
    """Opens, saves, autosaves and restores what ``window`` shows.

    Holds the window weakly (a window -> controller -> window cycle would be
    freed by the garbage collector at any moment, on any thread)."""

    #: A pair list read off the GUI thread was applied (path, True) or not (path, False).
    pairsOpened = Signal(str, bool)
    #: What the window shows the user: a notice (text, kind "error" | "warning"
    #: | "info") in the message strip, or none; a line in the status bar.
    notice = Signal(str, str)
    noticeCleared = Signal()
    statusText = Signal(str)
    #: Work left by a crashed gcdapp, offered back (a Session); then settled.
    crashOffered = Signal(object)
    crashSettled = Signal()
    #: A file was opened or saved (remember it), or is gone (forget it).
    fileUsed = Signal(str)
    fileGone = Signal(str)
    #: A session was applied to the workspace (the idle status may refresh).
    sessionApplied = Signal()

    def __init__(self, window: QMainWindow, workspace: Workspace, settings: AppSettings,
                 editor: PairEditor, is_running: Callable[[], bool]):
        super().__init__(window)
        self._window_ref = weakref.ref(window)
        self.workspace = workspace
        self.settings = settings
        self.editor = editor
        self._is_running = is_running
        self._noticed = False  # a notice was shown since open_path began
        #: Session files larger than this are refused unread.
        self.max_session_bytes = MAX_SESSION_BYTES
        self._restoring = True  # changes made while the window builds are not the user's
        self._closed = False
        self._crashed: Session | None = None  # offered back by the restore banner
        self._parse_job: ParseJob | None = None  # a large pair list being read
        self._parse_path = ""
        self.autosaver = Autosaver(self._autosave_snapshot, parent=self)
        self.autosaver.failed.connect(self._on_autosave_failed)
        events = workspace.events
        for event in (events.pairs_changed, events.settings_changed, events.runs_changed,
                      events.experiments_changed):
            event.connect(self._on_content_changed)
        events.modified_changed.connect(self._on_modified_changed)
        self._update_title()

    def _notify(self, text: str, kind: str = "error") -> None:
        self._noticed = True
        self.notice.emit(text, kind)

    @property
    def session_path(self) -> str | None:
        """The session file this window saves to (None: not saved yet)."""
        return self.workspace.path

    @property
    def _window(self) -> QMainWindow:
        return self._window_ref()

    def restore_last_session(self) -> None:
        """What the last session left: preferences, then the autosave. Call
        once, when the window is built; changes count from then on."""
        self._restore_settings()
        self.workspace.set_modified(False)  # nothing the user did, so far
        self._restore_autosave()
        self._update_title()
        self._restoring = False

    # -- title and modified state ------------------------------------------
    def _on_content_changed(self, _change) -> None:
        """The session changed (the workspace marked itself modified): autosave soon."""
        if not self._restoring:
            self.autosaver.schedule()

    def _on_modified_changed(self, modified: bool) -> None:
        window = self._window
        if window is not None:
            window.setWindowModified(modified)

    def _set_session_file(self, path: str | None, modified: bool) -> None:
        self.workspace.set_path(path)
        self.workspace.set_modified(modified)
        self._window.setWindowModified(modified)
        self._update_title()

    def _update_title(self) -> None:
        name = os.path.basename(self.session_path) if self.session_path else "Untitled"
        self._window.setWindowTitle(f"{name}[*] — gcdapp")
        self._window.setWindowFilePath(self.session_path or "")

    # -- opening -------------------------------------------------------------
    def last_directory(self) -> str:
        """Where file dialogs open: the last directory used, if it still exists."""
        return self.settings.last_dir()

    @Slot()
    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self._window, "Open a session or pairs", self.last_directory(),
            f"Sessions and pair lists (*{SUFFIX} *.csv *.tsv *.txt *.json *.py);;"
            f"gcdapp sessions (*{SUFFIX});;"
            "Pair lists (*.csv *.tsv *.txt *.json *.py);;All files (*)",
        )
        if path:
            self.open_path(path)

    def open_dropped(self, paths: list[str]) -> bool:
        """Files dropped on the window: the first opens."""
        self._noticed = False
        opened = self.open_path(paths[0])
        if opened and len(paths) > 1 and not self._noticed:
            self._notify(
                f"Opened {os.path.basename(paths[0])} only: drop one file at a time.", "info")
        return opened

    @Slot(str)
    def open_recent(self, path: str) -> bool:
        """Open a recent file; one that no longer exists leaves the list."""
        if not os.path.isfile(path):
            self.fileGone.emit(path)
            self._notify(
                f"{path} no longer exists; it was removed from the recent files.", "warning")
            return False
        return self.open_path(path)

    def open_path(self, path: str | os.PathLike) -> bool:
        """Open a session (``*.gcdapp.json``, or any JSON object) or a pair
        list (anything else the parser reads). Problems are shown in the
        window; False when nothing was opened."""
        path = os.fspath(path)
        if self._refused_while_running(path):
            return False
        if not os.path.exists(path):
            self._notify(f"Cannot open {path}: there is no such file.", "error")
            return False
        if os.path.isdir(path):
            self._notify(f"Cannot open {path}: it is a folder, not a file.", "error")
            return False
        if looks_like_session(path):
            return self.open_session(path)
        return self.open_pairs(path)

    def _refused_while_running(self, path: str) -> bool:
        running = self._is_running()
        if running:
            self._notify(
                f"Cannot open {path} while a run is in progress: cancel it or wait.", "error")
        return running

    def open_session(self, path: str | os.PathLike) -> bool:
        """Replace the pairs (undoably), the run settings and the runs with
        the session in ``path``. A bad file changes nothing; it is named in
        the message strip."""
        path = os.fspath(path)
        if self._refused_while_running(path):
            return False
        try:
            session = read_session_file(path, max_bytes=self.max_session_bytes)
        except SessionError as e:
            self._notify(str(e), "error")
            return False
        name = os.path.basename(path)
        self.noticeCleared.emit()
        kept = self._keep_unsaved_runs()
        self._apply_session(session, undo_text=f"Open {name}", settings=True)
        self._set_session_file(os.path.abspath(path), modified=False)
        self.fileUsed.emit(path)
        self._show_kept(kept)
        self.statusText.emit(f"Opened {name}: {describe(session)}")
        self.autosaver.schedule()
        return True

    def open_pairs(self, path: str) -> bool:
        """Replace the pairs with those in ``path`` (undoable). A file over
        :data:`PROGRESS_BYTES` is read on a worker thread, with progress and
        Cancel; True then means it is being read (``pairsOpened`` follows)."""
        if self._parse_job is not None and self._parse_job.running:
            self._notify("A file is still being read: wait for it or cancel it.",
                                      "error")
            return False
        try:
            size = os.stat(path).st_size
        except OSError:
            size = 0  # parse_file says what is wrong
        if size <= PROGRESS_BYTES:
            return self._apply_opened(path, parse_file(path))
        job = self._parse_job = ParseJob(self._window, path=path,
                                         label=f"Reading {os.path.basename(path)}…")
        job.finished.connect(self._on_file_parsed)
        job.cancelled.connect(self._on_file_cancelled)
        self._parse_path = path
        job.start()
        return True

    @Slot(object)
    def _on_file_parsed(self, parsed) -> None:
        self._parse_job = None
        self.pairsOpened.emit(self._parse_path, self._apply_opened(self._parse_path, parsed))

    @Slot()
    def _on_file_cancelled(self) -> None:
        self._parse_job = None
        self._notify(
            f"Opening {os.path.basename(self._parse_path)} was cancelled: the pairs are as "
            "they were.", "info")
        self.pairsOpened.emit(self._parse_path, False)

    def _apply_opened(self, path: str, parsed) -> bool:
        if parsed.fatal:
            self._notify(f"Cannot open {path}: {parsed.fatal}", "error")
            return False
        notes = "".join(f"; {note}" for note in parsed.notes)
        if parsed.errors:
            shown = "; ".join(str(e) for e in parsed.errors[:5])
            more = parsed.n_errors - min(5, len(parsed.errors))
            self._notify(
                f"{path}: {parsed.n_errors} bad line(s) skipped — {shown}"
                + (f"; … and {more} more" if more > 0 else "") + notes,
                "warning",
            )
        elif parsed.notes:
            self._notify(f"{path}: {parsed.summary()}", "info")
        else:
            self.noticeCleared.emit()
        if not self.editor.load_pairs(parsed.pairs, f"Open {os.path.basename(path)}"):
            return False
        self.fileUsed.emit(path)
        return True

    def close_parse(self) -> None:
        """Stop a file being read (the window closes)."""
        if self._parse_job is not None:
            self._parse_job.close()
            self._parse_job = None

    # -- saving ----------------------------------------------------------------
    @Slot()
    def save_session_file(self) -> bool:
        """Save to the session's file, asking for one the first time."""
        if self.session_path is None:
            return self.save_session_as_dialog()
        return self.save_session(self.session_path)

    @Slot()
    def save_session_as_dialog(self) -> bool:
        start = self.session_path or os.path.join(self.last_directory(), "session" + SUFFIX)
        path, _ = QFileDialog.getSaveFileName(
            self._window, "Save session", start, f"gcdapp sessions (*{SUFFIX});;All files (*)")
        if not path:
            return False
        if not path.lower().endswith(SUFFIX):
            path = (path[:-5] if path.lower().endswith(".json") else path) + SUFFIX
        return self.save_session(path)

    def save_session(self, path: str | os.PathLike) -> bool:
        """Write the session to ``path`` (atomically) and make it the
        window's session file. A failure leaves any old file as it was."""
        path = os.path.abspath(os.fspath(path))
        name = os.path.basename(path)
        try:
            write_session_file(path, self.session_snapshot())
        except (OSError, ValueError) as e:
            reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
            self._notify(f"Could not save {name}: {reason}", "error")
            return False
        self._set_session_file(path, modified=False)
        self.fileUsed.emit(path)
        self.statusText.emit(f"Saved {name}")
        self.autosaver.schedule()  # the autosave notes the file and that it is saved
        return True

    def session_snapshot(self, autosave: AutosaveMarker | None = None) -> Session:
        """The session as it is now. The pairs are copied and finished runs
        never change, so it can be encoded on another thread."""
        workspace = self.workspace
        records = tuple(workspace.history.records)
        pairs_of = workspace.pairs_of
        return Session(
            pairs=workspace.pairs.copy(),
            settings=workspace.settings,
            runs=records,
            pair_sets={r.fingerprint: pairs_of[r.fingerprint] for r in records},
            saved_at=datetime.now(timezone.utc),
            autosave=autosave,
            sweep=workspace.sweep,
            leverage=workspace.leverage,
        )

    def _autosave_snapshot(self, marker: AutosaveMarker) -> Session:
        return self.session_snapshot(
            replace(marker, session_path=self.session_path,
                    modified=self.workspace.modified))

    # -- replacing what the window shows -----------------------------------------
    def _keep_unsaved_runs(self) -> str | None:
        """Before the runs are replaced: if they were never saved, write the
        session aside (undo brings back pairs, not runs). Returns where, or
        None when nothing needed keeping or keeping failed (said in the
        message strip; the replacement the user asked for goes ahead)."""
        workspace = self.workspace
        kept = len(workspace.history) or workspace.sweep is not None \
            or workspace.leverage is not None
        if not kept or not workspace.modified:
            return None
        try:
            return self.autosaver.keep_replaced(self.session_snapshot())
        except (OSError, ValueError) as e:
            self._notify(f"The runs you had could not be kept: {e}", "warning")
            return None

    def _show_kept(self, kept: str | None) -> None:
        if kept is None:
            return
        self._notify(
            f"The unsaved runs you had were kept in {kept}: open it to get them back.", "info")

    def _apply_session(self, session: Session, undo_text: str | None, settings: bool) -> None:
        """Show ``session``: its pairs (one undoable step unless ``undo_text``
        is None), its runs and, if asked, its run settings. The modified flag
        is left as it was: the caller says what it becomes."""
        workspace = self.workspace
        modified = workspace.modified
        self._restoring = True
        try:
            if settings:
                workspace.set_settings(session.settings)
            if undo_text is None:
                workspace.set_pairs(session.pairs)
            else:
                self.editor.load_pairs(session.pairs, undo_text)
            workspace.set_runs(session.runs, session.pair_sets)
            workspace.set_sweep(session.sweep)
            workspace.set_leverage(session.leverage)
        finally:
            self._restoring = False
            workspace.set_modified(modified)
        self.sessionApplied.emit()

    # -- preferences -------------------------------------------------------------
    def _restore_settings(self) -> None:
        self.settings.restore_window(self._window)
        choices = self.settings.run_choices()
        if choices is not None:
            self.workspace.set_settings(choices)

    def _save_settings(self) -> None:
        self.settings.save_window(self._window)
        self.settings.save_run_choices(self.workspace.settings)
        self.settings.sync()

    # -- autosave and crash restore ----------------------------------------------
    def _restore_autosave(self) -> None:
        """After a clean exit, bring the last state back silently; after a
        crash, offer it in the banner."""
        state = self.autosaver.startup_state()
        if state.clean is not None:
            try:
                self._apply_session(state.clean, undo_text=None, settings=False)
            except Exception as e:  # a file the reader passed must still not stop the window
                aside = self.autosaver.set_aside(self.autosaver.path, f"{type(e).__name__}: {e}")
                state.problem = f"{state.problem} {aside}" if state.problem else aside
            else:
                marker = state.clean.autosave
                if marker is not None:
                    self._set_session_file(marker.session_path, modified=marker.modified)
        if state.crashed is not None:
            self._crashed = state.crashed
            self.crashOffered.emit(state.crashed)
        if state.problem:
            self._notify(state.problem, "warning")

    @Slot()
    def restore_crashed(self) -> bool:
        """Bring back the work offered by the restore banner (the pairs as
        one undoable step)."""
        session = self._crashed
        if session is None:
            return False
        if self._is_running():
            self._notify("Cannot restore while a run is in progress.", "error")
            return False
        self.noticeCleared.emit()
        kept = self._keep_unsaved_runs()
        self._apply_session(session, undo_text="Restore unsaved work", settings=True)
        self._show_kept(kept)
        marker = session.autosave
        # Restored, not saved to its file yet.
        self._set_session_file(marker.session_path if marker is not None else None, modified=True)
        self._crashed = None
        self.crashSettled.emit()
        self.autosaver.adopt_recovered()
        self.statusText.emit(f"Restored {describe(session)}")
        return True

    @Slot()
    def discard_crashed(self) -> None:
        self._crashed = None
        self.crashSettled.emit()
        self.autosaver.discard_recovered()

    @Slot(str)
    def _on_autosave_failed(self, text: str) -> None:
        self._notify(text, "warning")

    def finish_session(self) -> None:
        """Save preferences, and the last autosave marked as a clean exit.
        Once: the window may close and the application quit."""
        if self._closed:
            return
        self._closed = True
        self._save_settings()
        self.autosaver.finish(AutosaveMarker(clean_exit=True, pid=os.getpid()))
