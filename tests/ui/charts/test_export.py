"""PNG and SVG export of the three timing charts, filled from a real run."""

from __future__ import annotations

import errno
import os
import re
import sys
import xml.dom.minidom
import xml.etree.ElementTree as ET

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QImage
from PySide6.QtSvg import QSvgRenderer

from gcdapp.core import atomic
from gcdapp.core.engine import run_pairs
from gcdapp.core.events import RunSpec
from gcdapp.core.export import ExportError
from gcdapp.core.pairs import as_pairs
from gcdapp.core.presets import SEED_NUMBERS
from gcdapp.ui.charts import export as chart_export
from gcdapp.ui.charts.export import export_plot, plot_to_png
from gcdapp.ui.charts.timing import TimingChart
from gcdapp.ui.charts.timeline import segment_brushes

SVG = "{http://www.w3.org/2000/svg}"
COLOR = QColor("#d62728")
LABEL = "#1 threads ×2"


@pytest.fixture(scope="module")
def run():
    pairs = as_pairs(SEED_NUMBERS)
    result = run_pairs(pairs, RunSpec(mode="threads", kernel="euclid", workers=2, chunksize=1))
    assert result.status == "completed" and len(result.tasks) == len(pairs)
    return pairs, result


@pytest.fixture(params=["hidden", "shown"])
def chart(request, qtbot, run):
    """A TimingChart showing one real run; never shown, or shown on screen."""
    pairs, result = run
    w = TimingChart()
    qtbot.addWidget(w)
    w.resize(1000, 700)
    w.begin_run(1, result.info, pairs, LABEL, COLOR)
    w.add_batch(1, result.tasks)
    w.finish_run(1, result, 1.5)
    if request.param == "shown":
        w.show()
        qtbot.waitExposed(w)
    return w


def svg_of(chart_widget, tmp_path, name):
    path = tmp_path / f"{name}.svg"
    assert export_plot(chart_widget, path) == path
    text = path.read_text(encoding="utf-8")
    assert QSvgRenderer(str(path)).isValid()  # Qt's own SVG parser takes it
    return ET.fromstring(text), text


def group(root, prefix):
    found = [g for g in root.iter(f"{SVG}g") if g.get("id", "").startswith(prefix)]
    assert found, f"no {prefix} in the SVG"
    return found[0]


def texts(root):
    return [t.text.strip() for t in root.iter(f"{SVG}text") if t.text and t.text.strip()]


def view_box_size(root):
    _x, _y, w, h = (float(v) for v in root.get("viewBox").split())
    return w, h


def matrix(g):
    a, b, c, d, e, f = (float(v) for v in re.match(r"matrix\((.*)\)", g.get("transform"))
                        .group(1).split(","))
    return a, b, c, d, e, f


def path_points(d):
    return [tuple(float(v) for v in token.lstrip("MLZ").split(","))
            for token in d.split() if token not in ("Z", "z")]


# -- SVG -----------------------------------------------------------------------------


def test_timeline_svg_holds_a_bar_per_task_in_place(chart, run, tmp_path):
    _pairs, result = run
    root, _ = svg_of(chart.timeline, tmp_path, "timeline")
    bars = group(root, "_TaskBarsItem")
    # A task is drawn in segments (timeline.segment_brushes): its time on CPU
    # solid in the run's two alternating shades, then waiting, queue wait and
    # the transfer cap in brushes of their own. The solid ones are its bar.
    solid = {QColor(b[0].color()).name() for key, b in segment_brushes(COLOR).items()
             if key in (0, 1)}
    rects = []
    for g in bars.iter(f"{SVG}g"):
        if g.get("fill") not in solid or float(g.get("fill-opacity", "1")) < 1:
            continue
        for rect in g.findall(f"{SVG}rect"):
            rects.append((matrix(g), g.get("fill"), {k: float(rect.get(k))
                                                     for k in ("x", "y", "width", "height")}))
    # ten tasks, far fewer than pixels: one rectangle each, in the run's colours
    assert len(rects) == len(result.tasks)
    fills = {fill for _m, fill, _r in rects}
    assert COLOR.name() in fills and len(fills) <= 2
    t_start = np.sort(result.tasks.t_start)
    np.testing.assert_allclose(sorted(r["x"] for _m, _f, r in rects), t_start, rtol=1e-5)
    durations = result.tasks.t_end - result.tasks.t_start
    cpu = getattr(result.tasks, "cpu_s", None)
    on_cpu = durations if cpu is None else np.where(np.isfinite(cpu), np.minimum(cpu, durations),
                                                    durations)
    for _m, _f, r in rects:
        assert r["width"] >= min(on_cpu) * (1 - 1e-5)
    # in pixels, each bar sits where the plot's view puts its task (so the
    # view was up to date), inside the drawing
    item = chart.timeline.getPlotItem()
    vb, origin = item.getViewBox(), item.scenePos()
    width, height = view_box_size(root)
    for m, _f, r in rects:
        x_px, y_px = m[0] * r["x"] + m[4], m[3] * r["y"] + m[5]
        expected = vb.mapViewToScene(QPointF(r["x"], r["y"])) - origin
        assert x_px == pytest.approx(expected.x(), abs=0.5)
        assert y_px == pytest.approx(expected.y(), abs=0.5)
        assert 0 <= x_px <= width and 0 <= y_px <= height
    rows = {round(m[3] * r["y"] + m[5], 3) for m, _f, r in rects}
    assert len(rows) == len(set(result.tasks.lane.tolist()))  # a row of bars per lane
    # the time axis spans the run, its pool's shutdown included (drawn after
    # the last task): the run's end lies in the right part of the plot
    end_px = (vb.mapViewToScene(QPointF(result.wall_s, 0.0)) - origin).x()
    assert 0.6 * width < end_px <= width
    ends = [m[0] * (r["x"] + r["width"]) + m[4] for m, _f, r in rects]
    assert max(ends) <= end_px


def test_timeline_svg_names_every_lane_and_the_run(chart, run, tmp_path):
    _pairs, result = run
    root, _ = svg_of(chart.timeline, tmp_path, "timeline")
    words = texts(root)
    for lane in result.tasks.lanes:
        assert lane in words
    assert any(w.startswith(LABEL) for w in words)
    assert "worker" in words


def test_completion_svg_has_the_rising_curve_and_its_legend(chart, run, tmp_path):
    _pairs, result = run
    root, _ = svg_of(chart.completion, tmp_path, "completion")
    curve = group(root, "PlotCurveItem")
    paths = [(g.get("stroke"), p.get("d")) for g in curve.iter(f"{SVG}g")
             for p in g.findall(f"{SVG}path")]
    assert len(paths) == 1
    stroke, d = paths[0]
    assert stroke == COLOR.name()
    points = path_points(d)
    assert len(points) >= len(result.tasks) + 1
    xs, ys = zip(*points)
    assert all(b >= a - 1e-6 for a, b in zip(xs, xs[1:]))  # time runs right
    assert all(b <= a + 1e-6 for a, b in zip(ys, ys[1:]))  # the count only rises
    assert ys[-1] < ys[0]
    width, _height = view_box_size(root)
    assert xs[-1] - xs[0] > 0.25 * width
    assert LABEL in texts(root)


def test_wall_svg_has_the_bar_and_its_speedup(chart, tmp_path):
    root, text = svg_of(chart.walls, tmp_path, "walls")
    bar = group(root, "BarGraphItem")
    paths = [(g.get("fill"), p.get("d")) for g in bar.iter(f"{SVG}g")
             for p in g.findall(f"{SVG}path")]
    assert len(paths) == 1
    fill, d = paths[0]
    assert fill == COLOR.name()
    assert d.split()[-1] == "Z"  # a closed path, kept closed
    assert len(path_points(d)) == 5
    words = texts(root)
    assert "1.50×" in words and "wall time (s)" in words


def test_plot_item_or_plot_widget_give_the_same_svg(qtbot, chart, tmp_path):
    a = tmp_path / "widget.svg"
    b = tmp_path / "item.svg"
    export_plot(chart.walls, a)
    export_plot(chart.walls.getPlotItem(), b)
    assert a.read_bytes() == b.read_bytes()


# -- PNG -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["timeline", "completion", "walls"])
def test_png_has_the_plot_size(chart, tmp_path, name):
    plot = getattr(chart, name)
    item = plot.getPlotItem()
    rect = item.mapRectToDevice(item.boundingRect())
    path = tmp_path / f"{name}.png"
    export_plot(plot, path)
    image = QImage(str(path))
    assert not image.isNull()
    assert image.format() != QImage.Format.Format_Invalid
    assert (image.width(), image.height()) == (int(rect.width()), int(rect.height()))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_png_at_a_chosen_width_shows_the_bars_in_the_run_colour(chart, tmp_path):
    item = chart.timeline.getPlotItem()
    rect = item.mapRectToDevice(item.boundingRect())
    width = 3 * int(rect.width())
    assert plot_to_png(chart.timeline, width=width).width() == width
    path = tmp_path / "wide.png"
    export_plot(chart.timeline, path, width=width)
    image = QImage(str(path))
    assert image.width() == width
    assert image.height() == int(width * rect.height() / rect.width())
    # the bars' colours, as the SVG names them (bars alternate two shades, and
    # when a slow run packs a lane's bars into one pixel the last shade wins)
    root, _ = svg_of(chart.timeline, tmp_path, "colours")
    fills = {QColor(g.get("fill")).rgb() for g in group(root, "_TaskBarsItem").iter(f"{SVG}g")
             if g.findall(f"{SVG}rect")}
    assert fills
    pixels = image.convertToFormat(QImage.Format.Format_RGB32)
    array = np.frombuffer(pixels.constBits(), np.uint32, pixels.height() * pixels.width())
    assert np.count_nonzero(np.isin(array, [0xFF000000 | rgb for rgb in fills])) > 10


# -- failures and the pyqtgraph work-around ----------------------------------------


def test_unknown_suffix_is_refused_and_nothing_is_written(chart, tmp_path):
    with pytest.raises(ValueError, match=r"use \.png or \.svg"):
        export_plot(chart.walls, tmp_path / "walls.jpg")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_a_failed_write_keeps_the_old_file(chart, tmp_path, monkeypatch, suffix):
    path = tmp_path / f"chart{suffix}"
    path.write_bytes(b"old")

    def full(_fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic.os, "fsync", full)
    with pytest.raises(ExportError, match="No space left on device"):
        export_plot(chart.completion, path)
    assert path.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_a_missing_folder_is_a_clear_error(chart, tmp_path):
    with pytest.raises(ExportError, match=r"Cannot write .*nowhere.*: No such file or directory"):
        export_plot(chart.timeline, tmp_path / "nowhere" / "t.svg")


def test_closed_paths_survive_the_coordinate_correction():
    svg_module = sys.modules[pg.exporters.SVGExporter.__module__]
    correct = chart_export._tolerant_correct_coordinates(svg_module.correctCoordinates)
    doc = xml.dom.minidom.parseString(
        '<g><g transform="matrix(2,0,0,2,10,20)">'
        '<path d="M0,0 L1,0 L1,1 Z M5,5 L6,6 Z"/></g></g>'
    )
    correct(doc.documentElement, [], None, {})
    d = doc.getElementsByTagName("path")[0].getAttribute("d").split()
    assert d[3] == "Z" and d[-1] == "Z"
    assert path_points(" ".join(d)) == [(10, 20), (12, 20), (12, 22), (20, 30), (22, 32)]
    # the work-around is only on while exporting
    assert svg_module.correctCoordinates is not correct
    with chart_export._closed_paths_supported():
        pass
    assert svg_module.correctCoordinates.__name__ == "correctCoordinates"
