"""The main window: composes the pair editor, run controls, timing chart and
runs table, and routes the coordinator's events between them."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from gcdapp import __version__
from gcdapp.core.engine import check_run
from gcdapp.core.events import RunInfo, RunResult, RunSpec, TaskBatch
from gcdapp.core.history import RunHistory, RunRecord
from gcdapp.core.kernels import get_kernel
from gcdapp.core.pairs import pairs_fingerprint
from gcdapp.core.parsing import parse_file
from gcdapp.core.presets import get_preset
from gcdapp.ui.coordinator import Job, RunCoordinator
from gcdapp.ui.mode_panel import ModePanel
from gcdapp.ui.pair_editor import PairEditor
from gcdapp.ui.palette import run_color
from gcdapp.ui.run_message import RunMessage
from gcdapp.ui.run_status import RunStatus
from gcdapp.ui.runs_table import RunsTable
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
        self.setWindowTitle("gcdapp")
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

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 0)
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
        # Last, once everything else exists: it starts a thread.
        self.coordinator = RunCoordinator(self)
        self._connect()
        self.editor.set_kernel(get_kernel(self.panel.spec().kernel))
        self.editor.model.set_pairs(get_preset("seed").array())  # a useful first screen
        self._show_idle_status()
        self.resize(1280, 800)

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
        self.open_action = self._action("&Open pairs…", "Read pairs from a file",
                                        self.open_pairs_dialog, QKeySequence.StandardKey.Open)
        self.quit_action = self._action("&Quit", "Close gcdapp", self.close,
                                        QKeySequence.StandardKey.Quit)
        self.about_action = self._action("&About gcdapp", "Versions and this machine",
                                         self.show_about)

    def _make_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.open_action)
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
        c = self.coordinator
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
        fingerprint = pairs_fingerprint(pairs)
        pairs = self._pairs_of.setdefault(fingerprint, pairs)
        job = Job(pairs, tuple((self.history.new_id(), spec) for spec in specs))
        self._job_ids = job.run_ids
        self._fingerprint = fingerprint
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

    @Slot()
    def open_pairs_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open pairs", "", "Pair lists (*.csv *.tsv *.txt *.json *.py);;All files (*)"
        )
        if path:
            self.open_pairs(path)

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
        return self.editor.load_pairs(parsed.pairs, f"Open {path}")

    @Slot()
    def show_about(self) -> None:
        QMessageBox.about(self, "About gcdapp", about_text())

    # -- reacting to the model -------------------------------------------
    @Slot()
    def _spec_changed(self) -> None:
        self.editor.set_kernel(get_kernel(self.panel.spec().kernel))

    @Slot()
    def _pairs_changed(self) -> None:
        if not self.running:
            self._show_idle_status()

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

    # -- closing ---------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        # Stop the run (terminating pool workers), then the coordinator thread.
        self.coordinator.shutdown(2000)
        event.accept()


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
