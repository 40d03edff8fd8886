"""The base of the timing charts: a PlotWidget set up the way they all need.

:class:`PlotChart` does what every chart did for itself:

* drops the ``clear`` that PlotWidget copies onto each instance (it would
  shadow the chart's own ``clear()``), turns antialiasing and the plot's
  context menu off (its log/FFT modes would not suit these items), names the
  widget for accessibility and labels the axes;
* colours the plot from the Qt palette (:func:`~gcdapp.ui.charts.palette.apply_plot_palette`)
  and again on every palette change;
* ignores palette changes and resizes that come before the chart is built
  or after it is closed (``PlotWidget.close()`` drops the plot item);
* shows and hides a hover tooltip, and remembers its text (for tests and
  screen readers).

A subclass builds its items in :meth:`PlotChart._build`, extends
:meth:`PlotChart._apply_palette` for colours of its own, and overrides
:meth:`PlotChart._resized` when its layout depends on the widget's size.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QToolTip

from gcdapp.ui.charts.palette import apply_plot_palette

__all__ = ["PlotChart"]


class PlotChart(pg.PlotWidget):
    """A PlotWidget with the set-up, palette and hover handling the charts share."""

    #: The widget's accessible name.
    ACCESSIBLE_NAME = ""
    #: Axis labels (None: no label).
    X_LABEL: str | None = None
    Y_LABEL: str | None = None
    #: Grid lines along x and along y.
    GRID = (True, True)
    #: Opacity of the grid lines.
    GRID_ALPHA = 0.18

    _built = False  # (an instance sets it once _build has run)
    _hover_text: str | None = None

    def __init__(self, parent=None):
        super().__init__(parent)
        del self.clear  # PlotWidget's copy of PlotItem.clear
        self.setAccessibleName(self.ACCESSIBLE_NAME)
        self.setAntialiasing(False)
        item = self.getPlotItem()
        if self.X_LABEL is not None:
            item.setLabel("bottom", self.X_LABEL)
        if self.Y_LABEL is not None:
            item.setLabel("left", self.Y_LABEL)
        item.setMenuEnabled(False)
        self._foreground = QColor()
        self._build(item)
        self._built = True
        self._apply_palette()

    # -- for subclasses ---------------------------------------------------

    # -- throttled redraws (charts of a result that grows while it runs) -----
    def _throttle_redraws(self, interval_ms: int) -> None:
        """Draw the latest result given to :meth:`_show_latest` at most every
        ``interval_ms``, in the subclass's ``_redraw`` (which reads
        ``self._result``)."""
        self._result = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._redraw)

    def _show_latest(self, result, now: bool) -> None:
        """Keep ``result`` to draw: within the interval, or at once with ``now``."""
        self._result = result
        if now:
            self._timer.stop()
            self._redraw()
        elif not self._timer.isActive():
            self._timer.start()

    def _build(self, item: pg.PlotItem) -> None:
        """Add the chart's items and state (called once, from ``__init__``)."""

    def _apply_palette(self) -> None:
        """Colour the plot from the widget's palette; extend for the chart's
        own items (``self._foreground`` is the text colour)."""
        _, self._foreground = apply_plot_palette(self, grid=False)
        x, y = self.GRID
        self.getPlotItem().showGrid(x=x, y=y, alpha=self.GRID_ALPHA)

    def _resized(self) -> None:
        """The widget changed size (only once built, and while open)."""

    def _alive(self) -> bool:
        """Built, and not yet closed (PlotWidget.close() drops the plot item)."""
        return self._built and self.getPlotItem() is not None

    # -- hover tooltip ----------------------------------------------------

    def hover_text(self) -> str | None:
        """The tooltip text currently shown by hovering, if any."""
        return self._hover_text

    def _show_hover(self, text: str, scene_pos: QPointF) -> None:
        """Show ``text`` as the tooltip at the scene point under the mouse."""
        if text != self._hover_text:
            self._hover_text = text
            global_pos = self.viewport().mapToGlobal(self.mapFromScene(scene_pos))
            QToolTip.showText(global_pos, text, self)

    def _hide_hover(self) -> None:
        self._hover_text = None
        QToolTip.hideText()

    # -- Qt events --------------------------------------------------------

    def leaveEvent(self, event) -> None:
        self._hide_hover()
        super().leaveEvent(event)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._alive():
            self._resized()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._alive():
            self._apply_palette()
