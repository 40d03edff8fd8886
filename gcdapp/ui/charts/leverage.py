"""The leverage heat map: where a parallel mode starts to pay.

One panel: a row per (kernel, digits per integer), a column per chunk size
(pairs per task). A cell's colour is its speedup against serial on a log
scale, from 0.01× (blue) through 1.0× (white) to 100× (red); its label says
the speedup. A thick black line runs between neighbouring cells on opposite
sides of 1.0×: the contour where the mode starts to pay. Cells the map
skipped are grey, cells not measured yet empty.

Hover a cell for its numbers (speedup and spread, compute and transfer per
task, pairs and tasks, or why it was skipped); click one and
:attr:`LeverageChart.cellClicked` says which (a
:class:`~gcdapp.core.leverage_result.CellKey`). Redraws are throttled like
the sweep chart's (:data:`REDRAW_MS`).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal, Slot
from PySide6.QtGui import QColor

from gcdapp.core.leverage_result import BREAK_EVEN, CellKey, LeverageCell, LeverageResult
from gcdapp.ui.charts.base import PlotChart
from gcdapp.ui.charts.palette import text_color_on

__all__ = ["LOG_RANGE", "REDRAW_MS", "LeverageChart", "cell_text", "speedup_label",
           "speedup_rgba"]

REDRAW_MS = 100
#: The colour scale spans 10^-LOG_RANGE to 10^LOG_RANGE times serial.
LOG_RANGE = 2.0
_COLORMAP = pg.ColorMap(pos=[0.0, 0.5, 1.0],
                        color=[(33, 102, 172), (247, 247, 247), (178, 24, 43)])
_SKIPPED = (190, 190, 190, 255)
_PENDING = (0, 0, 0, 0)


def _duration(seconds: float | None) -> str:
    if seconds is None or not math.isfinite(seconds):
        return "—"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.3f} s"


def speedup_label(speedup: float) -> str:
    """``0.087×``, ``1.02×``, ``12×``: what a cell says."""
    if speedup < 0.1:
        return f"{speedup:.2g}×"
    return f"{speedup:.2f}×" if speedup < 10 else f"{speedup:.0f}×"


def speedup_rgba(speedup: float) -> tuple[int, int, int, int]:
    """A speedup's colour on the map's log scale."""
    v = min(max(math.log10(max(speedup, 1e-12)) / LOG_RANGE, -1.0), 1.0)
    r, g, b, a = _COLORMAP.map(np.array([(v + 1) / 2]), mode="byte")[0]
    return int(r), int(g), int(b), int(a)


def cell_text(cell: LeverageCell, mode: str) -> str:
    """A cell's numbers, as its tooltip says them."""
    lines = [cell.key.label]
    if cell.skipped:
        return "\n".join(lines + [f"skipped: {cell.skipped}"])
    s = cell.speedups
    lines.append(f"{mode} speedup {s.median:.2f}× (median of {s.n}; {s.min:.2f}× to {s.max:.2f}×)"
                 + (" — pays" if cell.pays else " — does not pay"))
    if cell.speedups_with_startup is not None:
        lines.append(f"with the pool's start-up counted: {cell.speedups_with_startup.median:.2f}×")
    t = cell.per_task
    if t is not None:
        lines.append(f"per task: compute {_duration(t.compute_s)}, transfer "
                     f"{_duration(t.transfer_s)} (pickling {_duration(t.pickle_s)}, "
                     f"{t.bytes_in + t.bytes_out:,.0f} bytes)")
    lines.append(f"{cell.n_pairs:,} pairs in {cell.n_tasks:,} tasks; serial "
                 f"{_duration(cell.serial_s.median if cell.serial_s else None)}, {mode} "
                 f"{_duration(cell.mode_s.median if cell.mode_s else None)}")
    for reason in cell.instability:
        lines.append(f"unstable: {reason}")
    lines.append("Click to load this workload into the pairs.")
    return "\n".join(lines)


class LeverageChart(PlotChart):
    """The last leverage map as a heat map with its 1.0× contour."""

    ACCESSIBLE_NAME = "Leverage map"
    X_LABEL = ("pairs per task (chunk size) · blue: slower than serial, red: faster · "
               "! unstable (pyperf's rules)")
    Y_LABEL = None
    GRID = (False, False)

    #: A cell was clicked (its CellKey).
    cellClicked = Signal(object)

    def _build(self, item: pg.PlotItem) -> None:
        item.hideButtons()
        item.setMouseEnabled(x=False, y=False)
        vb = item.getViewBox()
        vb.invertY(True)
        self._image = pg.ImageItem(axisOrder="row-major")
        item.addItem(self._image)
        self._grid = pg.PlotDataItem([], [], connect="pairs",
                                     pen=pg.mkPen("#777777", width=1))
        item.addItem(self._grid)
        self._contour = pg.PlotDataItem([], [], connect="pairs",
                                        pen=pg.mkPen("#000000", width=4))
        item.addItem(self._contour)
        self._label_items: dict[CellKey, pg.TextItem] = {}
        self._title: str | None = None
        self._rows: list[tuple[str, int]] = []
        self._cols: list[int] = []
        self._drawn: LeverageResult | None = None
        self._throttle_redraws(REDRAW_MS)
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.scene().sigMouseClicked.connect(self._on_mouse_clicked)
        self.redraws = 0

    # -- public API -------------------------------------------------------

    def show_map(self, result: LeverageResult | None, now: bool = False) -> None:
        """Show ``result`` (None: nothing); drawn within :data:`REDRAW_MS`,
        or at once with ``now``."""
        self._show_latest(result, now)

    def clear(self) -> None:
        self.show_map(None, now=True)

    @property
    def leverage(self) -> LeverageResult | None:
        return self._drawn

    def cell_count(self) -> int:
        """Cells drawn with a speedup."""
        return 0 if self._drawn is None else len(self._drawn.measured)

    def contour_segments(self) -> int:
        x, _y = self._contour.getData()
        return 0 if x is None else len(x) // 2

    def cell_label(self, key: CellKey) -> str | None:
        label = self._label_items.get(key)
        return None if label is None else label.toPlainText()

    def cell_center(self, key: CellKey) -> QPointF | None:
        """Where a cell's centre is, in view coordinates (None: not drawn)."""
        try:
            r = self._rows.index((key.kernel, key.digits))
            c = self._cols.index(key.chunksize)
        except ValueError:
            return None
        return QPointF(c + 0.5, r + 0.5)

    def cell_at(self, view_pos: QPointF) -> LeverageCell | None:
        result = self._drawn
        if result is None:
            return None
        c, r = math.floor(view_pos.x()), math.floor(view_pos.y())
        if not (0 <= r < len(self._rows) and 0 <= c < len(self._cols)):
            return None
        kernel, digits = self._rows[r]
        return result.cell(kernel, digits, self._cols[c])

    # -- drawing ----------------------------------------------------------

    @Slot()
    def _redraw(self) -> None:
        """Draw the latest map. Only what changed is touched (a new cell's
        label, the image, the contour): a running map adds one cell at a time,
        and every Qt call from the GUI thread may wait for the GIL while the
        coordinator thread computes."""
        if not self._alive():
            return
        self.redraws += 1
        result = self._drawn = self._result
        item = self.getPlotItem()
        if result is None or not result.kernels:
            self._set_grid([], [])
            self._image.clear()
            self._grid.setData([], [])
            self._contour.setData([], [])
            self._set_title(None)
            return
        self._set_grid([(k, d) for k in result.kernels for d in result.digits],
                       list(result.chunksizes))
        rows, cols = self._rows, self._cols
        rgba = np.zeros((len(rows), len(cols), 4), dtype=np.ubyte)
        pays = np.full((len(rows), len(cols)), np.nan)
        row_of = {row: r for r, row in enumerate(rows)}
        col_of = {chunk: c for c, chunk in enumerate(cols)}
        seen = set()
        for cell in result.cells:
            key = cell.key
            r, c = row_of.get((key.kernel, key.digits)), col_of.get(key.chunksize)
            if r is None or c is None:
                continue
            seen.add(key)
            if not cell.measured:
                rgba[r, c] = _SKIPPED
                text, color = "skipped", QColor(80, 80, 80)
            else:
                rgba[r, c] = speedup_rgba(cell.speedup)
                pays[r, c] = 1.0 if cell.speedup > BREAK_EVEN else 0.0
                text = speedup_label(cell.speedup) + ("!" if cell.unstable else "")
                color = text_color_on(QColor(*(int(v) for v in rgba[r, c][:3])))
            self._set_label(key, text, color, c, r)
        for key in [k for k in self._label_items if k not in seen]:
            item.removeItem(self._label_items.pop(key))
        self._image.setImage(rgba, autoLevels=False)
        self._image.setRect(0, 0, len(cols), len(rows))
        self._contour.setData(*self._segments(pays, rows))
        self._set_title(f"{result.mode} ×{result.workers} against serial"
                        + ("" if result.status in ("completed", "running")
                           else f" ({result.status})")
                        + " · colour: speedup, log scale · black line: 1.0×")

    def _set_title(self, title: str | None) -> None:
        if title != self._title:
            self._title = title
            self.getPlotItem().setTitle(title, size="9pt")

    def _set_label(self, key: CellKey, text: str, color: QColor, c: int, r: int) -> None:
        label = self._label_items.get(key)
        if label is None:
            label = pg.TextItem(text, color=color, anchor=(0.5, 0.5))
            label.cell_key = key
            label.shown = (text, color.rgb())
            label.setPos(c + 0.5, r + 0.5)
            self.getPlotItem().addItem(label, ignoreBounds=True)
            self._label_items[key] = label
        elif label.shown != (text, color.rgb()):
            label.shown = (text, color.rgb())
            label.setText(text, color=color)

    def _set_grid(self, rows: list[tuple[str, int]], cols: list[int]) -> None:
        """The rows and columns (and with them the ticks and the range), when they change."""
        if rows == self._rows and cols == self._cols:
            return
        item = self.getPlotItem()
        for label in self._label_items.values():
            item.removeItem(label)
        self._label_items = {}
        self._rows, self._cols = rows, cols
        gx, gy = [], []
        for r in range(1, len(rows)):
            if rows[r][0] != rows[r - 1][0]:  # a line between kernels
                gx += [0, len(cols)]
                gy += [r, r]
        self._grid.setData(gx, gy)
        item.getAxis("bottom").setTicks([[(c + 0.5, f"{v:,}") for c, v in enumerate(cols)], []])
        item.getAxis("left").setTicks([[(r + 0.5, f"{k} · {d} digits")
                                        for r, (k, d) in enumerate(rows)], []])
        if rows and cols:
            item.setXRange(0, len(cols), padding=0.02)
            item.setYRange(0, len(rows), padding=0.02)

    @staticmethod
    def _segments(pays: np.ndarray, rows) -> tuple[list[float], list[float]]:
        """Line segments between neighbouring measured cells on opposite
        sides of 1.0× (rows of different kernels are not neighbours)."""
        xs: list[float] = []
        ys: list[float] = []
        n_rows, n_cols = pays.shape
        for r in range(n_rows):
            for c in range(n_cols):
                here = pays[r, c]
                if np.isnan(here):
                    continue
                if c + 1 < n_cols and not np.isnan(pays[r, c + 1]) and pays[r, c + 1] != here:
                    xs += [c + 1, c + 1]
                    ys += [r, r + 1]
                if (r + 1 < n_rows and rows[r + 1][0] == rows[r][0]
                        and not np.isnan(pays[r + 1, c]) and pays[r + 1, c] != here):
                    xs += [c, c + 1]
                    ys += [r + 1, r + 1]
        return xs, ys

    # -- hover and click -----------------------------------------------------

    def _cell_under(self, scene_pos: QPointF) -> LeverageCell | None:
        vb = self.getPlotItem().getViewBox()
        if not vb.sceneBoundingRect().contains(scene_pos):
            return None
        return self.cell_at(vb.mapSceneToView(scene_pos))

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        cell = self._cell_under(scene_pos)
        if cell is None:
            self._hide_hover()
        else:
            self._show_hover(cell_text(cell, self._drawn.mode), scene_pos)

    def _on_mouse_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        cell = self._cell_under(event.scenePos())
        if cell is not None:
            event.accept()
            self.cellClicked.emit(cell.key)
