"""The main window: composes the pair editor, run controls, timing chart and
runs table, and routes the coordinator's events between them."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import datetime, timezone

import numpy as np
from PySide6.QtCore import QMimeData, Qt, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QMainWindow,
    QMenu,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from gcdapp import __version__
from gcdapp.core.backends import BACKENDS
from gcdapp.core.engine import check_run
from gcdapp.core.events import RunInfo, RunResult, RunSpec, TaskBatch
from gcdapp.core.history import RunHistory, RunRecord
from gcdapp.core.kernels import get_kernel
from gcdapp.core.parsing import parse_file
from gcdapp.core.presets import get_preset
from gcdapp.core.session import (
    MAX_SESSION_BYTES,
    SUFFIX,
    AutosaveMarker,
    Session,
    SessionError,
    looks_like_session,
)
from gcdapp.core.session import fingerprint as session_fingerprint
from gcdapp.core.session import load_session as read_session_file
from gcdapp.core.session import save_session as write_session_file
from gcdapp.ui.autosave import Autosaver
from gcdapp.ui.coordinator import Job, RunCoordinator
from gcdapp.ui.export_menu import install_export_menu
from gcdapp.ui.mode_panel import ModePanel
from gcdapp.ui.pair_editor import PairEditor
from gcdapp.ui.palette import run_color
from gcdapp.ui.restore_banner import RestoreBanner, describe
from gcdapp.ui.run_message import RunMessage
from gcdapp.ui.run_status import RunStatus
from gcdapp.ui.runs_table import RunsTable
from gcdapp.ui.settings import AppSettings, RunChoices
from gcdapp.ui.timing_chart import TimingChart


COMPARED_MODES = ("serial", "threads", "processes")


class MainWindow(QMainWindow):
    """gcdapp's window. Builds with no arguments."""

    #: A run ended (its id); emitted after the runs table and charts have it.
    runFinished = Signal(int)
    #: Every run of a Run press ended (True when all completed).
    jobFinished = Signal(bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._restoring = True  # changes made while building are not the user's
        self._closed = False
        #: The session file this window saves to (None: not saved yet).
        self.session_path: str | None = None
        #: Session files larger than this are refused unread.
        self.max_session_bytes = MAX_SESSION_BYTES
        self._crashed: Session | None = None  # offered back by the restore banner
        self._update_title()
        self.setObjectName("MainWindow")
        self.setDockNestingEnabled(True)
        self.history = RunHistory()
        self._pairs_of: dict[str, np.ndarray] = {}  # fingerprint -> pairs a run used
        self._live: dict[int, tuple[str, object, str]] = {}  # run id -> label, colour, fingerprint
        self._job_ids: tuple[int, ...] = ()

        self.editor = PairEditor()
        self.panel = ModePanel()
        self.chart = TimingChart()
        self.runs = RunsTable(self.history)
        self.message = RunMessage()
        self.status = RunStatus()
        self.restore_banner = RestoreBanner()

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.addWidget(self.restore_banner)
        layout.addWidget(self.message)
        layout.addWidget(self.chart, 1)
        self.setCentralWidget(central)
        self.panel_dock = self._dock("Run settings", "RunSettingsDock", self.panel,
                                     Qt.DockWidgetArea.LeftDockWidgetArea)
        self.pairs_dock = self._dock("Pairs", "PairsDock", self.editor,
                                     Qt.DockWidgetArea.LeftDockWidgetArea)
        self.runs_dock = self._dock("Runs", "RunsDock", self.runs,
                                    Qt.DockWidgetArea.BottomDockWidgetArea)
        self.splitDockWidget(self.panel_dock, self.pairs_dock, Qt.Orientation.Vertical)
        self.resizeDocks([self.panel_dock], [400], Qt.Orientation.Horizontal)
        self.resizeDocks([self.runs_dock], [170], Qt.Orientation.Vertical)
        self.statusBar().addWidget(self.status, 1)

        self._make_actions()
        self._make_menus()
        self.export_menu = install_export_menu(self)
        # Last, once everything else exists: it starts a thread.
        self.coordinator = RunCoordinator(self)
        self._connect()
        self.editor.set_kernel(get_kernel(self.panel.spec().kernel))
        self.editor.model.set_pairs(get_preset("seed").array())  # a useful first screen
        self._show_idle_status()
        self.resize(1280, 800)

        # What the last session left: preferences, then the autosave.
        self.setAcceptDrops(True)
        self.settings = AppSettings()
        self._restore_settings()
        self.autosaver = Autosaver(self._autosave_snapshot, parent=self)
        self.autosaver.failed.connect(self._on_autosave_failed)
        self._restore_autosave()
        self._update_title()
        self._fill_recent_menu()
        self._restoring = False
        app = QApplication.instance()
        if app is not None:  # quitting without closing the window still saves
            app.aboutToQuit.connect(self._on_about_to_quit)

    # -- construction ----------------------------------------------------
    def _dock(self, title: str, name: str, widget: QWidget, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(area, dock)
        return dock

    def _action(self, text: str, tip: str, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _make_actions(self) -> None:
        self.run_action = self._action("&Run", "Run the pairs with the chosen settings",
                                       self.start_run, "F5")
        self.cancel_action = self._action("&Cancel", "Stop the run; finished results are kept",
                                          self.cancel_run, Qt.Key.Key_Escape)
        self.cancel_action.setEnabled(False)
        self.compare_action = self._action(
            "Compare &modes", "Run serial, threads and processes in turn on the same pairs",
            self.compare_modes, "Ctrl+F5")
        self.clear_runs_action = self._action("Clear runs", "Forget every finished run and chart",
                                              self.clear_runs)
        self.open_action = self._action(
            "&Open…", "Open a session (.gcdapp.json) or a list of pairs (CSV, text, JSON, Python)",
            self.open_dialog, QKeySequence.StandardKey.Open)
        self.save_action = self._action(
            "&Save session", "Save the pairs, run settings and every run to the session file",
            self.save_session_file, QKeySequence.StandardKey.Save)
        self.save_as_action = self._action(
            "Save session &as…", "Save the pairs, run settings and every run to a new file",
            self.save_session_as_dialog, "Ctrl+Shift+S")
        self.clear_recent_action = self._action(
            "&Clear recent files", "Empty the list of recently opened files", self.clear_recent_files)
        self.quit_action = self._action("&Quit", "Close gcdapp", self.close,
                                        "Ctrl+Q")  # StandardKey.Quit is unbound on some platforms
        self.about_action = self._action("&About gcdapp", "Versions and this machine",
                                         self.show_about)

    def _make_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.file_menu = file_menu
        file_menu.addAction(self.open_action)
        self.recent_menu = QMenu("Open &Recent", self)
        self.recent_menu.setToolTipsVisible(True)
        self.recent_menu.menuAction().setToolTip("Files opened or saved lately")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self.recent_menu.triggered.connect(self._on_recent_triggered)
        file_menu.addMenu(self.recent_menu)
        file_menu.addSeparator()
        file_menu.addAction(self.save_action)
        file_menu.addAction(self.save_as_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit = bar.addMenu("&Edit")
        edit.addAction(self.editor.undo_action)
        edit.addAction(self.editor.redo_action)
        edit.addSeparator()
        for action in (self.editor.paste_action, self.editor.add_row_action,
                       self.editor.delete_action, self.editor.clear_action,
                       self.editor.generate_action):
            edit.addAction(action)
        edit.addMenu(self.editor.preset_menu)
        run = bar.addMenu("&Run")
        run.addAction(self.run_action)
        run.addAction(self.compare_action)
        run.addAction(self.cancel_action)
        run.addSeparator()
        run.addAction(self.clear_runs_action)
        view = bar.addMenu("&View")
        for dock in (self.panel_dock, self.pairs_dock, self.runs_dock):
            view.addAction(dock.toggleViewAction())
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.about_action)
        for menu in (file_menu, edit, run, view, help_menu):
            menu.setToolTipsVisible(True)

    def _connect(self) -> None:
        self.panel.runRequested.connect(self.start_run)
        self.panel.compareRequested.connect(self.compare_modes)
        self.panel.cancelRequested.connect(self.cancel_run)
        self.panel.specChanged.connect(self._spec_changed)
        self.editor.pairsChanged.connect(self._pairs_changed)
        self.runs.runSelected.connect(self._show_run)
        self.restore_banner.restoreRequested.connect(self.restore_crashed)
        self.restore_banner.discardRequested.connect(self.discard_crashed)
        c = self.coordinator
        c.jobStarted.connect(self._on_job_started)
        c.runStarted.connect(self._on_run_started)
        c.tasksCompleted.connect(self._on_tasks_completed)
        c.runFinished.connect(self._on_run_finished)
        c.jobFinished.connect(self._on_job_finished)
        c.jobFailed.connect(self._on_job_failed)

    # -- user actions ----------------------------------------------------
    @property
    def running(self) -> bool:
        return self.coordinator.busy

    @Slot()
    def start_run(self) -> bool:
        """Run the chosen settings (repeated as asked). False, with the reason
        shown, when it cannot start."""
        return self._start_job([self.panel.spec()] * self.panel.repeat_count())

    @Slot()
    def compare_modes(self) -> bool:
        """Run serial, threads and processes in turn on the same pairs."""
        base = self.panel.spec()
        specs = [
            replace(base, mode=mode, workers=None if mode == "serial" else base.workers,
                    start_method=base.start_method if mode == "processes" else None)
            for mode in COMPARED_MODES
        ]
        return self._start_job(specs * self.panel.repeat_count())

    def _start_job(self, specs: list[RunSpec]) -> bool:
        if self.running:
            return False
        pairs = self.editor.model.pairs().copy()  # the runs' own snapshot
        problems = list(dict.fromkeys(p for spec in specs for p in check_run(pairs, spec)))
        if problems:
            self.message.show_message("Cannot run: " + "; ".join(problems), "error")
            return False
        self.message.dismiss()
        self._job_pairs = pairs
        job = Job(pairs, tuple((self.history.new_id(), spec) for spec in specs))
        self._job_ids = job.run_ids
        self._set_running(True)
        self.coordinator.start(job)
        return True

    @Slot()
    def cancel_run(self) -> None:
        if self.running:
            self.status.show_text("Cancelling…")
            self.coordinator.cancel()

    @Slot()
    def clear_runs(self) -> None:
        if self.running:
            return
        self.history.clear()
        self.runs.runs_model.reset()
        self.chart.clear()
        self._pairs_of.clear()
        self._note_change()

    # -- opening and saving ------------------------------------------------
    @Slot()
    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open a session or pairs", self.last_directory(),
            f"Sessions and pair lists (*{SUFFIX} *.csv *.tsv *.txt *.json *.py);;"
            f"gcdapp sessions (*{SUFFIX});;"
            "Pair lists (*.csv *.tsv *.txt *.json *.py);;All files (*)",
        )
        if path:
            self.open_path(path)

    def open_path(self, path: str | os.PathLike) -> bool:
        """Open a session (``*.gcdapp.json``, or any JSON object) or a pair
        list (anything else the parser reads). Problems are shown in the
        window; False when nothing was opened."""
        path = os.fspath(path)
        if self.running:
            self.message.show_message(
                f"Cannot open {path} while a run is in progress: cancel it or wait.", "error")
            return False
        if not os.path.exists(path):
            self.message.show_message(f"Cannot open {path}: there is no such file.", "error")
            return False
        if os.path.isdir(path):
            self.message.show_message(f"Cannot open {path}: it is a folder, not a file.", "error")
            return False
        if looks_like_session(path):
            return self.open_session(path)
        return self.open_pairs(path)

    def open_session(self, path: str | os.PathLike) -> bool:
        """Replace the pairs (undoably), the run settings and the runs with
        the session in ``path``. A bad file changes nothing; it is named in
        the message strip."""
        path = os.fspath(path)
        if self.running:
            self.message.show_message(
                f"Cannot open {path} while a run is in progress: cancel it or wait.", "error")
            return False
        try:
            session = read_session_file(path, max_bytes=self.max_session_bytes)
        except SessionError as e:
            self.message.show_message(str(e), "error")
            return False
        name = os.path.basename(path)
        self.message.dismiss()
        kept = self._keep_unsaved_runs()
        self._apply_session(session, undo_text=f"Open {name}", settings=True)
        self.session_path = os.path.abspath(path)
        self.setWindowModified(False)
        self._update_title()
        self._remember_file(path)
        self._show_kept(kept)
        self.status.show_text(f"Opened {name}: {describe(session)}")
        self.autosaver.schedule()
        return True

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
            self, "Save session", start, f"gcdapp sessions (*{SUFFIX});;All files (*)")
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
            self.message.show_message(f"Could not save {name}: {reason}", "error")
            return False
        self.session_path = path
        self.setWindowModified(False)
        self._update_title()
        self._remember_file(path)
        self.status.show_text(f"Saved {name}")
        self.autosaver.schedule()  # the autosave notes the file and that it is saved
        return True

    def session_snapshot(self, autosave: AutosaveMarker | None = None) -> Session:
        """The session as it is now. The pairs are copied and finished runs
        never change, so it can be encoded on another thread."""
        records = tuple(self.history.records)
        choices = self._run_choices()
        return Session(
            pairs=self.editor.model.pairs().copy(),
            spec=choices.spec,
            repeats=choices.repeats,
            runs=records,
            pair_sets={r.fingerprint: self._pairs_of[r.fingerprint] for r in records},
            saved_at=datetime.now(timezone.utc),
            autosave=autosave,
        )

    def _autosave_snapshot(self, marker: AutosaveMarker) -> Session:
        return self.session_snapshot(
            replace(marker, session_path=self.session_path, modified=self.isWindowModified()))

    def _keep_unsaved_runs(self) -> str | None:
        """Before the runs are replaced: if they were never saved, write the
        session aside (undo brings back pairs, not runs). Returns where, or
        None when nothing needed keeping or keeping failed (said in the
        message strip; the replacement the user asked for goes ahead)."""
        if not len(self.history) or not self.isWindowModified():
            return None
        try:
            return self.autosaver.keep_replaced(self.session_snapshot())
        except (OSError, ValueError) as e:
            self.message.show_message(f"The runs you had could not be kept: {e}", "warning")
            return None

    def _show_kept(self, kept: str | None) -> None:
        if kept is None:
            return
        self.message.show_message(
            f"The unsaved runs you had were kept in {kept}: open it to get them back.", "info")

    def _apply_session(self, session: Session, undo_text: str | None, settings: bool) -> None:
        """Show ``session``: its pairs (one undoable step unless ``undo_text``
        is None), its runs and, if asked, its run settings."""
        self._restoring = True
        try:
            if settings:
                self._apply_run_choices(RunChoices(session.spec, session.repeats))
            if undo_text is None:
                self.editor.model.set_pairs(session.pairs)
            else:
                self.editor.load_pairs(session.pairs, undo_text)
            self._set_runs(session.runs, session.pair_sets)
        finally:
            self._restoring = False
        self._show_idle_status()

    def _set_runs(self, records, pair_sets) -> None:
        """Replace the runs table and charts with finished ``records``."""
        self.history.clear()
        self.chart.clear()
        self.runs.runs_model.reset()
        self._pairs_of = {r.fingerprint: pair_sets[r.fingerprint] for r in records}
        for record in records:
            color = run_color(record.mode, self.history.count_of_mode(record.mode))
            self.runs.runs_model.append(record)
            self.chart.add_finished_run(record.run_id, record.label, color, record.result, None)
        for record in records:
            self.chart.walls.set_speedup(record.run_id, self.history.speedup(record))
        # The table's gcd column shows the last run of the pairs it holds.
        if records:
            current = session_fingerprint(self.editor.model.pairs())
            last = next((r for r in reversed(records) if r.fingerprint == current), None)
            if last is not None:
                self.editor.apply_batch(last.result.tasks)

    def last_directory(self) -> str:
        """Where file dialogs open: the last directory used, if it still exists."""
        return self.settings.last_dir()

    def _remember_file(self, path: str) -> None:
        self.settings.add_recent(path)
        self._fill_recent_menu()

    @Slot()
    def _fill_recent_menu(self) -> None:
        menu = self.recent_menu
        menu.clear()
        paths = self.settings.recent_files()
        for i, path in enumerate(paths, start=1):
            action = menu.addAction(f"&{i % 10} {os.path.basename(path)}")
            action.setData(path)
            action.setToolTip(path)
            action.setStatusTip(path)
        if not paths:
            empty = menu.addAction("No recent files")
            empty.setEnabled(False)
            empty.setToolTip("Files you open or save appear here")
        menu.addSeparator()
        menu.addAction(self.clear_recent_action)
        self.clear_recent_action.setEnabled(bool(paths))

    @Slot(QAction)
    def _on_recent_triggered(self, action: QAction) -> None:
        path = action.data()
        if isinstance(path, str) and path:
            self.open_recent(path)

    def open_recent(self, path: str) -> bool:
        """Open a recent file; one that no longer exists leaves the list."""
        if not os.path.isfile(path):
            self.settings.remove_recent(path)
            self._fill_recent_menu()
            self.message.show_message(
                f"{path} no longer exists; it was removed from the recent files.", "warning")
            return False
        return self.open_path(path)

    @Slot()
    def clear_recent_files(self) -> None:
        self.settings.clear_recent()
        self._fill_recent_menu()

    def open_pairs(self, path: str) -> bool:
        """Replace the pairs with those in ``path`` (undoable)."""
        parsed = parse_file(path)
        if parsed.fatal:
            self.message.show_message(f"Cannot open {path}: {parsed.fatal}", "error")
            return False
        if parsed.errors:
            shown = "; ".join(str(e) for e in parsed.errors[:5])
            more = parsed.n_errors - min(5, len(parsed.errors))
            self.message.show_message(
                f"{path}: {parsed.n_errors} bad line(s) skipped — {shown}"
                + (f"; … and {more} more" if more > 0 else ""),
                "warning",
            )
        else:
            self.message.dismiss()
        if not self.editor.load_pairs(parsed.pairs, f"Open {os.path.basename(path)}"):
            return False
        self._remember_file(path)
        return True

    @Slot()
    def show_about(self) -> None:
        QMessageBox.about(self, "About gcdapp", about_text())

    # -- reacting to the model -------------------------------------------
    @Slot()
    def _spec_changed(self) -> None:
        self.editor.set_kernel(get_kernel(self.panel.spec().kernel))
        self._note_change()

    @Slot()
    def _pairs_changed(self) -> None:
        if not self.running:
            self._show_idle_status()
        self._note_change()

    def _note_change(self) -> None:
        """The session changed: mark the title, autosave soon."""
        if self._restoring:
            return
        self.setWindowModified(True)
        self.autosaver.schedule()

    def _update_title(self) -> None:
        name = os.path.basename(self.session_path) if self.session_path else "Untitled"
        self.setWindowTitle(f"{name}[*] — gcdapp")
        self.setWindowFilePath(self.session_path or "")

    def _show_idle_status(self) -> None:
        n = len(self.editor.model.pairs())
        self.status.show_text(f"Ready · {n:,} pairs" if n else "Ready · paste or generate pairs")

    def _set_running(self, running: bool) -> None:
        self.editor.set_running(running)
        self.panel.set_running(running)
        self.run_action.setEnabled(not running)
        self.compare_action.setEnabled(not running)
        self.cancel_action.setEnabled(running)
        self.clear_runs_action.setEnabled(not running)

    @Slot(int)
    def _show_run(self, run_id: int) -> None:
        record = self.history.get(run_id)
        if record is None or self.running:
            return
        self.chart.show_run(run_id, record.result, self._pairs_of[record.fingerprint])

    # -- coordinator events (GUI thread) -----------------------------------
    @Slot(str)
    def _on_job_started(self, fingerprint: str) -> None:
        # Runs of the same pairs share one array (and so do their charts).
        self._fingerprint = fingerprint
        self._pairs_of.setdefault(fingerprint, self._job_pairs)

    @Slot(int, object)
    def _on_run_started(self, run_id: int, info: RunInfo) -> None:
        label = f"#{run_id} {info.mode}" + (f" ×{info.workers}" if info.mode != "serial" else "")
        color = run_color(info.mode, self.history.count_of_mode(info.mode))
        self._live[run_id] = (label, color, self._fingerprint)
        self.chart.begin_run(run_id, info, self._pairs_of[self._fingerprint], label, color)
        position = self._job_ids.index(run_id) + 1 if run_id in self._job_ids else 1
        prefix = f"{label} ({position}/{len(self._job_ids)}) · " if len(self._job_ids) > 1 else f"{label} · "
        self.status.start(info, prefix)

    @Slot(int, object)
    def _on_tasks_completed(self, run_id: int, batch: TaskBatch) -> None:
        self.editor.apply_batch(batch)
        self.chart.add_batch(run_id, batch)
        self.status.advance(batch.n_pairs)

    @Slot(int, object)
    def _on_run_finished(self, run_id: int, result: RunResult) -> None:
        label, _color, fingerprint = self._live.pop(run_id)
        record = RunRecord(run_id, label, fingerprint, result)
        self.runs.runs_model.append(record)
        self.chart.finish_run(run_id, result, self.history.speedup(record))
        if record.mode == "serial":  # a new baseline: refresh the other bars
            for other in self.history:
                if other.fingerprint == fingerprint and other.kernel == record.kernel:
                    self.chart.walls.set_speedup(other.run_id, self.history.speedup(other))
        info = result.info
        if result.status == "failed":
            self.message.show_message(f"{label} failed: {result.error}", "error")
        elif result.status == "cancelled":
            self.message.show_message(
                f"{label} cancelled: {result.n_done:,} of {info.n_pairs:,} pairs had completed "
                "and are kept.", "info")
        self._note_change()
        self.runFinished.emit(run_id)

    @Slot(bool)
    def _on_job_finished(self, all_completed: bool) -> None:
        self._set_running(False)
        last = self.history.records[-1] if len(self.history) else None
        if last is not None:
            self.status.finish(
                f"{last.label}: {last.result.status} in {last.result.wall_s:.3f} s · "
                f"{last.result.n_done:,} / {last.result.info.n_pairs:,} pairs"
            )
        self.jobFinished.emit(all_completed)

    @Slot(str)
    def _on_job_failed(self, message: str) -> None:
        self.message.show_message(f"Cannot run: {message}", "error")

    # -- settings and autosave ---------------------------------------------
    def _run_choices(self) -> RunChoices:
        """The panel's choices, keeping workers and start method even for
        modes that ignore them."""
        panel = self.panel
        spec = replace(panel.spec(), workers=panel.workers.value(),
                       start_method=panel.start_method.currentData())
        return RunChoices(spec, panel.repeat_count())

    def _apply_run_choices(self, choices: RunChoices) -> None:
        spec = choices.spec
        backend = BACKENDS.get(spec.mode)
        if backend is None or backend.unavailable_reason():
            spec = replace(spec, mode=self.panel.spec().mode)
        self.panel.set_spec(spec)
        self.panel.set_repeat_count(choices.repeats)

    def _restore_settings(self) -> None:
        self.settings.restore_window(self)
        choices = self.settings.run_choices()
        if choices is not None:
            self._apply_run_choices(choices)

    def _save_settings(self) -> None:
        self.settings.save_window(self)
        self.settings.save_run_choices(self._run_choices())
        self.settings.sync()

    def _restore_autosave(self) -> None:
        """After a clean exit, bring the last state back silently; after a
        crash, offer it in the banner."""
        state = self.autosaver.startup_state()
        if state.clean is not None:
            self._apply_session(state.clean, undo_text=None, settings=False)
            marker = state.clean.autosave
            if marker is not None:
                self.session_path = marker.session_path
                self._update_title()
                self.setWindowModified(marker.modified)
        if state.crashed is not None:
            self._crashed = state.crashed
            self.restore_banner.offer(state.crashed)
        if state.problem:
            self.message.show_message(state.problem, "warning")

    @Slot()
    def restore_crashed(self) -> bool:
        """Bring back the work offered by the restore banner (the pairs as
        one undoable step)."""
        session = self._crashed
        if session is None:
            return False
        if self.running:
            self.message.show_message("Cannot restore while a run is in progress.", "error")
            return False
        self.message.dismiss()
        kept = self._keep_unsaved_runs()
        self._apply_session(session, undo_text="Restore unsaved work", settings=True)
        self._show_kept(kept)
        marker = session.autosave
        self.session_path = marker.session_path if marker is not None else None
        self._update_title()
        self.setWindowModified(True)  # restored, not saved to its file yet
        self._crashed = None
        self.restore_banner.hide()
        self.autosaver.adopt_recovered()
        self.status.show_text(f"Restored {describe(session)}")
        return True

    @Slot()
    def discard_crashed(self) -> None:
        self._crashed = None
        self.restore_banner.hide()
        self.autosaver.discard_recovered()

    @Slot(str)
    def _on_autosave_failed(self, text: str) -> None:
        self.message.show_message(text, "warning")

    # -- drag and drop ---------------------------------------------------
    @staticmethod
    def _dropped_paths(mime: QMimeData | None) -> list[str]:
        if mime is None or not mime.hasUrls():
            return []
        return [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        self.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        """A dropped session or pair list opens (the first, if several)."""
        paths = self._dropped_paths(event.mimeData())
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        if self.open_path(paths[0]) and len(paths) > 1 and not self.message.message():
            self.message.show_message(
                f"Opened {os.path.basename(paths[0])} only: drop one file at a time.", "info")

    # -- closing ---------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        # Stop the run (terminating pool workers), then the coordinator thread.
        self.coordinator.shutdown(2000)
        self._finish_session()
        event.accept()

    @Slot()
    def _on_about_to_quit(self) -> None:
        self.coordinator.shutdown(2000)
        self._finish_session()

    def _finish_session(self) -> None:
        """Save preferences, and the last autosave marked as a clean exit."""
        if self._closed:
            return
        self._closed = True
        self._save_settings()
        self.autosaver.finish(AutosaveMarker(clean_exit=True, pid=os.getpid()))


def about_text() -> str:
    import platform
    import sys

    import PySide6
    import pyqtgraph
    from PySide6.QtCore import qVersion

    from gcdapp.core.system import gil_enabled, usable_cores

    return (
        f"<h3>gcdapp {__version__}</h3>"
        "<p>A lab for seeing what the GIL, threads and processes do to CPU-bound Python.</p>"
        f"<p>Python {platform.python_version()} ({platform.python_implementation()}, "
        f"{sys.version.split('(')[1].split(')')[0] if '(' in sys.version else ''})<br>"
        f"Qt {qVersion()} · PySide6 {PySide6.__version__} · pyqtgraph {pyqtgraph.__version__}<br>"
        f"GIL {'enabled' if gil_enabled() else 'disabled'} in this interpreter<br>"
        f"{usable_cores()} usable cores</p>"
    )
