"""WallTimeChart: a bar per run, labelled with its speedup over serial."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QPalette

from gcdapp.ui.charts.palette import mode_color
from gcdapp.ui.charts.walls import WallTimeChart, format_speedup


@pytest.fixture
def chart(qtbot):
    w = WallTimeChart()
    qtbot.addWidget(w)
    w.resize(600, 350)
    return w


def test_a_bar_per_run_with_its_speedup_label(chart):
    chart.add_run(1, "serial #1", mode_color("serial"), 2.0, 1.0)
    chart.add_run(2, "threads ×2 #2", mode_color("threads"), 2.1, 2.0 / 2.1)
    chart.add_run(3, "processes ×2 #3", mode_color("processes"), 1.04, 2.0 / 1.04)
    assert chart.bar_count() == 3
    assert chart.run_ids() == [1, 2, 3]
    assert chart.wall_times() == [2.0, 2.1, 1.04]
    assert chart.speedup_text(1) == "1.00×"
    assert chart.speedup_text(2) == "0.95×"
    assert chart.speedup_text(3) == "1.92×"
    assert chart.tick_labels() == ["serial #1", "threads ×2 #2", "processes ×2 #3"]
    # the drawn bars match
    opts = chart._item.opts
    assert list(opts["x"]) == [0, 1, 2]
    assert list(opts["height"]) == [2.0, 2.1, 1.04]
    assert not chart.grab().isNull()


def test_no_label_without_a_serial_run(chart):
    chart.add_run(5, "threads ×4 #5", "#f28e2b", 0.8, None)
    assert chart.speedup_text(5) is None
    assert "no serial run" in chart.bar_tooltip(5)
    chart.set_speedup(5, 3.456)
    assert chart.speedup_text(5) == "3.46×"
    assert "3.46×" in chart.bar_tooltip(5) and "0.800 s" in chart.bar_tooltip(5)
    chart.set_speedup(5, None)
    assert chart.speedup_text(5) is None


def test_speedup_label_sits_on_top_of_its_bar(chart):
    chart.add_run(1, "serial #1", "#8c8c8c", 3.0, 1.0)
    chart.add_run(2, "processes ×4 #2", "#4e8fd1", 0.9, 3.0 / 0.9)
    text = chart._find(2).text
    assert (text.pos().x(), text.pos().y()) == (1.0, 0.9)
    assert text.isVisible()
    # the view leaves room above the tallest bar for its label
    (_, _), (y0, y1) = chart.getPlotItem().getViewBox().viewRange()
    assert y0 <= 0 and y1 > 3.0 * 1.1


def test_format_speedup():
    assert format_speedup(1.916) == "1.92×"
    assert format_speedup(0.5) == "0.50×"
    assert format_speedup(12.34) == "12.3×"
    assert format_speedup(None) is None
    assert format_speedup(float("nan")) is None


def test_remove_run_and_clear(chart):
    for run_id in (1, 2, 3):
        chart.add_run(run_id, f"serial #{run_id}", "#888888", float(run_id), 1.0)
    chart.remove_run(2)
    assert chart.bar_count() == 2
    assert chart.run_ids() == [1, 3]
    assert chart.tick_labels() == ["serial #1", "serial #3"]
    assert chart.wall_times() == [1.0, 3.0]
    assert list(chart._item.opts["x"]) == [0, 1]  # bars close up
    assert chart._find(3).text.pos().x() == 1.0
    chart.remove_run(42)  # unknown ids are ignored
    chart.set_speedup(42, 2.0)
    chart.clear()
    assert chart.bar_count() == 0
    assert chart.tick_labels() == []
    assert len(chart._item.opts["x"]) == 0
    assert not chart.grab().isNull()
    chart.add_run(9, "serial #9", "#888888", 1.0, 1.0)  # still usable
    assert chart.bar_count() == 1


def test_adding_a_known_run_replaces_its_bar(chart):
    chart.add_run(1, "serial #1", "#888888", 1.0, None)
    chart.add_run(1, "serial #1", "#888888", 1.5, 1.0)
    assert chart.bar_count() == 1
    assert chart.wall_times() == [1.5]
    assert chart.speedup_text(1) == "1.00×"


def test_tick_labels_shorten_when_runs_crowd(chart):
    chart.resize(320, 300)
    for run_id in range(1, 9):
        chart.add_run(run_id, f"processes ×2 #{run_id}", "#4e8fd1", 1.0, 1.5)
    chart.grab()
    labels = chart.tick_labels()
    assert len(labels) == 8
    assert all(label == "" or label.endswith(f"#{i}") for i, label in enumerate(labels, 1))
    assert labels != [f"processes ×2 #{i}" for i in range(1, 9)]
    chart.resize(1400, 300)
    chart.grab()
    assert chart.tick_labels() == [f"processes ×2 #{i}" for i in range(1, 9)]


def test_hovering_a_bar_shows_wall_time(chart, qtbot):
    chart.show()
    qtbot.waitExposed(chart)
    chart.add_run(1, "serial #1", "#8c8c8c", 2.0, 1.0)
    vb = chart.getPlotItem().getViewBox()
    chart.grab()

    def move_to(x, y):
        qtbot.wait(20)  # (back-to-back synthetic moves can be dropped)
        qtbot.mouseMove(chart.viewport(), chart.mapFromScene(vb.mapViewToScene(QPointF(x, y))))

    move_to(0.0, 1.0)
    qtbot.waitUntil(lambda: chart.hover_text() is not None, timeout=2000)
    assert "serial #1" in chart.hover_text() and "2.000 s" in chart.hover_text()
    move_to(0.45, 1.0)  # beside the bar
    qtbot.waitUntil(lambda: chart.hover_text() is None, timeout=2000)


def test_axis_and_palette(chart):
    assert chart.getPlotItem().getAxis("left").labelText == "wall time (s)"
    assert chart.accessibleName() == "Wall times"
    assert chart.backgroundBrush().color() == chart.palette().color(QPalette.ColorRole.Base)
    chart.add_run(1, "serial #1", "#8c8c8c", 2.0, 1.0)
    pal = chart.palette()
    pal.setColor(QPalette.ColorRole.Base, QColor("#181818"))
    pal.setColor(QPalette.ColorRole.Text, QColor("#fafafa"))
    chart.setPalette(pal)
    assert chart.backgroundBrush().color() == QColor("#181818")
    assert chart._find(1).text.color == QColor("#fafafa")
    assert not chart.grab().isNull()


def test_labels_numbered_first_shorten_too(chart):
    # the window labels runs "#3 processes ×2"
    for i, mode in enumerate(["serial", "threads", "processes"] * 3, start=1):
        chart.add_run(i, f"#{i} {mode}" + ("" if mode == "serial" else " ×2"), "#4e8fd1", 1.0, None)
    chart.resize(300, 200)
    chart.grab()
    labels = chart.tick_labels()
    assert labels == [f"#{i}" for i in range(1, 10)]
    for i in range(4, 10):
        chart.remove_run(i)
    chart.resize(340, 200)
    chart.grab()
    assert chart.tick_labels() == ["#1 ser", "#2 thr ×2", "#3 proc ×2"]
