"""The leverage heat map: cells, colours on a log scale, the 1.0× contour."""

from dataclasses import replace

import pytest

from gcdapp.core.leverage import LeverageMap
from gcdapp.core.leverage_result import CellKey
from gcdapp.core.stats import Summary
from gcdapp.ui.charts.leverage import LeverageChart, cell_text, speedup_label, speedup_rgba


@pytest.fixture(scope="module")
def leverage():
    return LeverageMap((3, 30), (1, 10), ("builtin", "bruteforce"), "threads",
                       rounds=1).execute()


@pytest.fixture
def chart(qtbot):
    c = LeverageChart()
    qtbot.addWidget(c)
    c.resize(700, 400)
    return c


def with_speedups(result, speedups):
    """The measured map with its cells' speedups set (to place the contour)."""
    cells = tuple(replace(c, speedups=Summary.of([speedups[c.key]])) if c.key in speedups
                  else c for c in result.cells)
    return replace(result, cells=cells)


def test_cells_labels_and_skipped_ones(chart, leverage):
    chart.show_map(leverage, now=True)
    assert chart.cell_count() == len(leverage.measured) == 6
    cell = leverage.cell("builtin", 3, 10)
    assert chart.cell_label(cell.key).startswith(speedup_label(cell.speedup))
    assert chart.cell_label(CellKey("bruteforce", 30, 1)) == "skipped"
    assert chart.cell_at(chart.cell_center(cell.key)) == cell
    assert "skipped: bruteforce tries" in cell_text(leverage.cell("bruteforce", 30, 1),
                                                    "threads")


def test_labels_keep_two_significant_figures_where_they_matter():
    assert [speedup_label(v) for v in (0.0874, 0.5, 1.024, 9.996, 12.4)] == [
        "0.087×", "0.50×", "1.02×", "10.00×", "12×"]


def test_colours_are_log_scaled_around_one():
    white = speedup_rgba(1.0)
    assert min(white[:3]) > 240
    assert speedup_rgba(10.0)[0] > speedup_rgba(10.0)[2]  # red above 1×
    assert speedup_rgba(0.1)[2] > speedup_rgba(0.1)[0]  # blue below
    assert speedup_rgba(0.1)[:3] == tuple(speedup_rgba(0.1)[:3])
    assert speedup_rgba(1e-9) == speedup_rgba(0.01)  # clipped to the scale


def test_the_contour_runs_between_cells_on_opposite_sides_of_one(chart, leverage):
    k = lambda kernel, d, c: CellKey(kernel, d, c)  # noqa: E731
    shaped = with_speedups(leverage, {
        k("builtin", 3, 1): 0.5, k("builtin", 3, 10): 2.0, k("builtin", 30, 1): 0.5,
        k("builtin", 30, 10): 0.7, k("bruteforce", 3, 1): 3.0, k("bruteforce", 3, 10): 4.0})
    chart.show_map(shaped, now=True)
    # builtin: 3 digits 1|10 (a vertical edge) and 10 over 30 digits (a horizontal edge);
    # bruteforce 3 digits both pay; builtin 30 digits over bruteforce: other kernel, no edge
    assert chart.contour_segments() == 2
    x, y = chart._contour.getData()
    assert sorted(zip(x[::2], y[::2], x[1::2], y[1::2])) == [(1, 0, 1, 1), (1, 1, 2, 1)]
    chart.clear()
    assert chart.cell_count() == 0 and chart.contour_segments() == 0
