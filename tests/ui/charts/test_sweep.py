"""The worker sweep chart: points, spread, fits in the legend, throttled redraws."""

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt

from gcdapp.core.presets import SEED_NUMBERS
from gcdapp.core.run_settings import RunSettings
from gcdapp.core.sweep import Sweep
from gcdapp.ui.charts.sweep import SweepChart


@pytest.fixture(scope="module")
def sweep():
    settings = RunSettings().with_values(mode="threads", kernel="euclid", repeats=2)
    return Sweep(SEED_NUMBERS, settings, (1, 2, 3), cores=2).execute()


@pytest.fixture
def chart(qtbot):
    c = SweepChart()
    qtbot.addWidget(c)
    c.resize(600, 400)
    return c


def test_points_spread_ideal_line_and_fits(chart, sweep):
    chart.show_sweep(sweep, now=True)
    assert chart.point_count() == 3
    spots = chart._points.points()
    assert [s.pos().x() for s in spots] == [1, 2, 3]
    assert [s.pos().y() for s in spots] == [p.speedup for p in sweep.points]
    # oversubscribed (3 workers on 2 cores): hollow, beyond the cores line
    no_brush = Qt.BrushStyle.NoBrush
    assert spots[2].brush().style() == no_brush and spots[0].brush().style() != no_brush
    assert chart._cores.isVisible() and chart._cores.value() == 2.5
    x, y = chart._ideal.getData()
    assert list(x) == list(y) == [1, 3]
    legend = chart.legend_texts()
    if sweep.amdahl is not None:
        assert f"serial fraction {100 * sweep.amdahl.serial_fraction:.1f} %" in legend[1]
    if sweep.usl is not None:
        assert f"σ = {sweep.usl.sigma:.3f}" in legend[2]
    assert "oversubscribed" in chart.point_tooltip(3)
    assert "Karp–Flatt serial fraction: — (one worker)" in chart.point_tooltip(1)


def test_unstable_points_get_a_ring_and_the_legend_says_so(chart, sweep):
    shaky = replace(sweep, points=tuple(
        replace(p, instability=("made up for the view",) if p.workers == 2 else ())
        for p in sweep.points))
    chart.show_sweep(shaky, now=True)
    assert [s.pos().x() for s in chart._rings.points()] == [2]
    assert chart.legend_texts()[1].endswith(", unstable points")
    assert "unstable: made up for the view" in chart.point_tooltip(2)


def test_updates_while_running_are_throttled(qtbot, chart, sweep):
    before = chart.redraws
    for _ in range(50):
        chart.show_sweep(sweep)
    assert chart.redraws == before  # nothing drawn synchronously
    qtbot.waitUntil(lambda: chart.point_count() == 3)
    qtbot.wait(250)
    assert chart.redraws == before + 1
    chart.clear()
    assert chart.point_count() == 0 and not chart._cores.isVisible()
    # a cleared chart still lays out and paints (its error bars lost every array)
    assert chart._bars.boundingRect().isNull()
    chart.show_sweep(sweep, now=True)
    assert chart._bars.boundingRect().height() > 0
