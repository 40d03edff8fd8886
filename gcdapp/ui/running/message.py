"""A dismissable message strip for run problems: never a blocking dialog."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

_KIND_COLORS = {"error": "#c62828", "warning": "#b26a00", "info": "#1565c0"}


class RunMessage(QFrame):
    """Shows one message (error, warning or info) until dismissed or replaced."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Run message")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAccessibleName("Run message text")
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setAccessibleName("Dismiss message")
        close.setToolTip("Dismiss this message")
        close.clicked.connect(self.dismiss)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.text, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.kind = ""
        self.hide()

    def show_message(self, text: str, kind: str = "error") -> None:
        self.kind = kind
        color = _KIND_COLORS.get(kind, _KIND_COLORS["info"])
        self.setStyleSheet(
            f"RunMessage {{ border: 1px solid {color}; border-left: 4px solid {color}; }}"
        )
        self.text.setText(text)
        self.setToolTip(text)
        self.show()

    def dismiss(self) -> None:
        self.kind = ""
        self.text.clear()
        self.hide()

    def message(self) -> str:
        return self.text.text() if self.isVisible() else ""
