"""TimelineLegend: the key to the timeline's segments."""

from __future__ import annotations

from PySide6.QtGui import QColor

from gcdapp.ui.charts.legend import TimelineLegend


def test_legend_names_every_segment_kind_and_fits(qtbot):
    legend = TimelineLegend()
    qtbot.addWidget(legend)
    assert legend.entries() == ["on CPU", "waiting (GIL or starved)", "queue wait",
                                "result transfer", "start-up / shutdown"]
    assert "GIL" in legend.toolTip() and "thread_time" in legend.toolTip()
    legend.set_color(QColor("#f28e2b"))
    legend.resize(legend.sizeHint())
    image = legend.grab().toImage()
    assert not image.isNull()
    # the CPU swatch is painted in the run's colour
    swatch = image.pixelColor(4 + TimelineLegend.SWATCH.width() // 2, image.height() // 2)
    assert swatch.name() == "#f28e2b"
