"""Save a pyqtgraph plot as PNG or SVG, through pyqtgraph's own exporters.

:func:`export_plot` takes a ``PlotWidget`` (or its ``PlotItem``) and picks the
format by the file's suffix. It works around four problems of pyqtgraph 0.14
exporters, all found on these charts:

* **Stale view before an SVG export.** A ViewBox applies auto-range and its
  view matrix lazily, when the scene emits ``sigPrepareForPaint``; the image
  exporter renders the scene (which emits it), the SVG exporter paints item by
  item (which does not). A chart that was never painted since its data
  changed (a hidden window, a test, a dock) then exports with a stale range:
  the timeline's bars land in a 1×1 view, curves disappear
  (pyqtgraph issue #3176). We emit it before exporting.
* **Closed paths in SVG.** Qt >= 6.10's SVG generator ends closed sub-paths
  with a bare ``Z``; pyqtgraph's ``correctCoordinates`` expects every path
  token to be ``x,y`` and raises ``ValueError`` (pyqtgraph issue #3495, fix
  pending in PR #3458). Every ViewBox paints a closed rectangle, so no plot
  exports at all. While we export, ``correctCoordinates`` is wrapped so it
  never sees a bare ``Z`` (only when the installed pyqtgraph needs it).
* **Never-shown plots.** A plot in a hidden window has not laid out its axes
  and title (Qt does that on a posted LayoutRequest): the export shows a
  clipped title and no tick labels. We lay it out first.
* **Width and height must be ints** for the image exporter (pyqtgraph issues
  #538, #464); we only ever pass ints.

The timeline paints its bars with ``QPainter.drawRects``; Qt's SVG generator
writes those as ``<rect>`` elements inside a transformed ``<g>``, which
pyqtgraph keeps as they are, so the bars survive the SVG export.

Files are written atomically (:func:`gcdapp.core.export.write_atomic_bytes`);
failures raise :class:`gcdapp.core.export.ExportError`. Rendering must happen
on the GUI thread (it paints Qt items); :func:`plot_bytes` does only that, so
the file can be written elsewhere (the export menu writes it on its worker).
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import threading
import xml.dom.minidom
from pathlib import Path

import pyqtgraph as pg
import pyqtgraph.exporters  # noqa: F401  (registers and loads the exporter modules)
from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QEvent, QIODevice, QRectF
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QGraphicsLayout

from gcdapp.core.export import ExportError, write_atomic_bytes

__all__ = ["CHART_FORMATS", "export_plot", "plot_bytes", "plot_to_png", "plot_to_svg"]

#: Suffixes :func:`export_plot` understands.
CHART_FORMATS = (".png", ".svg")

_svg_module = sys.modules[pg.exporters.SVGExporter.__module__]
_CLOSE = re.compile(r"(?<=\s)[Zz](?=\s|$)|^[Zz](?=\s|$)")
_CLOSE_PLACEHOLDER = re.compile(r"[Zz]-?[0-9.e+-]*,-?[0-9.e+-]*")
_patch_lock = threading.Lock()


def _plot_item(plot) -> pg.PlotItem:
    """The PlotItem of a PlotWidget (exporters need a graphics item, not a widget)."""
    if isinstance(plot, pg.PlotWidget):
        item = plot.getPlotItem()
        if item is None:
            raise ValueError("the plot widget is closed")
        return item
    if isinstance(plot, pg.GraphicsItem):
        return plot
    raise TypeError(f"expected a PlotWidget or a PlotItem, got {type(plot).__name__}")


def _prepare(item) -> None:
    """Bring the plot's layout and every ViewBox up to date, as a paint would."""
    scene = item.scene()
    if scene is None:
        raise ValueError("the plot is not in a scene")
    _lay_out(item)
    scene.prepareForPaint()


def _lay_out(item) -> None:
    """Lay out a plot that may never have been shown (or not since it changed).

    Qt lays a graphics layout out on a posted LayoutRequest, and the axes size
    themselves to their tick labels while painting; so: lay out, paint once
    off screen, and lay out again with the axes' final sizes.
    """
    layout = item.layout if isinstance(getattr(item, "layout", None), QGraphicsLayout) else None
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    if layout is not None:
        layout.activate()
    rect = item.sceneBoundingRect()
    if rect.width() < 1 or rect.height() < 1:
        return
    scratch = QImage(int(rect.width()), int(rect.height()),
                     QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(scratch)
    try:
        item.scene().render(painter, QRectF(scratch.rect()), rect)
    finally:
        painter.end()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    if layout is not None:
        layout.activate()


# -- SVG: closed paths ------------------------------------------------------------


def _tolerant_correct_coordinates(original):
    """Wrap pyqtgraph's ``correctCoordinates`` so it accepts closed paths.

    A bare ``Z`` becomes ``Z0,0`` (a token pyqtgraph parses as a command letter
    with a point), and once the coordinates are transformed the point is
    dropped again, leaving ``Z``.
    """

    def correct(node, defs, item, options):
        closed = []
        for path in node.getElementsByTagName("path"):
            d = path.getAttribute("d")
            if _CLOSE.search(d):
                path.setAttribute("d", _CLOSE.sub("Z0,0", d))
                closed.append(path)
        original(node, defs, item, options)
        for path in closed:
            path.setAttribute("d", _CLOSE_PLACEHOLDER.sub("Z", path.getAttribute("d")))

    return correct


def _needs_close_path_fix(correct) -> bool:
    """True when pyqtgraph's ``correctCoordinates`` cannot take a closed path."""
    doc = xml.dom.minidom.parseString(
        '<g><g transform="matrix(1,0,0,1,0,0)"><path d="M0,0 L1,0 L1,1 Z"/></g></g>'
    )
    try:
        correct(doc.documentElement, [], None, {})
    except ValueError:
        return True
    return False


_NEEDS_FIX = _needs_close_path_fix(_svg_module.correctCoordinates)


@contextlib.contextmanager
def _closed_paths_supported():
    """While active, pyqtgraph's SVG exporter accepts closed paths."""
    if not _NEEDS_FIX:
        yield
        return
    with _patch_lock:
        original = _svg_module.correctCoordinates
        _svg_module.correctCoordinates = _tolerant_correct_coordinates(original)
        try:
            yield
        finally:
            _svg_module.correctCoordinates = original


# -- exporting --------------------------------------------------------------------


def plot_to_png(plot, width: int | None = None) -> QImage:
    """Render ``plot`` (a PlotWidget or PlotItem) to an image.

    ``width`` in pixels (the height follows the plot's aspect); by default the
    plot's size on screen.
    """
    item = _plot_item(plot)
    _prepare(item)
    exporter = pg.exporters.ImageExporter(item)
    params = exporter.parameters()
    if width is not None:
        params["width"] = int(width)  # sets the height too, as an int
    if int(params["width"]) <= 0 or int(params["height"]) <= 0:
        raise ValueError("the chart has no size (is it laid out?)")
    image = exporter.export(toBytes=True)
    if not isinstance(image, QImage) or image.isNull():
        raise ValueError("the chart could not be rendered")
    return image


def plot_to_svg(plot) -> bytes:
    """``plot`` (a PlotWidget or PlotItem) as an SVG document (UTF-8)."""
    item = _plot_item(plot)
    _prepare(item)
    exporter = pg.exporters.SVGExporter(item)
    with _closed_paths_supported():
        data = exporter.export(toBytes=True)
    return bytes(data)


def _png_bytes(image: QImage) -> bytes:
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    ok = image.save(buffer, "PNG")
    buffer.close()
    if not ok:
        raise ValueError("PNG encoding failed")
    return array.data()


def plot_bytes(plot, path: str | os.PathLike, *, width: int | None = None) -> bytes:
    """The file :func:`export_plot` would write at ``path``: ``plot`` rendered
    as PNG or SVG by the suffix. On the GUI thread only.

    Raises :class:`ExportError` (the message names the file and the reason),
    or ``ValueError`` for an unsupported suffix.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in CHART_FORMATS:
        raise ValueError(
            f"cannot tell the format of {target.name!r}: use "
            + " or ".join(CHART_FORMATS)
        )
    try:
        if suffix == ".png":
            return _png_bytes(plot_to_png(plot, width))
        return plot_to_svg(plot)
    except (ValueError, TypeError, RuntimeError) as exc:
        raise ExportError(target, str(exc) or type(exc).__name__) from exc


def export_plot(plot, path: str | os.PathLike, *, width: int | None = None) -> Path:
    """Save ``plot`` (a PlotWidget or its PlotItem) to ``path``: PNG or SVG by
    the suffix. Atomic: on failure the old file is left as it was.

    Raises :class:`ExportError` (the message names the file and the reason),
    or ``ValueError`` for an unsupported suffix.
    """
    target = Path(path)
    write_atomic_bytes(target, plot_bytes(plot, target, width=width))
    return target
