"""File > Export: results, runs and charts to CSV, JSON, PNG and SVG.

The main window gets the submenu with one call, after its menus exist::

    self.export_menu = install_export_menu(self)

The menu reads what it exports at the moment it exports: the pairs, runs and
their pairs from the window's workspace (``window.workspace``), the results
from ``editor.model``, the selected run from ``runs`` and the charts from ``chart``;
asks for a file with ``QFileDialog.getSaveFileName`` and remembers nothing
itself: pass ``directory`` (a path, or a callable returning one) to choose
where the dialog opens, and connect :attr:`ExportMenu.exported` to learn
where a file went. A failure is shown in the window's message strip
(``window.message``), never as a traceback or a blocking dialog.

Off the GUI thread: an export takes a snapshot of what it writes on the GUI
thread (copies of the editor's result columns, a few milliseconds for a
million rows; a chart is rendered there too, as Qt requires) and hands the
file, in pieces, to an :class:`~gcdapp.ui.document.export_worker.ExportWorker`
thread. The window keeps running meanwhile. An export still running after
:data:`PROGRESS_DELAY_MS` shows a progress dialog with Cancel; a cancelled
export leaves no file, and any old file as it was. One export runs at a
time: another is refused with a message saying so. Closing the window
(:meth:`ExportMenu.shutdown`) lets the export in flight finish for up to
:data:`CLOSE_GRACE_S` seconds, then cancels it; no thread is left behind.
"""

from __future__ import annotations

import logging
import os
import weakref
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QStandardPaths, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QProgressDialog

from gcdapp.core.export import (
    ExportError,
    results_csv_chunks,
    run_results_csv_chunks,
    runs_csv_chunks,
    runs_json_chunks,
)
from gcdapp.core.experiment_csv import leverage_csv, sweep_csv
from gcdapp.core.export_chunks import bytes_chunks
from gcdapp.core.pyperf_io import PyperfError, leverage_groups, pyperf_text, sweep_groups
from gcdapp.ui.charts.export import CHART_FORMATS, plot_bytes
from gcdapp.ui.document.export_worker import BROKEN, CANCELLED, SAVED, ExportWorker

__all__ = ["CHARTS", "ExportMenu", "install_export_menu"]

logger = logging.getLogger(__name__)

#: chart key -> (attribute path from the window, menu name, default file stem)
CHARTS = {
    "timeline": ("chart.timeline", "Timeline", "gcdapp-timeline"),
    "completion": ("chart.completion", "Completion chart", "gcdapp-completion"),
    "walls": ("chart.walls", "Wall times", "gcdapp-wall-times"),
    "sweep": ("sweep_chart", "Worker sweep chart", "gcdapp-sweep"),
    "leverage": ("leverage_chart", "Leverage map chart", "gcdapp-leverage-map"),
}
_CHART_TIPS = {
    "timeline": "the worker timeline of the run it shows",
    "completion": "the completion curves of every run shown",
    "walls": "the wall-time bars of every run shown",
    "sweep": "the last worker sweep's chart",
    "leverage": "the last leverage map's heat map",
}
#: experiment data: (kind, format) -> (menu text, default file stem, suffix)
EXPERIMENT_DATA = {
    ("sweep", "csv"): ("Worker sweep as CSV…", "gcdapp-sweep", ".csv"),
    ("sweep", "pyperf"): ("Worker sweep as pyperf JSON…", "gcdapp-sweep-pyperf", ".json"),
    ("leverage", "csv"): ("Leverage map as CSV…", "gcdapp-leverage-map", ".csv"),
    ("leverage", "pyperf"): ("Leverage map as pyperf JSON…", "gcdapp-leverage-pyperf",
                             ".json"),
}
_FILTERS = {
    ".csv": "CSV files (*.csv);;All files (*)",
    ".json": "JSON files (*.json);;All files (*)",
    ".png": "PNG images (*.png);;All files (*)",
    ".svg": "SVG images (*.svg);;All files (*)",
}

Directory = str | os.PathLike | Callable[[], str | os.PathLike | None] | None

#: An export still running after this long shows its progress, with Cancel.
PROGRESS_DELAY_MS = 300
#: Closing the window lets an export in flight finish for this long, then cancels it.
CLOSE_GRACE_S = 5.0
#: Steps of the progress bar.
_STEPS = 1000


def _file_menu(window: QMainWindow) -> QMenu:
    """The window's File menu (made, first in the bar, if it has none)."""
    bar = window.menuBar()
    for action in bar.actions():
        menu = action.menu()
        if menu is not None and action.text().replace("&", "").strip().lower() == "file":
            return menu
    menu = QMenu("&File", bar)
    first = bar.actions()[0] if bar.actions() else None
    if first is None:
        bar.addMenu(menu)
    else:
        bar.insertMenu(first, menu)
    return menu


def install_export_menu(window: QMainWindow, directory: Directory = None) -> ExportMenu:
    """Add File > Export to ``window`` (a :class:`gcdapp.ui.MainWindow`) and return it.

    The submenu goes above the separator before Quit (at the end when there is
    no Quit). Installing twice returns the first menu, with ``directory``
    updated when one is given.
    """
    file_menu = _file_menu(window)
    for action in file_menu.actions():
        if isinstance(action.menu(), ExportMenu):
            if directory is not None:
                action.menu()._directory = directory
            return action.menu()
    menu = ExportMenu(window, directory, file_menu)
    actions = file_menu.actions()
    quit_action = getattr(window, "quit_action", None)
    if quit_action in actions:
        i = actions.index(quit_action)
        if i > 0 and actions[i - 1].isSeparator():
            file_menu.insertMenu(actions[i - 1], menu)
        else:
            file_menu.insertMenu(quit_action, menu)
            file_menu.insertSeparator(quit_action)
    else:
        file_menu.addMenu(menu)
    file_menu.setToolTipsVisible(True)
    file_menu.aboutToShow.connect(menu.refresh)
    return menu


class ExportMenu(QMenu):
    """The File > Export submenu of a :class:`gcdapp.ui.MainWindow`.

    Each ``export_*`` method takes an optional ``path``; without one it asks
    with a save dialog. They return the path being written, or None when the
    dialog was cancelled, when there was nothing to export, when another
    export is running or when the export could not start (the reason is then
    shown in ``window.message``). The file is written in the background: its
    outcome follows in ``window.message``, :attr:`exported` and
    :attr:`finished`; :meth:`wait` blocks until it is known.
    """

    #: A file was written (its path).
    exported = Signal(str)
    #: An export ended: ``"saved"``, ``"failed"`` or ``"cancelled"``, and its path.
    finished = Signal(str, str)
    #: The export in flight: items written, items in all (a few times a second).
    progressed = Signal(int, int)

    def __init__(self, window: QMainWindow, directory: Directory = None, parent=None):
        super().__init__("&Export", parent)
        self.setObjectName("ExportMenu")
        self.setToolTipsVisible(True)
        # Weakly: a window <-> menu cycle would be left to the garbage collector.
        self._window_ref = weakref.ref(window)
        self._directory = directory

        self.results_csv_action = self._add(
            "Results as CSV…", self._results_triggered,
            "Save every pair with its gcd, task time and worker (empty where not computed)",
            "No pairs to export",
        )
        self.run_results_csv_action = self._add(
            "Selected run's results as CSV…", self._run_results_triggered,
            "Save the pairs of the run selected in Runs with its gcd, task time and worker",
            "Select a finished run in Runs first",
        )
        self.addSeparator()
        self.runs_csv_action = self._add(
            "Runs as CSV…", self._runs_csv_triggered,
            "Save one row per finished run: settings, times, speedup over serial and errors",
            "No finished runs to export",
        )
        self.runs_json_action = self._add(
            "Runs as JSON…", self._runs_json_triggered,
            "Save every finished run as JSON: settings, times, speedup over serial and errors",
            "No finished runs to export",
        )
        self.addSeparator()
        self.experiment_actions: dict[tuple[str, str], QAction] = {}
        for (kind, fmt), (text, _stem, _suffix) in EXPERIMENT_DATA.items():
            what = "worker sweep" if kind == "sweep" else "leverage map"
            action = self._add(
                text, self._experiment_triggered,
                f"Save the last {what} "
                + ((f"as CSV, one row per {'point' if kind == 'sweep' else 'cell'}")
                   if fmt == "csv" else
                   "as pyperf JSON (python -m pyperf stats and compare_to read it)"),
                f"No {what} yet: Run ▸ {'Sweep workers' if kind == 'sweep' else 'Leverage map'}…",
            )
            action.setData((kind, fmt))
            self.experiment_actions[(kind, fmt)] = action
        self.addSeparator()
        self.chart_actions: dict[tuple[str, str], QAction] = {}
        for key, (_attr, title, _stem) in CHARTS.items():
            for suffix, kind in ((".png", "PNG"), (".svg", "SVG")):
                action = self._add(
                    f"{title} as {kind}…", self._chart_triggered,
                    f"Save {_CHART_TIPS[key]} as a{'n' if kind == 'SVG' else ''} {kind} "
                    + ("image" if kind == "PNG" else "vector drawing"),
                    f"Nothing in the {title.lower()} yet: "
                    + ("run the pairs first" if key in ("timeline", "completion", "walls")
                       else "run the experiment first"),
                )
                action.setData((key, suffix))
                self.chart_actions[(key, suffix)] = action

        self._worker = ExportWorker(self)
        self._worker.progressed.connect(self._on_progress)
        self._worker.finished.connect(self._on_finished)
        self._job: tuple[str, str] | None = None  # (what, summary) of the export in flight
        self._progress: QProgressDialog | None = None
        self._progress_value = (0, 0)
        self._progress_timer = QTimer(self)
        self._progress_timer.setSingleShot(True)
        self._progress_timer.setInterval(PROGRESS_DELAY_MS)
        self._progress_timer.timeout.connect(self._show_progress)

        self.aboutToShow.connect(self.refresh)
        self._connect_window()
        self.refresh()

    # -- construction ------------------------------------------------------

    def _add(self, text: str, slot, tip: str, why_disabled: str) -> QAction:
        action = QAction(text, self)
        action.setProperty("enabledTip", tip)
        action.setProperty("disabledTip", why_disabled)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    @property
    def _window(self):
        return self._window_ref()

    @property
    def _workspace(self):
        return self._window.workspace

    def _connect_window(self) -> None:
        """Refresh the actions whenever what they would export changes.

        The window may still be updating when a signal arrives (``clear_runs``
        resets the runs table before it clears the charts), so a change also
        schedules a second refresh for when control returns to the event loop.
        """
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        self._later.setInterval(0)
        self._later.timeout.connect(self.refresh)
        window = self._window
        for signal in (window.runFinished, window.jobFinished, window.runs.runSelected):
            signal.connect(self._changed)
        events = window.workspace.events
        events.pairs_changed.connect(self._changed)
        events.runs_changed.connect(self._changed)
        # (a running experiment changes ~once a second: only its actions follow)
        events.experiments_changed.connect(self._experiments_changed)

    def _experiments_changed(self, _kind: str) -> None:
        if self.busy:
            return
        for (kind, fmt), action in self.experiment_actions.items():
            self._set_enabled(action, self._has_experiment(kind, fmt))
        for (key, _suffix), action in self.chart_actions.items():
            if key in ("sweep", "leverage"):
                self._set_enabled(action, self._chart_has_content(key))

    def _set_enabled(self, action: QAction, enabled: bool) -> None:
        if action.isEnabled() != enabled:
            action.setEnabled(enabled)
            tip = action.property("enabledTip" if enabled else "disabledTip")
            action.setToolTip(tip)
            action.setStatusTip(tip)

    @Slot()
    def _changed(self, *_change) -> None:
        self.refresh()
        self._later.start()

    # -- what there is to export -------------------------------------------

    def _selected_record(self):
        workspace = self._workspace
        run_id = self._window.runs.selected_run_id()
        record = workspace.history.get(run_id) if run_id is not None else None
        if record is None or record.fingerprint not in workspace.pairs_of:
            return None
        return record

    def _chart(self, key: str):
        target = self._window
        for name in CHARTS[key][0].split("."):
            target = getattr(target, name)
        return target

    def _experiment(self, kind: str):
        workspace = self._workspace
        return workspace.sweep if kind == "sweep" else workspace.leverage

    def _has_experiment(self, kind: str, fmt: str) -> bool:
        result = self._experiment(kind)
        if result is None:
            return False
        if kind == "sweep":
            return bool(result.measurements)
        return bool(result.measured) if fmt == "pyperf" else bool(result.cells)

    def _chart_has_content(self, key: str) -> bool:
        if key == "sweep":  # (from the data: the chart redraws a little later)
            sweep = self._workspace.sweep
            return sweep is not None and any(p.speedup is not None for p in sweep.points)
        if key == "leverage":
            leverage = self._workspace.leverage
            return leverage is not None and bool(leverage.cells)
        chart = self._chart(key)
        if key == "timeline":
            return chart.task_count() > 0
        if key == "completion":
            return chart.curve_count() > 0
        return chart.bar_count() > 0

    @Slot()
    def refresh(self) -> None:
        """Enable the actions that have something to export; say why the others do not.
        While an export runs, none is enabled."""
        workspace = self._workspace
        if self.busy:
            tip = self._busy_text()
            for action in self.actions():
                if not action.isSeparator():
                    action.setEnabled(False)
                    action.setToolTip(tip)
                    action.setStatusTip(tip)
            return
        states = [
            (self.results_csv_action, len(workspace) > 0),
            (self.run_results_csv_action, self._selected_record() is not None),
            (self.runs_csv_action, len(workspace.history) > 0),
            (self.runs_json_action, len(workspace.history) > 0),
        ]
        states += [(action, self._has_experiment(kind, fmt))
                   for (kind, fmt), action in self.experiment_actions.items()]
        states += [
            (action, self._chart_has_content(key))
            for (key, _suffix), action in self.chart_actions.items()
        ]
        for action, enabled in states:
            action.setEnabled(enabled)
            tip = action.property("enabledTip" if enabled else "disabledTip")
            action.setToolTip(tip)
            action.setStatusTip(tip)

    # -- triggers (menu) -----------------------------------------------------

    @Slot()
    def _results_triggered(self) -> None:
        self.export_results_csv()

    @Slot()
    def _run_results_triggered(self) -> None:
        self.export_run_results_csv()

    @Slot()
    def _runs_csv_triggered(self) -> None:
        self.export_runs_csv()

    @Slot()
    def _runs_json_triggered(self) -> None:
        self.export_runs_json()

    @Slot()
    def _experiment_triggered(self) -> None:
        action = self.sender()
        if isinstance(action, QAction) and action.data():
            kind, fmt = action.data()
            self.export_experiment(kind, fmt)

    @Slot()
    def _chart_triggered(self) -> None:
        action = self.sender()
        if isinstance(action, QAction) and action.data():
            key, suffix = action.data()
            self.export_chart(key, suffix)

    # -- exports -------------------------------------------------------------

    def export_results_csv(self, path: str | os.PathLike | None = None) -> Path | None:
        """The pairs of the editor with what the last run computed for them."""
        model = self._window.editor.model
        if len(self._workspace) == 0:
            return self._nothing("There are no pairs to export.")
        if self.busy:
            return self._refuse()
        path = path or self._ask("Export results as CSV", "gcdapp-results", ".csv")
        if not path:
            return None

        def snapshot():
            # Copies: the editor's columns change in place when a run starts.
            pairs = np.array(model.pairs())
            gcd, done = (np.array(column) for column in model.results())
            time_s, worker = (np.array(column)
                              for column in _model_time_and_worker(model, len(pairs)))
            chunks = results_csv_chunks(pairs, gcd, done, time_s, worker, tuple(model.lanes()))
            return chunks, f"{chunks.total:,} results"

        return self._start(path, "the results", snapshot)

    def export_run_results_csv(
        self, run_id: int | None = None, path: str | os.PathLike | None = None
    ) -> Path | None:
        """The results of a stored run (by default the one selected in Runs)."""
        workspace = self._workspace
        if run_id is None:
            record = self._selected_record()
        else:
            record = workspace.history.get(run_id)
            if record is not None and record.fingerprint not in workspace.pairs_of:
                record = None
        if record is None:
            return self._nothing("Select a finished run in Runs to export its results.")
        if self.busy:
            return self._refuse()
        path = path or self._ask(
            f"Export the results of run #{record.run_id} as CSV",
            f"gcdapp-run-{record.run_id}-results", ".csv",
        )
        if not path:
            return None

        def snapshot():
            # A stored run and its pairs never change: no copy needed.
            chunks = run_results_csv_chunks(record.result, workspace.pairs_of[record.fingerprint])
            return chunks, f"{chunks.total:,} results of {record.label}"

        return self._start(path, f"the results of {record.label}", snapshot)

    def export_runs_csv(self, path: str | os.PathLike | None = None) -> Path | None:
        """Every finished run, one row each."""
        return self._export_runs(path, ".csv", runs_csv_chunks)

    def export_runs_json(self, path: str | os.PathLike | None = None) -> Path | None:
        """Every finished run, as a JSON document."""
        return self._export_runs(path, ".json", runs_json_chunks)

    def _export_runs(self, path, suffix: str, chunks_of) -> Path | None:
        history = self._workspace.history
        if len(history) == 0:
            return self._nothing("There are no finished runs to export.")
        if self.busy:
            return self._refuse()
        kind = suffix.lstrip(".").upper()
        path = path or self._ask(f"Export runs as {kind}", "gcdapp-runs", suffix)
        if not path:
            return None

        def snapshot():
            chunks = chunks_of(history)  # takes the rows now
            n = chunks.total
            return chunks, f"{n} run{'s' if n != 1 else ''}"

        return self._start(path, "the runs", snapshot)

    def export_experiment(self, kind: str, fmt: str,
                          path: str | os.PathLike | None = None) -> Path | None:
        """The last sweep or map (``kind``) as ``fmt``: ``"csv"`` (a row per
        point or cell) or ``"pyperf"`` (pyperf JSON, written by pyperf)."""
        text, stem, suffix = EXPERIMENT_DATA[(kind, fmt)]
        what = "the worker sweep" if kind == "sweep" else "the leverage map"
        if not self._has_experiment(kind, fmt):
            return self._nothing(f"There is no {what[4:]} to export"
                                 + (" (no measured cell)" if self._experiment(kind) else "")
                                 + ".")
        if self.busy:
            return self._refuse()
        path = path or self._ask(f"Export {what} as {text.split(' as ')[1].rstrip('…')}",
                                 stem, suffix)
        if not path:
            return None
        result = self._experiment(kind)

        def snapshot():
            if fmt == "csv":
                data = (sweep_csv(result) if kind == "sweep" else leverage_csv(result))
            else:
                groups = sweep_groups(result) if kind == "sweep" else leverage_groups(result)
                try:
                    data = pyperf_text(groups)
                except PyperfError as exc:
                    raise ExportError(path, str(exc)) from None
            return bytes_chunks(data.encode("utf-8")), what

        return self._start(path, what, snapshot)

    def export_chart(
        self, key: str, suffix: str, path: str | os.PathLike | None = None
    ) -> Path | None:
        """Chart ``key`` (a key of :data:`CHARTS`) as ``.png`` or ``.svg``.

        A ``path`` ending in ``.png`` or ``.svg`` decides the format; any other
        path gets ``suffix`` appended. The chart is rendered here, on the GUI
        thread; only the file is written in the background.
        """
        _attr, title, stem = CHARTS[key]
        if not self._chart_has_content(key):
            return self._nothing(f"Nothing in the {title.lower()} yet: run the pairs first.")
        if self.busy:
            return self._refuse()
        kind = suffix.lstrip(".").upper()
        if path is None:
            path = self._ask(f"Export the {title.lower()} as {kind}", stem, suffix)
            if not path:
                return None
        if Path(path).suffix.lower() not in CHART_FORMATS:
            path = f"{os.fspath(path)}{suffix}"
        chart = self._chart(key)
        if key in ("sweep", "leverage"):  # draw now: a throttled redraw may be pending
            experiment = self._experiment(key)
            if key == "sweep":
                chart.show_sweep(experiment, now=True)
            else:
                chart.show_map(experiment, now=True)

        def snapshot():
            return bytes_chunks(plot_bytes(chart, path)), f"the {title.lower()}"

        return self._start(path, f"the {title.lower()}", snapshot)

    # -- the export in flight ----------------------------------------------------

    @property
    def busy(self) -> bool:
        """An export is running (its end not reported yet)."""
        return self._worker.busy

    def cancel(self) -> None:
        """Cancel the export in flight: no file is written, an old one is kept."""
        if self.busy:
            self._worker.cancel()
            if self._progress is not None:
                self._progress.setLabelText(f"Cancelling the export to {self._worker.path}…")

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the export in flight ends (at most ``timeout`` seconds)
        and report it; True when none is left running."""
        return self._worker.wait(timeout)

    @property
    def progress_delay_ms(self) -> int:
        """How long an export runs before its progress dialog shows."""
        return self._progress_timer.interval()

    @progress_delay_ms.setter
    def progress_delay_ms(self, ms: int) -> None:
        self._progress_timer.setInterval(max(0, int(ms)))

    def shutdown(self, grace_s: float | None = None) -> None:
        """The window is closing: let the export in flight finish for up to
        ``grace_s`` seconds (:data:`CLOSE_GRACE_S`), else cancel it; either
        way its thread is gone when this returns."""
        self._progress_timer.stop()
        if grace_s is None:
            grace_s = CLOSE_GRACE_S
        if self.busy and not self._worker.wait(grace_s):
            self._worker.cancel()
            self._worker.wait()
        self._close_progress()

    def _busy_text(self) -> str:
        what = self._job[0] if self._job else "a file"
        return (f"Exporting {what} to {self._worker.path}: wait for it to finish, "
                "or cancel it, before exporting again")

    def _refuse(self) -> None:
        self._window.message.show_message(
            f"Another export is running ({self._busy_text()}).", "error"
        )
        return None

    def _start(self, path, what: str, snapshot) -> Path | None:
        """Take ``snapshot()`` (``(chunks, summary)``) here, then write the
        chunks to ``path`` on the worker thread."""
        target = Path(path)
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            chunks, summary = snapshot()
        except ExportError as exc:
            self._window.message.show_message(f"Cannot export {what}: {exc}", "error")
            return None
        except Exception as exc:  # a bug: say so in the window, log the details
            logger.exception("exporting %s to %s failed", what, target)
            self._failed_unexpectedly(what, target, f"{type(exc).__name__}: {exc}")
            return None
        finally:
            QGuiApplication.restoreOverrideCursor()
        self._job = (what, summary)
        self._progress_value = (0, chunks.total)
        self._worker.start(target, chunks)
        self._progress_timer.start()
        self.refresh()
        return target

    def _failed_unexpectedly(self, what: str, target, detail: str) -> None:
        self._window.message.show_message(f"Cannot export {what} to {target}: {detail}", "error")

    @Slot()
    def _show_progress(self) -> None:
        if not self.busy or self._progress is not None:
            return
        what = self._job[0] if self._job else "a file"
        dialog = QProgressDialog(f"Exporting {what} to {self._worker.path}…", "Cancel",
                                 0, _STEPS, self._window)
        dialog.setObjectName("ExportProgress")
        dialog.setWindowTitle("Exporting")
        dialog.setWindowModality(Qt.WindowModality.NonModal)  # the window stays usable
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(0)
        dialog.canceled.connect(self.cancel)
        self._progress = dialog
        self._on_progress(*self._progress_value)
        dialog.show()

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        if (done, total) != self._progress_value:
            self.progressed.emit(done, total)
        self._progress_value = (done, total)
        if self._progress is not None and not self._worker.cancelling:
            self._progress.setValue(_STEPS * done // total if total > 0 else 0)

    def _close_progress(self) -> None:
        dialog, self._progress = self._progress, None
        if dialog is not None:
            dialog.canceled.disconnect(self.cancel)
            dialog.close()
            dialog.deleteLater()

    @Slot(str, str, str)
    def _on_finished(self, outcome: str, path: str, reason: str) -> None:
        self._progress_timer.stop()
        self._close_progress()
        what, summary = self._job or ("a file", "a file")
        self._job = None
        window = self._window
        if window is not None:
            message = window.message
            if outcome == SAVED:
                message.show_message(f"Saved {summary} to {path}", "info")
            elif outcome == CANCELLED:
                message.show_message(
                    f"Export of {what} cancelled: nothing was written to {path}.", "info")
            elif outcome == BROKEN:
                self._failed_unexpectedly(what, path, reason)
            else:
                message.show_message(f"Cannot export {what}: {reason}", "error")
            self.refresh()
        if outcome == SAVED:
            self.exported.emit(path)
        self.finished.emit(outcome if outcome != BROKEN else "failed", path)

    # -- helpers -------------------------------------------------------------

    def _start_directory(self) -> str:
        directory = self._directory
        if callable(directory):
            try:
                directory = directory()
            except Exception:  # a broken hook must not stop the export
                logger.exception("export directory hook failed")
                directory = None
        if directory:
            return os.fspath(directory)
        return QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        ) or os.path.expanduser("~")

    def _ask(self, title: str, stem: str, suffix: str) -> str | None:
        """A path from the save dialog (``suffix`` added when it has none), or None."""
        start = os.path.join(self._start_directory(), stem + suffix)
        path, _filter = QFileDialog.getSaveFileName(self._window, title, start, _FILTERS[suffix])
        if not path:
            return None
        if not Path(path).suffix:
            path += suffix
        return path

    def _nothing(self, text: str) -> None:
        self._window.message.show_message(text, "info")
        self.refresh()
        return None


def _model_time_and_worker(model, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row: the duration of the task that computed it, and its worker index.

    PairTableModel keeps these as private columns (``_time``, ``_worker``) and
    has no public accessor for them yet; this is the one place that reads them.
    """
    return np.asarray(model._time)[:n], np.asarray(model._worker)[:n]
