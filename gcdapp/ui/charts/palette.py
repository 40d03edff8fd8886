"""Colours shared by the timing charts: one hue per execution mode.

Serial runs are grey, threads orange and processes blue, so the GIL story
reads the same in every chart. Any other mode gets a stable colour from a
qualitative (Tableau 10) palette, picked by a hash of its name. The hues are
mid-tone so they read on light and dark backgrounds alike.
"""

from __future__ import annotations

import zlib

import pyqtgraph as pg
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget

SERIAL = "#8c8c8c"
THREADS = "#f28e2b"
PROCESSES = "#4e8fd1"

# Tableau 10 without its grey, orange and blue, which the known modes own.
QUALITATIVE = (
    "#59a14f",  # green
    "#e15759",  # red
    "#b07aa1",  # purple
    "#76b7b2",  # teal
    "#edc948",  # yellow
    "#9c755f",  # brown
    "#ff9da7",  # pink
)

_KNOWN = {
    "serial": SERIAL,
    "threads": THREADS,
    "thread": THREADS,
    "processes": PROCESSES,
    "process": PROCESSES,
}


def mode_color(mode: str) -> QColor:
    """The colour of an execution mode (a new QColor each call)."""
    key = (mode or "").strip().lower()
    if key in _KNOWN:
        return QColor(_KNOWN[key])
    index = zlib.crc32(key.encode("utf-8")) % len(QUALITATIVE)
    return QColor(QUALITATIVE[index])


def run_color(mode: str, variant: int = 0) -> QColor:
    """A variant of the mode colour, to tell runs of the same mode apart.

    Variant 0 is the mode colour itself; later variants alternate darker and
    lighter shades of the same hue.
    """
    color = mode_color(mode)
    if variant <= 0:
        return color
    step = (variant + 1) // 2
    factor = 100 + 22 * step
    return color.darker(factor) if variant % 2 else color.lighter(factor)


def to_qcolor(color) -> QColor:
    """Accept a QColor, a colour name/'#rrggbb' string or an (r, g, b[, a]) tuple."""
    if isinstance(color, QColor):
        return QColor(color)
    if isinstance(color, str):
        out = QColor(color)
        if not out.isValid():
            raise ValueError(f"not a colour: {color!r}")
        return out
    if isinstance(color, (tuple, list)) and len(color) in (3, 4):
        return QColor(*[int(c) for c in color])
    raise TypeError(f"cannot make a colour from {color!r}")


def chart_colors(widget: QWidget) -> tuple[QColor, QColor, QColor]:
    """Background, foreground and a faint grid colour from ``widget``'s palette."""
    pal = widget.palette()
    background = pal.color(QPalette.ColorRole.Base)
    foreground = pal.color(QPalette.ColorRole.Text)
    grid = QColor(foreground)
    grid.setAlpha(60)
    return background, foreground, grid


def text_color_on(background: QColor) -> QColor:
    """Black or white, whichever reads better on ``background``."""
    r, g, b = background.redF(), background.greenF(), background.blueF()
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return QColor("black") if luminance > 0.5 else QColor("white")


def apply_plot_palette(plot: pg.PlotWidget, grid: bool = True) -> tuple[QColor, QColor]:
    """Colour a PlotWidget from its Qt palette instead of pyqtgraph's black.

    Sets the background (Base), the axes, tick labels, axis labels, title and
    legend text (Text). Call again on a palette change. Returns the
    ``(background, foreground)`` colours used.
    """
    background, foreground, _ = chart_colors(plot)
    plot.setBackground(background)
    item = plot.getPlotItem()
    for name in ("left", "bottom", "right", "top"):
        axis = item.getAxis(name)
        axis.setPen(pg.mkPen(foreground, width=1, cosmetic=True))
        axis.setTextPen(pg.mkPen(foreground))
        # Below the ViewBox (z -100), so grid lines pass behind the data.
        axis.setZValue(-200)
        # Ticks stay in the unit the label names; no "(x0.001)" rescaling.
        axis.enableAutoSIPrefix(False)
    if grid:
        item.showGrid(x=True, y=True, alpha=0.18)
    title = item.titleLabel
    if title.isVisible() and title.text:
        title.setText(title.text, color=foreground.name())
    legend = item.legend
    if legend is not None:
        legend.setLabelTextColor(foreground)
        fill = QColor(background)
        fill.setAlpha(200)
        legend.setBrush(pg.mkBrush(fill))
        edge = QColor(foreground)
        edge.setAlpha(70)
        legend.setPen(pg.mkPen(edge, width=1, cosmetic=True))
        for _sample, label in legend.items:
            label.setText(label.text, color=foreground.name())
    return background, foreground
