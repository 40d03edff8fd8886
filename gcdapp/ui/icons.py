"""The application icon."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon

from gcdapp.resources import ICON_SIZES, icon_png


def app_icon() -> QIcon:
    """gcdapp's icon with every PNG size, so each place that shows it (title
    bar, task switcher, dock) gets a drawing made for its size."""
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addFile(str(icon_png(size)), QSize(size, size))
    return icon
