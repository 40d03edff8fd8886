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

from gcdapp.core import backends
from gcdapp.core.events import RunSpec
from gcdapp.core.kernels import KERNELS
from gcdapp.core.run_choices import RunChoices

MAX_RECENT = 10
#: saveState() version of the dock layout; bump when the docks change.
STATE_VERSION = 1
MAX_WORKERS = 64
MAX_CHUNK = 1_000_000
MAX_REPEATS = 100

_GEOMETRY = "window/geometry"
_STATE = "window/state"
_RUN = "run/"
_LAST_DIR = "files/last_dir"
_RECENT = "files/recent"


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

    def _int(self, key: str, low: int, high: int) -> int | None:
        value = self._value(key)
        if isinstance(value, bool):
            return None
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            return None
        return number if low <= number <= high else None

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

    def save_run_choices(self, choices: RunChoices) -> None:
        spec = choices.spec
        s = self.qsettings
        s.setValue(_RUN + "mode", spec.mode)
        s.setValue(_RUN + "kernel", spec.kernel)
        s.setValue(_RUN + "workers", int(spec.workers) if spec.workers else 0)
        s.setValue(_RUN + "chunksize", 0 if spec.chunksize == "auto" else int(spec.chunksize))
        s.setValue(_RUN + "start_method", spec.start_method or "")
        s.setValue(_RUN + "repeats", int(choices.repeats))

    def run_choices(self) -> RunChoices | None:
        """The saved choices, each checked; None when nothing was saved.

        An unknown or unavailable mode, an unknown kernel or an out-of-range
        number falls back to the default for that field alone."""
        if not any(self.qsettings.contains(_RUN + k) for k in ("mode", "kernel", "repeats")):
            return None
        default = RunSpec()
        mode = self._text(_RUN + "mode")
        if not backends.available(mode):
            mode = default.mode
        kernel = self._text(_RUN + "kernel")
        if kernel not in KERNELS:
            kernel = default.kernel
        chunk = self._int(_RUN + "chunksize", 0, MAX_CHUNK)
        return RunChoices(
            RunSpec(
                mode=mode,
                kernel=kernel,
                workers=self._int(_RUN + "workers", 1, MAX_WORKERS),
                chunksize="auto" if not chunk else chunk,
                start_method=self._text(_RUN + "start_method") or None,
            ),
            self._int(_RUN + "repeats", 1, MAX_REPEATS) or 1,
        )

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
