"""LiveRange: a live chart's range grows in steps, and lets go for the user."""

from __future__ import annotations

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF

from gcdapp.ui.charts.live_range import LiveRange, nice_ceil


@pytest.mark.parametrize(
    ("value", "nice"),
    [
        (0.09, 0.1),
        (0.1, 0.1),
        (0.11, 0.15),
        (0.151, 0.2),
        (0.25, 0.3),
        (0.45, 0.5),
        (0.7, 0.8),
        (0.81, 1.0),
        (1.2, 1.5),
        (7.0, 8.0),
        (8.5, 10.0),
        (1234.0, 1500.0),
        (1_000_000.0, 1_000_000.0),
    ],
)
def test_nice_ceil(value, nice):
    assert nice_ceil(value) == pytest.approx(nice)
    assert nice_ceil(value) >= value


@pytest.mark.parametrize("value", [0.0, -1.0, float("inf"), float("nan")])
def test_nice_ceil_leaves_other_values(value):
    out = nice_ceil(value)
    assert out == value or (out != out and value != value)


@pytest.fixture
def plot(qtbot):
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(400, 300)
    return widget


def x_range(plot):
    return plot.getPlotItem().getViewBox().viewRange()[0]


def test_grows_in_few_steps_to_about_twice_the_data(plot):
    vb = plot.getPlotItem().getViewBox()
    live = LiveRange(vb, axes=(0,))
    live.start()
    assert live.following and vb.autoRangeEnabled()[0] is False
    changes = 0
    for i in range(1, 201):  # 200 updates, data from 0.005 to 1.0
        t = i * 0.005
        changes += live.extend(x=t)
        low, high = x_range(plot)
        assert low == pytest.approx(0.0)
        assert t <= high <= 2.25 * t + 1e-9  # always ahead of the data, never far
    assert changes == live.range_changes <= 12
    assert vb.autoRangeEnabled()[0] is False


def test_start_with_known_bounds_and_stop_hands_back_to_auto_range(plot):
    vb = plot.getPlotItem().getViewBox()
    live = LiveRange(vb, axes=(0, 1))
    live.start(x=2.0, y=1000)
    assert x_range(plot) == pytest.approx([0.0, 2.0])
    assert vb.viewRange()[1] == pytest.approx([0.0, 1000.0])
    assert not live.extend(x=1.5, y=900)  # inside: nothing to do
    assert live.range_changes == 1
    live.stop()
    assert not live.following
    assert vb.autoRangeEnabled()[0] and vb.autoRangeEnabled()[1]


def test_a_user_zoom_takes_the_view_over(plot, qtbot):
    vb = plot.getPlotItem().getViewBox()
    live = LiveRange(vb, axes=(0,))
    live.start(x=1.0)
    vb.scaleBy(x=0.5, center=QPointF(0.5, 0.0))
    vb.sigRangeChangedManually.emit(vb.state["mouseEnabled"])  # as a wheel zoom does
    zoomed = x_range(plot)
    assert not live.following
    assert not live.extend(x=5.0)  # data past the view: the user's view stays
    assert x_range(plot) == pytest.approx(zoomed)
    live.stop()  # the run ends: still the user's
    assert vb.autoRangeEnabled()[0] is False
    assert x_range(plot) == pytest.approx(zoomed)


def test_the_auto_range_button_takes_the_view_over(plot):
    vb = plot.getPlotItem().getViewBox()
    live = LiveRange(vb, axes=(0,))
    live.start(x=1.0)
    vb.enableAutoRange()  # what the plot's "A" button does
    assert not live.extend(x=5.0)
    assert not live.following
