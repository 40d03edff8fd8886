"""The key to the worker timeline's encoding: a row of swatches.

Each swatch is painted with the brushes the timeline itself uses
(:func:`~gcdapp.ui.charts.timeline.segment_brushes`), in the colour of the
run shown, so the key always matches the bars."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from gcdapp.ui.charts.palette import to_qcolor
from gcdapp.ui.charts.timeline import segment_brushes

__all__ = ["LEGEND_ENTRIES", "TimelineLegend"]

#: (segment kind, text, tooltip), in the order shown.
LEGEND_ENTRIES = (
    ("cpu", "on CPU", "Solid: the task's thread CPU time (time.thread_time)."),
    ("wait", "waiting (GIL or starved)",
     "Hatched, lighter: wall time minus CPU time. For threads on CPU-bound Python, the GIL; "
     "for processes, a worker the machine did not run."),
    ("queue", "queue wait",
     "Faint: the task was submitted but its worker had not started it (drawn where the worker "
     "was idle)."),
    ("cap", "result transfer",
     "Dark cap: from the end of the compute until the result arrived in the parent "
     "(pickling, copying, callback)."),
    ("phase", "start-up / shutdown",
     "Dashed, hatched: the pool starting its workers (per worker where known) and stopping."),
)


class TimelineLegend(QWidget):
    """One line: a swatch and a word for each kind of segment."""

    SWATCH = QSize(22, 11)
    GAP = 14

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAccessibleName("Timeline legend")
        self._color = QColor("#8c8c8c")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setToolTip("\n".join(f"{text}: {tip}" for _k, text, tip in LEGEND_ENTRIES))
        self.setAccessibleDescription(" · ".join(text for _k, text, _t in LEGEND_ENTRIES))

    def set_color(self, color) -> None:
        self._color = to_qcolor(color)
        self.update()

    def entries(self) -> list[str]:
        """The texts shown, in order."""
        return [text for _k, text, _t in LEGEND_ENTRIES]

    def sizeHint(self) -> QSize:
        fm = QFontMetrics(self.font())
        width = sum(self.SWATCH.width() + 6 + fm.horizontalAdvance(text) + self.GAP
                    for text in self.entries())
        return QSize(width, max(fm.height(), self.SWATCH.height()) + 6)

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.sizeHint().height())

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        fg = self.palette().color(self.foregroundRole())
        fm = QFontMetrics(self.font())
        brushes = segment_brushes(self._color)
        x = 4.0
        h = self.height()
        sw, sh = self.SWATCH.width(), self.SWATCH.height()
        for kind, text, _tip in LEGEND_ENTRIES:
            rect = QRectF(x, (h - sh) / 2, sw, sh)
            p.setPen(Qt.PenStyle.NoPen)
            if kind == "cpu":
                p.setBrush(brushes[0][0])
                p.drawRect(rect)
            elif kind == "cap":
                p.setBrush(brushes[0][0])
                p.drawRect(rect.adjusted(0, 0, -5, 0))
                p.setBrush(brushes["cap"][0])
                p.drawRect(QRectF(rect.right() - 5, rect.top(), 5, rect.height()))
            elif kind == "phase":
                pen = QPen(fg)
                pen.setStyle(Qt.PenStyle.DashLine)
                p.setPen(pen)
                hatch = QColor(fg)
                hatch.setAlphaF(0.45)
                p.setBrush(QBrush(hatch, Qt.BrushStyle.BDiagPattern))
                p.drawRect(rect)
            else:
                for brush in brushes[kind]:
                    p.setBrush(brush)
                    p.drawRect(rect)
            x += sw + 6
            p.setPen(fg)
            p.drawText(QRectF(x, 0, fm.horizontalAdvance(text) + 2, h),
                       int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), text)
            x += fm.horizontalAdvance(text) + self.GAP
        p.end()
