"""The main window: builds the workspace (the document it shows), the widgets
that view it, the docks, actions and menus, and wires them to the run
controller (runs and their live views) and the document controller (files,
autosave, crash restore, preferences and title)."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gcdapp import __version__
from gcdapp.core.kernels import get_kernel
from gcdapp.core.presets import get_preset
from gcdapp.core.workspace import Workspace
from gcdapp.ui.document.controller import DocumentController
from gcdapp.ui.document.export_menu import install_export_menu
from gcdapp.ui.running.settings_panel import ModePanel
from gcdapp.ui.pairs.editor import PairEditor
from gcdapp.ui.document.recent_files import RecentFilesMenu
from gcdapp.ui.document.restore_banner import RestoreBanner
from gcdapp.ui.running.choices import PanelSync
from gcdapp.ui.running.cluster_status import ClusterStatus, close_local_clusters
from gcdapp.ui.running.controller import RunController
from gcdapp.ui.running.findings_panel import FindingsPanel
from gcdapp.ui.running.message import RunMessage
from gcdapp.ui.running.status import RunStatus
from gcdapp.ui.running.runs_table import RunsTable
from gcdapp.ui.document.preferences import AppSettings
from gcdapp.ui.charts.anatomy import TaskAnatomyView
from gcdapp.ui.charts.leverage import LeverageChart
from gcdapp.ui.charts.sweep import SweepChart
from gcdapp.ui.charts.timing import TimingChart
from gcdapp.ui.running.experiments import ExperimentController


class MainWindow(QMainWindow):
    """gcdapp's window. Builds with no arguments."""

    #: A run ended (its id); emitted after the runs table and charts have it.
    runFinished = Signal(int)
    #: Every run of a Run press ended (True when all completed).
    jobFinished = Signal(bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("MainWindow")
        self.setDockNestingEnabled(True)
        self.settings = AppSettings()
        #: The document this window shows: pairs, run settings, runs, file.
        self.workspace = workspace = Workspace()

        self.editor = PairEditor(workspace=workspace)
        self.panel = ModePanel()
        self.panel_sync = PanelSync(self.panel, workspace)
        self.chart = TimingChart()
        self.sweep_chart = SweepChart()
        self.leverage_chart = LeverageChart()
        self.runs = RunsTable(workspace)
        self.anatomy = TaskAnatomyView()
        self.findings = FindingsPanel(workspace, self.runs)
        self.message = RunMessage()
        self.status = RunStatus()
        self.cluster_status = ClusterStatus()
        self.restore_banner = RestoreBanner()
        self.recent_menu = RecentFilesMenu(self.settings, self)
        self.clear_recent_action = self.recent_menu.clear_action
        self._lay_out()

        self.runner = RunController(workspace, self.editor, self.chart, self.message,
                                    self.status, parent=self,
                                    interpreters=self.panel.interpreters)
        self.experiments = ExperimentController(
            self.runner, workspace, self.editor, self.findings, self.sweep_chart,
            self.leverage_chart, dialog_parent=self, parent=self)
        # (the runner, not the window: a window -> controller -> window cycle
        # would wait for the garbage collector)
        self.documents = DocumentController(
            self, workspace, self.settings, self.editor,
            is_running=lambda runner=self.runner: runner.running)
        self._make_actions()
        self._make_menus()
        self.export_menu = install_export_menu(self, directory=self.documents.last_directory)
        self._connect()
        self._sync_kernel()
        workspace.set_pairs(get_preset("seed").array())  # a useful first screen
        self.runner.show_idle_status()
        self.resize(1280, 800)
        self.setAcceptDrops(True)
        self.documents.restore_last_session()  # preferences, then the autosave
        app = QApplication.instance()
        if app is not None:  # quitting without closing the window still saves
            app.aboutToQuit.connect(self._shut_down)

    @Slot()
    def find_pythons(self) -> None:
        """Look for other interpreters in the background (the Python list
        says "finding Pythons…" until they answer)."""
        choice = self.panel.python_choice
        if choice is not None and not choice.is_finding():
            choice.start_discovery()

    # -- construction ----------------------------------------------------
    def _lay_out(self) -> None:
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.addWidget(self.restore_banner)
        layout.addWidget(self.message)
        self.chart_tabs = QTabWidget()
        self.chart_tabs.setObjectName("ChartTabs")
        self.chart_tabs.setDocumentMode(True)
        self.chart_tabs.addTab(self.chart, "Runs")
        self.chart_tabs.addTab(self.sweep_chart, "Worker sweep")
        self.chart_tabs.addTab(self.leverage_chart, "Leverage map")
        self.chart_tabs.setTabToolTip(0, "The worker timeline, completion curves and wall times")
        self.chart_tabs.setTabToolTip(1, "Speedup against workers, with the Amdahl and USL fits")
        self.chart_tabs.setTabToolTip(2, "Where processes start to pay, by digits and chunk size")
        layout.addWidget(self.chart_tabs, 1)
        self.setCentralWidget(central)
        self.panel_dock = self._dock("Run settings", "RunSettingsDock", self.panel,
                                     Qt.DockWidgetArea.LeftDockWidgetArea)
        self.pairs_dock = self._dock("Pairs", "PairsDock", self.editor,
                                     Qt.DockWidgetArea.LeftDockWidgetArea)
        self.runs_dock = self._dock("Runs", "RunsDock", self.runs,
                                    Qt.DockWidgetArea.BottomDockWidgetArea)
        self.findings_dock = self._dock("Findings", "FindingsDock", self.findings,
                                        Qt.DockWidgetArea.BottomDockWidgetArea)
        self.anatomy_dock = self._dock("Task anatomy", "TaskAnatomyDock", self.anatomy,
                                       Qt.DockWidgetArea.BottomDockWidgetArea)
        self.splitDockWidget(self.panel_dock, self.pairs_dock, Qt.Orientation.Vertical)
        self.splitDockWidget(self.runs_dock, self.findings_dock, Qt.Orientation.Horizontal)
        self.splitDockWidget(self.findings_dock, self.anatomy_dock, Qt.Orientation.Horizontal)
        # At 1280×800 every pair column shows whole, and so do the anatomy's nine steps.
        self.resizeDocks([self.panel_dock], [450], Qt.Orientation.Horizontal)
        self.resizeDocks([self.runs_dock], [215], Qt.Orientation.Vertical)
        self.resizeDocks([self.runs_dock, self.findings_dock, self.anatomy_dock], [420, 400, 460],
                         Qt.Orientation.Horizontal)
        self.statusBar().addWidget(self.status, 1)
        self.statusBar().addPermanentWidget(self.cluster_status)

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
        runner, documents = self.runner, self.documents
        self.run_action = self._action("&Run", "Run the pairs with the chosen settings",
                                       runner.start_run, "F5")
        self.cancel_action = self._action("&Cancel", "Stop the run; finished results are kept",
                                          runner.cancel_run, Qt.Key.Key_Escape)
        self.cancel_action.setEnabled(False)
        self.compare_action = self._action(
            "Compare &modes", "Run serial, threads and processes in turn on the same pairs",
            runner.compare_modes, "Ctrl+F5")
        experiments = self.experiments
        self.sweep_action = self._action(
            "Sweep &workers…", "Run one mode at several worker counts against serial, "
            "and fit Amdahl's law and the USL", experiments.sweep_dialog, "Ctrl+Shift+W")
        self.leverage_action = self._action(
            "&Leverage map…", "Measure where processes start to pay, over digits, chunk "
            "size and kernel", experiments.leverage_dialog, "Ctrl+Shift+L")
        self.clear_runs_action = self._action("Clear runs", "Forget every finished run and chart",
                                              runner.clear_runs)
        self.open_action = self._action(
            "&Open…", "Open a session (.gcdapp.json) or a list of pairs (CSV, text, JSON, Python)",
            documents.open_dialog, QKeySequence.StandardKey.Open)
        self.save_action = self._action(
            "&Save session", "Save the pairs, run settings and every run to the session file",
            documents.save_session_file, QKeySequence.StandardKey.Save)
        self.save_as_action = self._action(
            "Save session &as…", "Save the pairs, run settings and every run to a new file",
            documents.save_session_as_dialog, "Ctrl+Shift+S")
        self.quit_action = self._action("&Quit", "Close gcdapp", self.close,
                                        "Ctrl+Q")  # StandardKey.Quit is unbound on some platforms
        self.about_action = self._action("&About gcdapp", "Versions and this machine",
                                         self.show_about)

    def _make_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.file_menu = file_menu
        file_menu.addAction(self.open_action)
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
        run.addSection("Experiments")
        run.addAction(self.sweep_action)
        run.addAction(self.leverage_action)
        run.addSeparator()
        run.addAction(self.clear_runs_action)
        view = bar.addMenu("&View")
        for dock in (self.panel_dock, self.pairs_dock, self.runs_dock, self.findings_dock,
                     self.anatomy_dock):
            view.addAction(dock.toggleViewAction())
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.about_action)
        for menu in (file_menu, edit, run, view, help_menu):
            menu.setToolTipsVisible(True)

    def _connect(self) -> None:
        runner, documents = self.runner, self.documents
        self.panel.runRequested.connect(runner.start_run)
        self.panel.compareRequested.connect(runner.compare_modes)
        self.panel.cancelRequested.connect(runner.cancel_run)
        self.panel.messageRequested.connect(self.message.show_message)
        self.panel.set_experiment_actions([self.sweep_action, self.leverage_action])
        self.experiments.experimentStarted.connect(self._show_experiment_tab)
        self.experiments.cellRunsShown.connect(self._show_runs_chart)
        self.chart_tabs.currentChanged.connect(self._explain_tab)
        runner.runningChanged.connect(self._show_runs_tab)
        self.workspace.events.settings_changed.connect(self._sync_kernel)
        self.runs.runSelected.connect(runner.show_run)
        self.runs.runsSelected.connect(runner.show_runs)
        self.chart.taskChosen.connect(self._show_task_anatomy)
        self.restore_banner.restoreRequested.connect(documents.restore_crashed)
        self.restore_banner.discardRequested.connect(documents.discard_crashed)
        runner.runningChanged.connect(self.panel.set_running)
        runner.runningChanged.connect(self._enable_run_actions)
        runner.runFinished.connect(self.runFinished)
        runner.coordinator.runStarted.connect(self.cluster_status.on_run_started)
        runner.coordinator.runFinished.connect(self.cluster_status.on_run_finished)
        runner.jobFinished.connect(self._explain_job)
        runner.jobFinished.connect(self.jobFinished)
        # What the document controller has to say, and where it goes.
        documents.notice.connect(self.message.show_message)
        documents.noticeCleared.connect(self.message.dismiss)
        documents.statusText.connect(self.status.show_text)
        documents.crashOffered.connect(self.restore_banner.offer)
        documents.crashSettled.connect(self.restore_banner.hide)
        documents.fileUsed.connect(self.recent_menu.remember)
        documents.fileGone.connect(self.recent_menu.forget)
        documents.sessionApplied.connect(runner.show_idle_status)
        self.recent_menu.openRequested.connect(documents.open_recent)

    # -- keeping the widgets in step ---------------------------------------
    def _sync_kernel(self, *_settings) -> None:
        """The editor checks the pairs against the chosen kernel."""
        self.editor.set_kernel(get_kernel(self.workspace.settings.spec.kernel))

    @Slot(bool)
    def _enable_run_actions(self, running: bool) -> None:
        self.run_action.setEnabled(not running)
        self.compare_action.setEnabled(not running)
        self.cancel_action.setEnabled(running)
        self.sweep_action.setEnabled(not running)
        self.leverage_action.setEnabled(not running)
        self.clear_runs_action.setEnabled(not running)

    @Slot(str)
    @Slot()
    def _show_runs_chart(self) -> None:
        self.chart_tabs.setCurrentWidget(self.chart)

    def _show_experiment_tab(self, kind: str) -> None:
        self.chart_tabs.setCurrentWidget(self.sweep_chart if kind == "sweep"
                                         else self.leverage_chart)

    @Slot(int)
    def _explain_tab(self, _index: int) -> None:
        """The sweep's or the map's tab came to the front: the findings explain it
        (not while it runs: it is explained when it ends)."""
        shown = self.chart_tabs.currentWidget()
        kind = {self.sweep_chart: "sweep", self.leverage_chart: "leverage"}.get(shown)
        if kind is not None and self.experiments.running is None:
            self.experiments.show_findings(kind)

    @Slot(bool)
    def _show_runs_tab(self, running: bool) -> None:
        """Runs (not an experiment) started: their charts come to the front."""
        if running and self.runner.experiment_kind is None:
            self.chart_tabs.setCurrentWidget(self.chart)

    @Slot(int, int)
    def _show_task_anatomy(self, run_id: int, task: int) -> None:
        """A task was clicked in a timeline: its nine steps, if its run has finished."""
        record = self.workspace.history.get(run_id)
        if record is not None and 0 <= task < len(record.result.tasks):
            self.anatomy.show_task(run_id, record.label, record.result, task)
            self.anatomy_dock.raise_()

    @Slot(bool)
    def _explain_job(self, _all_completed: bool) -> None:
        """A job ended: the findings explain its runs (compared, when several)."""
        self.findings.show_runs(self.runner.job_run_ids)

    @Slot()
    def show_about(self) -> None:
        QMessageBox.about(self, "About gcdapp", about_text())

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
        self.documents.open_dropped(paths)

    # -- closing ---------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        self._shut_down()
        event.accept()

    @Slot()
    def _shut_down(self) -> None:
        # Finish (or cancel) an export in flight; stop the run (terminating pool
        # workers), then the coordinator thread; then save the preferences and
        # the autosave marked as a clean exit.
        self.export_menu.shutdown()
        self.panel.backport_offer.shutdown()
        self.editor.close_parse()
        self.documents.close_parse()
        self.runner.shutdown(2000)
        close_local_clusters()  # no Dask worker outlives the window
        self.experiments.shutdown()
        self.documents.finish_session()


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
