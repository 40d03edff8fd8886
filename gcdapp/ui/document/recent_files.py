"""File > Open Recent: the files opened or saved lately, from the settings."""

from __future__ import annotations

import os

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from gcdapp.ui.document.preferences import AppSettings


class RecentFilesMenu(QMenu):
    """Lists :meth:`AppSettings.recent_files`, newest first, each entry
    numbered for the keyboard; choosing one emits :attr:`openRequested`.
    The menu only lists: whoever opens the file decides what a missing one
    means (see :meth:`forget`)."""

    #: An entry was chosen (its path).
    openRequested = Signal(str)

    def __init__(self, settings: AppSettings, parent: QWidget | None = None):
        super().__init__("Open &Recent", parent)
        self.settings = settings
        self.setToolTipsVisible(True)
        self.menuAction().setToolTip("Files opened or saved lately")
        # Not the menu's own: QMenu.clear() deletes those on every refresh.
        # Handled in _on_triggered: removing an action from a menu (as every
        # refresh does) cuts the action's connections to the menu.
        self.clear_action = QAction("&Clear recent files", parent)
        tip = "Empty the list of recently opened files"
        self.clear_action.setToolTip(tip)
        self.clear_action.setStatusTip(tip)
        self.aboutToShow.connect(self.refresh)
        self.triggered.connect(self._on_triggered)
        self.refresh()

    def remember(self, path: str) -> None:
        """``path`` was opened or saved: it goes to the top."""
        self.settings.add_recent(path)
        self.refresh()

    def forget(self, path: str) -> None:
        """``path`` leaves the list (it no longer exists)."""
        self.settings.remove_recent(path)
        self.refresh()

    def clear_recent_files(self) -> None:
        self.settings.clear_recent()
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        self.clear()
        paths = self.settings.recent_files()
        for i, path in enumerate(paths, start=1):
            action = self.addAction(f"&{i % 10} {os.path.basename(path)}")
            action.setData(path)
            action.setToolTip(path)
            action.setStatusTip(path)
        if not paths:
            empty = self.addAction("No recent files")
            empty.setEnabled(False)
            empty.setToolTip("Files you open or save appear here")
        self.addSeparator()
        self.addAction(self.clear_action)
        self.clear_action.setEnabled(bool(paths))

    @Slot(QAction)
    def _on_triggered(self, action: QAction) -> None:
        if action is self.clear_action:
            self.clear_recent_files()
            return
        path = action.data()
        if isinstance(path, str) and path:
            self.openRequested.emit(path)
