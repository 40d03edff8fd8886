"""Preferences that outlive the window, in QSettings: the window's geometry
and dock layout, the run choices, the last directory and the recent files.

``QSettings()`` is built with its default constructor, so the file follows
the organisation and application names set in :func:`gcdapp.ui.app.create_application`
(``$XDG_CONFIG_HOME/gcdapp/gcdapp.conf`` on Linux). Every read is checked:
a missing, corrupt or unknown value gives the default, never an exception.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow

from gcdapp.core.run_settings import SETTINGS, RunSettings, settings_from_text

MAX_RECENT = 10
#: saveState() version of the dock layout; bump when the docks change.
STATE_VERSION = 1

_GEOMETRY = "window/geometry"
_STATE = "window/state"
_RUN = "run/"
_LAST_DIR = "files/last_dir"
_RECENT = "files/recent"
_PYTHONS = "pythons/added"


class AppSettings:
    """Typed, forgiving access to gcdapp's QSettings."""

    def __init__(self, settings: QSettings | None = None):
        self.qsettings = settings if settings is not None else QSettings()

    def sync(self) -> None:
        self.qsettings.sync()

    # -- forgiving reads ---------------------------------------------------

    def _value(self, key: str):
        try:
            return self.qsettings.value(key)
        except Exception:  # a value Qt cannot convert back
            return None

    def _text(self, key: str) -> str | None:
        value = self._value(key)
        return value if isinstance(value, str) else None

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._value(key)
        if isinstance(value, QByteArray) and not value.isEmpty():
            return value
        if isinstance(value, (bytes, bytearray)) and value:
            return QByteArray(bytes(value))
        return None

    # -- the window ------------------------------------------------------------

    def save_window(self, window: QMainWindow) -> None:
        self.qsettings.setValue(_GEOMETRY, window.saveGeometry())
        self.qsettings.setValue(_STATE, window.saveState(STATE_VERSION))

    def restore_window(self, window: QMainWindow) -> bool:
        """Geometry and dock layout; False (and the window as it was) when
        there is nothing usable saved."""
        restored = False
        geometry = self._bytes(_GEOMETRY)
        if geometry is not None:
            restored = bool(window.restoreGeometry(geometry))
        state = self._bytes(_STATE)
        if state is not None:
            restored = bool(window.restoreState(state, STATE_VERSION)) and restored
        return restored

    # -- run choices -------------------------------------------------------------

    def save_run_choices(self, settings: RunSettings) -> None:
        for s in SETTINGS:
            self.qsettings.setValue(_RUN + s.name, s.to_text(settings.get(s.name)))

    def run_choices(self) -> RunSettings | None:
        """The saved run settings, each checked alone; None when nothing was
        saved. A bad value falls back to its setting's default
        (:func:`~gcdapp.core.run_settings.settings_from_text`)."""
        if not any(self.qsettings.contains(_RUN + s.name) for s in SETTINGS):
            return None
        texts = {}
        for s in SETTINGS:
            value = self._value(_RUN + s.name)
            if isinstance(value, (str, int)) and not isinstance(value, bool):
                texts[s.name] = str(value)
        return settings_from_text(texts)

    # -- other Pythons ------------------------------------------------------------

    def python_paths(self) -> list[str]:
        """Interpreter files the user added with Add…, in the order added."""
        value = self._value(_PYTHONS)
        if isinstance(value, str):  # one entry comes back as a plain string
            value = [value]
        if not isinstance(value, (list, tuple)):
            return []
        return list(dict.fromkeys(p for p in value if isinstance(p, str) and p))

    def add_python_path(self, path: str) -> None:
        paths = self.python_paths()
        if path not in paths:
            self.qsettings.setValue(_PYTHONS, paths + [path])

    # -- files -----------------------------------------------------------------

    def last_dir(self) -> str:
        """The directory of the last file opened or saved, if it still exists."""
        path = self._text(_LAST_DIR)
        return path if path and os.path.isdir(path) else ""

    def set_last_dir(self, path: str) -> None:
        self.qsettings.setValue(_LAST_DIR, os.path.abspath(path))

    def recent_files(self) -> list[str]:
        """Most recent first, at most :data:`MAX_RECENT`."""
        value = self._value(_RECENT)
        if isinstance(value, str):  # one entry comes back as a plain string
            value = [value]
        if not isinstance(value, (list, tuple)):
            return []
        out: list[str] = []
        for item in value:
            if isinstance(item, str) and item and item not in out:
                out.append(item)
        return out[:MAX_RECENT]

    def _set_recent(self, paths: list[str]) -> None:
        self.qsettings.setValue(_RECENT, list(paths[:MAX_RECENT]))

    def add_recent(self, path: str) -> None:
        path = os.path.abspath(path)
        self._set_recent([path] + [p for p in self.recent_files() if p != path])
        self.set_last_dir(os.path.dirname(path))

    def remove_recent(self, path: str) -> None:
        self._set_recent([p for p in self.recent_files() if p != path])

    def clear_recent(self) -> None:
        self._set_recent([])
