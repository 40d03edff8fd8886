"""The Python a run happens in: a list of the interpreters discovery found,
with Add… (pick an interpreter file) and Refresh (probe them again).

Discovery and its probes run on a background thread (the first probe of an
interpreter takes seconds; core caches the results), so the window never
waits for them: until they answer, the list holds the running Python and a
"finding Pythons…" line. Interpreters that cannot run gcdapp's work are
listed disabled, with the reason as their tooltip. Paths added with Add…
are kept in the window's preferences and passed to discovery.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QSizePolicy,
    QStyle,
    QToolButton,
    QWidget,
)

from gcdapp.core.pythons.discovery import Interpreter, find_pythons
from gcdapp.core.pythons.run_python import running_label
from gcdapp.core.pythons.user_paths import UserPathsError, check_interpreter_file
from gcdapp.ui.document.preferences import AppSettings

FINDING = "finding Pythons…"
_PLACEHOLDER = "\x00finding"  # the placeholder row's data: never a path
_SOURCE_NAMES = {"pyenv": "pyenv", "PATH": "PATH", "uv": "uv", "user": "added"}


def item_text(item: Interpreter) -> str:
    """``3.11.7 (this Python)``, ``3.13.0 — pyenv``, ``3.12.1 — added``."""
    if item.is_running:
        return f"{item.label} (this Python)"
    source = next((_SOURCE_NAMES.get(s, s) for s in item.sources), "")
    return f"{item.label} — {source}" if source else item.label


def item_tooltip(item: Interpreter) -> str:
    lines = [item.path]
    probe = item.probe
    if probe.unusable_reason:
        lines.append(f"Unusable: {probe.unusable_reason}")
    else:
        lines.append(f"subinterpreters: {probe.subinterpreters.describe()}")
        lines.append(f"numba: {'yes' if probe.numba else 'not installed'}")
    return "\n".join(lines)


def ask_interpreter_file(parent: QWidget) -> str:
    """The modal file dialog of Add… (tests give the choice their own)."""
    path, _ = QFileDialog.getOpenFileName(
        parent, "Add a Python interpreter", os.path.expanduser("~"), "All files (*)")
    return path


class _DiscoveryReply(QObject):
    """Carries one discovery's answer from its thread to the GUI thread."""

    done = Signal(int, object)  # generation, list[Interpreter] or the exception


def _discover(reply: _DiscoveryReply, generation: int, extra: list[str], refresh: bool) -> None:
    try:
        found: object = find_pythons(extra, refresh=refresh)
    except Exception as exc:  # reported in the window, never raised on a thread
        found = exc
    reply.done.emit(generation, found)


class PythonChoice(QWidget):
    """The interpreter for the next run. ``value()`` is its path, or None
    for the Python gcdapp runs on."""

    #: The user picked another interpreter (or discovery changed the pick).
    changed = Signal()
    #: A discovery finished and the list shows its answer.
    discovered = Signal()
    #: Something for the message strip: (text, kind).
    messageRequested = Signal(str, str)

    def __init__(self, preferences: AppSettings | None = None,
                 ask_path: Callable[[QWidget], str] = ask_interpreter_file,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._preferences = preferences if preferences is not None else AppSettings()
        self._ask_path = ask_path
        self._found: list[Interpreter] = []
        self._generation = 0
        self._busy = False
        self._wanted: str | None = None  # a path to pick once discovery lists it
        self._added: str | None = None  # the path Add… just added
        self._reply = _DiscoveryReply()
        self._reply.done.connect(self._on_discovered)

        self.combo = QComboBox()
        self.combo.setAccessibleName("Python interpreter")
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(12)
        self.combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.add_button = QToolButton()
        self.add_button.setText("Add…")
        self.add_button.setAccessibleName("Add a Python")
        self.add_button.setToolTip("Pick an interpreter file to list (kept in the preferences).")
        self.refresh_button = QToolButton()
        self.refresh_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_BrowserReload))
        self.refresh_button.setAccessibleName("Refresh the Pythons")
        self.refresh_button.setToolTip("Refresh: find and probe the interpreters again.")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.combo, 1)
        layout.addWidget(self.add_button)
        layout.addWidget(self.refresh_button)
        self.setFocusProxy(self.combo)

        self._show([])
        self.combo.currentIndexChanged.connect(self._on_index_changed)
        self.add_button.clicked.connect(self.add_interpreter)
        self.refresh_button.clicked.connect(self.refresh)

    # -- the list ------------------------------------------------------------
    def _show(self, found: list[Interpreter]) -> None:
        """Fill the list with ``found`` (the running Python and the
        placeholder while nothing is found yet), keeping the pick."""
        keep = self._wanted if self._wanted is not None else self.value()
        blocked = self.combo.blockSignals(True)
        self.combo.clear()
        model = self.combo.model()
        if not any(i.is_running for i in found):
            self.combo.addItem(f"{running_label()} (this Python)", None)
            self.combo.setItemData(0, sys.executable, Qt.ItemDataRole.ToolTipRole)
        texts = [item_text(i) for i in found]
        for item, text in zip(found, texts):
            if texts.count(text) > 1:
                text += f" ({item.path})"
            self.combo.addItem(text, None if item.is_running else item.path)
            row = self.combo.count() - 1
            self.combo.setItemData(row, item_tooltip(item), Qt.ItemDataRole.ToolTipRole)
            if not item.usable and isinstance(model, QStandardItemModel):
                model.item(row).setEnabled(False)
        if self._busy:
            self.combo.addItem(FINDING, _PLACEHOLDER)
            row = self.combo.count() - 1
            self.combo.setItemData(row, "Discovery and probes run in the background.",
                                   Qt.ItemDataRole.ToolTipRole)
            if isinstance(model, QStandardItemModel):
                model.item(row).setEnabled(False)
        index = self._usable_index(keep)
        self.combo.setCurrentIndex(index if index >= 0 else 0)
        self.combo.blockSignals(blocked)

    def _usable_index(self, path: str | None) -> int:
        index = self.combo.findData(path)
        model = self.combo.model()
        if index >= 0 and isinstance(model, QStandardItemModel) and not model.item(index).isEnabled():
            return -1
        return index

    def interpreters(self) -> list[Interpreter]:
        """What the latest discovery found (empty until it answers)."""
        return list(self._found)

    def is_finding(self) -> bool:
        return self._busy

    def current_interpreter(self) -> Interpreter | None:
        """The chosen interpreter as discovery found it; None for the
        running Python (or while it is not found yet)."""
        path = self.combo.currentData()
        return next((i for i in self._found if i.path == path), None) if path else None

    def value(self) -> str | None:
        if self._wanted is not None:
            return self._wanted
        data = self.combo.currentData()
        return data if isinstance(data, str) and data != _PLACEHOLDER else None

    def set_value(self, path: str | None) -> None:
        """Pick ``path`` (None: the running Python). A path discovery has
        not listed yet is picked when it is; one it never lists is dropped."""
        if path is None:
            self._wanted = None
            self.combo.setCurrentIndex(0 if self.combo.findData(None) < 0 else self.combo.findData(None))
            return
        index = self._usable_index(path)
        if index >= 0:
            self._wanted = None
            self.combo.setCurrentIndex(index)
        elif self._busy or not self._found:
            self._wanted = path
        # else: not among the usable interpreters found: the pick stays

    @Slot(int)
    def _on_index_changed(self, _index: int) -> None:
        self._wanted = None
        self.changed.emit()

    # -- discovery -----------------------------------------------------------
    @Slot()
    def start_discovery(self, refresh: bool = False) -> None:
        """Find and probe the interpreters on a background thread."""
        self._generation += 1
        self._busy = True
        self.refresh_button.setEnabled(False)
        self._show(self._found)
        extra = self._preferences.python_paths()
        threading.Thread(target=_discover, name="gcdapp-discovery", daemon=True,
                         args=(self._reply, self._generation, extra, refresh)).start()

    @Slot()
    def refresh(self) -> None:
        self.start_discovery(refresh=True)

    @Slot(int, object)
    def _on_discovered(self, generation: int, found: object) -> None:
        if generation != self._generation:
            return  # a newer discovery is under way
        before = self.value()
        self._busy = False
        self.refresh_button.setEnabled(True)
        if isinstance(found, Exception):
            self.messageRequested.emit(f"Could not look for other Pythons: {found}", "error")
            found = self._found
        self._found = list(found)
        self._show(self._found)
        self._wanted = None
        self._report_added()
        self.discovered.emit()
        if self.value() != before:
            self.changed.emit()

    def _report_added(self) -> None:
        added, self._added = self._added, None
        if added is None:
            return
        item = next((i for i in self._found if os.path.realpath(i.path) == os.path.realpath(added)),
                    None)
        if item is None:
            self.messageRequested.emit(f"{added} was added but discovery did not list it.",
                                       "error")
        elif not item.usable:
            self.messageRequested.emit(
                f"{added} is listed but cannot be used: {item.probe.unusable_reason}", "error")
        elif not item.is_running:
            self.combo.setCurrentIndex(self.combo.findData(item.path))

    # -- Add… ----------------------------------------------------------------
    @Slot()
    def add_interpreter(self) -> None:
        """Ask for an interpreter file, check it, keep it, probe it."""
        path = self._ask_path(self)
        if not path:
            return
        try:
            full = check_interpreter_file(path)
        except UserPathsError as exc:
            self.messageRequested.emit(f"Cannot add that Python: {exc}", "error")
            return
        self._preferences.add_python_path(full)
        self._preferences.sync()
        self._added = full
        self.start_discovery()
