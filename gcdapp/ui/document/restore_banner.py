"""The strip that offers work back after a crash: never a modal dialog."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from gcdapp.core.session import Session

_COLOR = "#1565c0"


def describe(session: Session) -> str:
    """``"10 pairs and 3 runs from today at 11:40"`` (``"10 pairs, 3 runs, a
    sweep and a leverage map from ..."`` when it has them)."""
    parts = [f"{session.n_pairs:,} pair{'' if session.n_pairs == 1 else 's'}",
             f"{session.n_runs:,} run{'' if session.n_runs == 1 else 's'}"]
    if session.sweep is not None:
        parts.append("a worker sweep")
    if session.leverage is not None:
        parts.append("a leverage map")
    text = ", ".join(parts[:-1]) + " and " + parts[-1]
    if session.saved_at is not None:
        text += f" from {format_time(session.saved_at)}"
    return text


def format_time(when: datetime, now: datetime | None = None) -> str:
    """``"today at 14:05"``, ``"yesterday at 09:30"`` or ``"3 Nov 2026 at 17:12"``
    (local time)."""
    local = when.astimezone()
    today = (now or datetime.now().astimezone()).date()
    clock = f"{local:%H:%M}"
    if local.date() == today:
        return f"today at {clock}"
    if (today - local.date()).days == 1:
        return f"yesterday at {clock}"
    return f"{local.day} {local:%b %Y} at {clock}"


class RestoreBanner(QFrame):
    """"gcdapp did not close properly. Restore …?" with Restore and Discard."""

    restoreRequested = Signal()
    discardRequested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("RestoreBanner")
        self.setAccessibleName("Restore unsaved work")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            f"#RestoreBanner {{ border: 1px solid {_COLOR}; border-left: 4px solid {_COLOR}; }}"
        )
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setAccessibleName("Restore offer")
        self.restore_button = QPushButton("Restore")
        self.restore_button.setAccessibleName("Restore")
        self.restore_button.setToolTip(
            "Bring back the pairs, settings and runs of the session that did not close "
            "properly (undo with Ctrl+Z restores the pairs you have now)"
        )
        self.discard_button = QPushButton("Discard")
        self.discard_button.setAccessibleName("Discard")
        self.discard_button.setToolTip("Forget that session's unsaved work for good")
        self.restore_button.clicked.connect(self.restoreRequested)
        self.discard_button.clicked.connect(self.discardRequested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.restore_button)
        layout.addWidget(self.discard_button)
        self.hide()

    def offer(self, session: Session) -> None:
        self.text.setText(
            f"gcdapp did not close properly. Restore its unsaved work: {describe(session)}?"
        )
        self.setToolTip(self.text.text())
        self.show()

    def message(self) -> str:
        return self.text.text() if not self.isHidden() else ""
