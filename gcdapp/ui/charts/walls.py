"""Wall time per run as bars, each labelled with its speedup over serial.

The caller computes the speedup (against the latest serial run of the same
pairs) and passes it in; a run without a comparable serial run gets no label.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QFontMetrics

from gcdapp.ui.charts.base import PlotChart
from gcdapp.ui.charts.palette import to_qcolor

__all__ = ["WallTimeChart", "format_speedup"]

BAR_WIDTH = 0.62


def format_speedup(speedup: float | None) -> str | None:
    """``1.92×`` (two decimals; one for 10× and more), or None."""
    if speedup is None or not np.isfinite(speedup):
        return None
    return f"{speedup:.1f}×" if speedup >= 10 else f"{speedup:.2f}×"


@dataclass
class _Bar:
    run_id: int
    label: str
    color: QColor
    wall_s: float
    speedup: float | None
    text: pg.TextItem


class WallTimeChart(PlotChart):
    """A bar per run: wall time (s), labelled with the speedup over serial."""

    ACCESSIBLE_NAME = "Wall times"
    Y_LABEL = "wall time (s)"
    GRID = (False, True)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._relayout()

    def _build(self, item: pg.PlotItem) -> None:
        item.hideButtons()
        item.setMouseEnabled(x=False, y=False)
        item.getViewBox().enableAutoRange(x=False, y=False)
        self._bars: list[_Bar] = []
        self._tick_labels: list[str] = []
        self._item = pg.BarGraphItem(
            x=np.empty(0), height=np.empty(0), width=BAR_WIDTH, pen=None
        )
        item.addItem(self._item)
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)

    # -- public API -------------------------------------------------------

    def add_run(self, run_id: int, label: str, color, wall_s: float, speedup: float | None) -> None:
        """Add (or replace) the bar of ``run_id``, to the right of the others."""
        self.remove_run(run_id, relayout=False)
        text = pg.TextItem(anchor=(0.5, 1.0), color=self._foreground)
        self.getPlotItem().addItem(text, ignoreBounds=True)
        self._bars.append(_Bar(run_id, label, to_qcolor(color), float(wall_s), speedup, text))
        self._relayout()

    def set_speedup(self, run_id: int, speedup: float | None) -> None:
        bar = self._find(run_id)
        if bar is not None:
            bar.speedup = speedup
            self._relayout()

    def remove_run(self, run_id: int, relayout: bool = True) -> None:
        bar = self._find(run_id)
        if bar is None:
            return
        self._bars.remove(bar)
        self.getPlotItem().removeItem(bar.text)
        if relayout:
            self._relayout()

    def clear(self) -> None:
        for bar in self._bars:
            self.getPlotItem().removeItem(bar.text)
        self._bars.clear()
        self._relayout()

    def bar_count(self) -> int:
        return len(self._bars)

    def run_ids(self) -> list[int]:
        return [bar.run_id for bar in self._bars]

    def wall_times(self) -> list[float]:
        """Bar heights (s), left to right."""
        return [bar.wall_s for bar in self._bars]

    def speedup_text(self, run_id: int) -> str | None:
        """The label above ``run_id``'s bar (None when it has none)."""
        bar = self._find(run_id)
        if bar is None:
            return None
        text = bar.text.toPlainText()
        return text or None

    def tick_labels(self) -> list[str]:
        """The x axis labels, one per bar, in order."""
        return list(self._tick_labels)

    def bar_tooltip(self, run_id: int) -> str | None:
        bar = self._find(run_id)
        if bar is None:
            return None
        text = f"{bar.label}\nwall time: {bar.wall_s:.3f} s"
        speedup = format_speedup(bar.speedup)
        if speedup:
            text += f"\nspeedup over serial: {speedup}"
        else:
            text += "\nno serial run of these pairs to compare with"
        return text

    # -- internals --------------------------------------------------------

    def _find(self, run_id: int) -> _Bar | None:
        for bar in self._bars:
            if bar.run_id == run_id:
                return bar
        return None

    def _relayout(self) -> None:
        n = len(self._bars)
        x = np.arange(n, dtype=np.float64)
        heights = np.array([b.wall_s for b in self._bars], dtype=np.float64)
        if n:
            brushes = [pg.mkBrush(b.color) for b in self._bars]
            pens = [pg.mkPen(b.color.darker(130), width=1, cosmetic=True) for b in self._bars]
        else:
            brushes = pens = None  # (an empty pens list trips BarGraphItem)
        self._item.setOpts(
            x=x, height=heights, width=BAR_WIDTH, pen=None, brushes=brushes, pens=pens
        )
        for i, bar in enumerate(self._bars):
            bar.text.setText(format_speedup(bar.speedup) or "")
            bar.text.setColor(self._foreground)
            bar.text.setPos(float(i), bar.wall_s)
        top = float(heights.max()) if n else 1.0
        vb = self.getPlotItem().getViewBox()
        vb.setXRange(-0.5, max(n, 1) - 0.5, padding=0.02)
        vb.setYRange(0.0, top * 1.18 if top > 0 else 1.0, padding=0)
        self._update_ticks()

    def _update_ticks(self) -> None:
        """Run labels under the bars; short forms when the full ones would collide."""
        axis = self.getPlotItem().getAxis("bottom")
        labels = [b.label for b in self._bars]
        if labels:
            fm = QFontMetrics(self.font())
            slot = max(self.getPlotItem().getViewBox().width(), 1.0) / len(labels)
            def widest(texts: list[str]) -> int:
                return max(fm.horizontalAdvance(s) for s in texts)

            for shorten in (_abbreviated_label, _short_label):
                if widest(labels) <= 0.92 * slot:
                    break
                labels = [shorten(s) for s in labels]
            if widest(labels) > 0.92 * slot:
                step = int(np.ceil(widest(labels) / (0.92 * slot)))
                labels = [s if i % step == 0 else "" for i, s in enumerate(labels)]
        self._tick_labels = labels
        axis.setTicks([[(float(i), s) for i, s in enumerate(labels)], []])

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        vb = self.getPlotItem().getViewBox()
        if not self._bars or not vb.sceneBoundingRect().contains(scene_pos):
            self._hide_hover()
            return
        point = vb.mapSceneToView(scene_pos)
        i = int(np.floor(point.x() + 0.5))
        bar = None
        if 0 <= i < len(self._bars) and abs(point.x() - i) <= BAR_WIDTH / 2:
            if 0 <= point.y() <= self._bars[i].wall_s:
                bar = self._bars[i]
        if bar is None:
            self._hide_hover()
            return
        self._show_hover(self.bar_tooltip(bar.run_id), scene_pos)

    def _apply_palette(self) -> None:
        super()._apply_palette()
        for bar in self._bars:
            bar.text.setColor(self._foreground)

    def _resized(self) -> None:
        self._update_ticks()


_ABBREVIATIONS = {"serial": "ser", "threads": "thr", "processes": "proc"}


def _abbreviated_label(label: str) -> str:
    """``processes ×2 #3`` → ``proc ×2 #3``; ``#3 processes ×2`` → ``#3 proc ×2``."""
    words = label.split(" ")
    at = 1 if len(words) > 1 and words[0].startswith("#") else 0
    words[at] = _ABBREVIATIONS.get(words[at], words[at][:4])
    return " ".join(words)


def _short_label(label: str) -> str:
    """``processes ×2 #3`` (or ``#3 processes ×2``) → ``#3``; labels without ``#`` are
    cut to 8 characters."""
    if "#" in label:
        return label[label.rindex("#"):].split(" ")[0]
    return label if len(label) <= 8 else label[:7] + "…"
