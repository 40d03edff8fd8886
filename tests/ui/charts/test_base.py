"""PlotChart: the set-up, palette and hover handling the timing charts share."""

from __future__ import annotations

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QEvent, QPointF
from PySide6.QtGui import QColor, QPalette

from gcdapp.ui.charts.base import PlotChart
from gcdapp.ui.charts.completion import CompletionChart
from gcdapp.ui.charts.timeline import TimelineChart
from gcdapp.ui.charts.walls import WallTimeChart


class DotChart(PlotChart):
    """A chart of one scatter item, that counts the calls of the hooks."""

    ACCESSIBLE_NAME = "Dots"
    X_LABEL = "x (s)"
    Y_LABEL = "dots"
    GRID = (False, True)

    def _build(self, item: pg.PlotItem) -> None:
        self.calls = {"build": 0, "palette": 0, "resized": 0}
        self.calls["build"] += 1
        self.dots = pg.ScatterPlotItem(x=[0.0, 1.0], y=[0.0, 1.0])
        item.addItem(self.dots)

    def _apply_palette(self) -> None:
        super()._apply_palette()
        self.calls["palette"] += 1
        self.dots.setPen(pg.mkPen(self._foreground))

    def _resized(self) -> None:
        self.calls["resized"] += 1

    def clear(self) -> None:
        self.dots.setData(x=[], y=[])


@pytest.fixture
def chart(qtbot):
    w = DotChart()
    qtbot.addWidget(w)
    w.resize(400, 300)
    return w


def dark_palette(widget) -> QPalette:
    pal = widget.palette()
    pal.setColor(QPalette.ColorRole.Base, QColor("#202020"))
    pal.setColor(QPalette.ColorRole.Text, QColor("#f0f0f0"))
    return pal


def test_sets_up_the_plot_the_way_every_chart_wants(chart):
    item = chart.getPlotItem()
    assert chart.accessibleName() == "Dots"
    assert item.getAxis("bottom").labelText == "x (s)"
    assert item.getAxis("left").labelText == "dots"
    assert item.menuEnabled() is False
    assert not chart.renderHints() & chart.renderHints().Antialiasing
    assert chart.calls["build"] == 1 and chart.calls["palette"] == 1
    # the subclass's clear() is not shadowed by PlotWidget's copy of PlotItem.clear
    chart.clear()
    assert len(chart.dots.data) == 0
    assert chart.dots in item.items  # (PlotItem.clear would have removed it)


def test_the_grid_follows_the_class_setting(chart):
    item = chart.getPlotItem()
    assert item.getAxis("bottom").grid is False
    assert item.getAxis("left").grid == int(PlotChart.GRID_ALPHA * 255)


def test_colours_come_from_the_palette_and_follow_its_changes(chart):
    foreground = chart.palette().color(QPalette.ColorRole.Text)
    assert chart.getPlotItem().getAxis("left").textPen().color() == foreground
    chart.setPalette(dark_palette(chart))
    assert chart.calls["palette"] == 2
    assert chart.backgroundBrush().color() == QColor("#202020")
    assert chart.getPlotItem().getAxis("bottom").textPen().color() == QColor("#f0f0f0")
    assert chart.dots.opts["pen"].color() == QColor("#f0f0f0")
    # the grid setting survives the palette change
    assert chart.getPlotItem().getAxis("bottom").grid is False


def test_resizes_reach_the_hook(chart, qtbot):
    before = chart.calls["resized"]
    chart.show()
    qtbot.waitExposed(chart)
    chart.resize(500, 320)
    qtbot.waitUntil(lambda: chart.calls["resized"] > before, timeout=2000)


def closed(chart: PlotChart) -> PlotChart:
    """``chart`` after PlotWidget.close(), which drops the plot item. (Not
    given to qtbot: pyqtgraph's close() cannot run twice.)"""
    chart.close()
    assert chart.getPlotItem() is None
    return chart


def test_a_closed_chart_ignores_palette_changes_and_resizes(qapp):
    chart = DotChart()
    chart.resize(400, 300)
    calls = dict(chart.calls)
    closed(chart)
    chart.changeEvent(QEvent(QEvent.Type.PaletteChange))
    chart.resize(600, 400)
    chart.setPalette(dark_palette(chart))
    assert chart.calls["palette"] == calls["palette"]
    assert chart.calls["resized"] == calls["resized"]
    chart.deleteLater()


def test_events_before_the_chart_is_built_do_not_reach_the_hooks(qtbot):
    seen = []

    class EarlyChart(PlotChart):
        def _build(self, item):
            # a palette change while building: the chart is not built yet
            self.setPalette(dark_palette(self))
            seen.append(self._alive())

        def _apply_palette(self):
            super()._apply_palette()
            seen.append("palette")

    w = EarlyChart()
    qtbot.addWidget(w)
    assert seen == [False, "palette"]  # once, after the build
    assert w.backgroundBrush().color() == QColor("#202020")


def test_hover_text_is_shown_once_and_hidden(chart, qtbot):
    assert chart.hover_text() is None
    chart.show()
    qtbot.waitExposed(chart)
    chart._show_hover("dot 1", QPointF(10, 10))
    assert chart.hover_text() == "dot 1"
    chart._show_hover("dot 1", QPointF(12, 10))  # the same text: no new tooltip
    assert chart.hover_text() == "dot 1"
    chart.leaveEvent(QEvent(QEvent.Type.Leave))
    assert chart.hover_text() is None


@pytest.mark.parametrize("cls", [TimelineChart, CompletionChart, WallTimeChart])
def test_the_timing_charts_share_the_base(qapp, cls):
    w = cls()
    assert isinstance(w, PlotChart)
    assert w.accessibleName() == cls.ACCESSIBLE_NAME != ""
    assert w.getPlotItem().menuEnabled() is False
    assert w._alive()
    closed(w)
    assert not w._alive()
    w.setPalette(dark_palette(w))  # (after close: ignored, no error)
    w.resize(300, 200)
    w.deleteLater()
