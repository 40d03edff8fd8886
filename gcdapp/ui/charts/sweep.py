"""The worker sweep chart: speedup against workers, drawn as points arrive.

Each point is the median of its per-round speedups against the sweep's
serial baseline, with an error bar from the smallest to the largest. Beside
the points: the ideal line (speedup = workers), the Amdahl fit (its serial
fraction and confidence interval in the legend), the Universal Scalability
Law fit (σ, κ) and a line at the usable cores: points beyond it are
oversubscribed (drawn hollow), and points pyperf's rules call unstable get a
warning ring. Hover a point for its numbers, the Karp–Flatt serial fraction
among them.

Redraws are throttled: :meth:`SweepChart.show_sweep` keeps the latest sweep
and draws it at most every :data:`REDRAW_MS` (a finished sweep at once, with
``now=True``), so the GUI thread's work per update stays small.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Slot

from gcdapp.core.sweep_result import WIDE_CI, SweepPoint, SweepResult
from gcdapp.ui.charts.base import PlotChart
from gcdapp.ui.charts.palette import mode_color

__all__ = ["REDRAW_MS", "SweepChart"]

#: Shortest time between two redraws while a sweep runs.
REDRAW_MS = 100
#: Hover a point within this many pixels.
HOVER_PX = 12
_UNSTABLE = "#d62728"
_AMDAHL = "#2ca02c"
_USL = "#9467bd"


def point_text(point: SweepPoint, cores: int) -> str:
    """A point's numbers, as its tooltip says them."""
    lines = [f"{point.workers} worker{'s' if point.workers != 1 else ''}"]
    s = point.speedups
    if s is None:
        lines.append("no speedup yet (its round's serial baseline has not run)")
    else:
        lines.append(f"speedup {s.median:.2f}× (median of {s.n}; {s.min:.2f}× to {s.max:.2f}×)")
    lines.append(f"wall {point.walls.median * 1000:.1f} ms (median), chunk size "
                 f"{point.info.chunksize}")
    kf = point.karp_flatt
    lines.append("Karp–Flatt serial fraction: "
                 + ("— (one worker)" if kf is None else f"{100 * kf:.1f} %"))
    if point.oversubscribed:
        lines.append(f"oversubscribed: more workers than the {cores} usable cores")
    for reason in point.instability:
        lines.append(f"unstable: {reason}")
    return "\n".join(lines)


class SweepChart(PlotChart):
    """Speedup against workers for the last sweep."""

    ACCESSIBLE_NAME = "Worker sweep"
    X_LABEL = "workers"
    Y_LABEL = "speedup against serial (×)"

    def _build(self, item: pg.PlotItem) -> None:
        item.hideButtons()
        item.setMouseEnabled(x=False, y=False)
        self._legend = item.addLegend(offset=(10, 10), labelTextSize="8pt")
        self._ideal = item.plot([], [], pen=pg.mkPen("#999999", width=1,
                                                     style=Qt.PenStyle.DashLine),
                                name="ideal (speedup = workers)")
        self._amdahl = item.plot([], [], pen=pg.mkPen(_AMDAHL, width=2), name="Amdahl")
        self._usl = item.plot([], [], pen=pg.mkPen(_USL, width=2,
                                                   style=Qt.PenStyle.DotLine), name="USL")
        self._bars = pg.ErrorBarItem(x=np.empty(0), y=np.empty(0), beam=0.12,
                                     pen=pg.mkPen("#555555", width=1))
        item.addItem(self._bars)
        self._over = pg.LinearRegionItem(values=(0, 0), movable=False,
                                         brush=pg.mkBrush(178, 106, 0, 28),
                                         pen=pg.mkPen(None))
        self._over.setZValue(-10)
        self._over.setVisible(False)
        item.addItem(self._over, ignoreBounds=True)
        self._points = pg.ScatterPlotItem(size=10)
        item.addItem(self._points)
        self._legend.addItem(self._points, "points: median speedup, bars min–max")
        self._rings = pg.ScatterPlotItem(size=18, symbol="o", brush=None,
                                         pen=pg.mkPen(_UNSTABLE, width=2))
        item.addItem(self._rings)
        self._legend.addItem(pg.ScatterPlotItem(size=14, symbol="o", brush=None,
                                                pen=pg.mkPen(_UNSTABLE, width=2)),
                             "unstable by pyperf's rules")
        self._legend.addItem(pg.ScatterPlotItem(size=10, symbol="o", brush=None,
                                                pen=pg.mkPen("#555555", width=2)),
                             "hollow: oversubscribed (more workers than cores)")
        self._cores = pg.InfiniteLine(angle=90, movable=False,
                                      pen=pg.mkPen("#b26a00", width=1,
                                                   style=Qt.PenStyle.DashDotLine),
                                      label="usable cores",
                                      labelOpts={"position": 0.06, "color": "#b26a00",
                                                 "anchors": [(1, 1), (1, 1)]})
        self._cores.setVisible(False)
        item.addItem(self._cores, ignoreBounds=True)
        self._drawn: SweepResult | None = None
        self._throttle_redraws(REDRAW_MS)
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.redraws = 0  # how many times it drew (tests and benchmarks)

    # -- public API -------------------------------------------------------

    def show_sweep(self, result: SweepResult | None, now: bool = False) -> None:
        """Show ``result`` (None: nothing); drawn within :data:`REDRAW_MS`,
        or at once with ``now``."""
        self._show_latest(result, now)

    def clear(self) -> None:
        self.show_sweep(None, now=True)

    @property
    def sweep(self) -> SweepResult | None:
        """The sweep drawn now."""
        return self._drawn

    def point_count(self) -> int:
        return 0 if self._drawn is None else sum(
            1 for p in self._drawn.points if p.speedup is not None)

    def legend_texts(self) -> list[str]:
        return [label.text for _sample, label in self._legend.items]

    def point_tooltip(self, workers: int) -> str | None:
        p = self._point(workers)
        return None if p is None else point_text(p, self._drawn.cores)

    # -- drawing ----------------------------------------------------------

    def _point(self, workers: int) -> SweepPoint | None:
        if self._drawn is None:
            return None
        return next((p for p in self._drawn.points if p.workers == workers), None)

    @Slot()
    def _redraw(self) -> None:
        if not self._alive():
            return
        self.redraws += 1
        result = self._drawn = self._result
        points = [] if result is None else [p for p in result.points if p.speedup is not None]
        item = self.getPlotItem()
        if not points:
            for curve in (self._ideal, self._amdahl, self._usl):
                curve.setData([], [])
            self._points.setData([])
            self._rings.setData([])
            empty = np.empty(0)  # (every array: ErrorBarItem keeps the ones not given)
            self._bars.setData(x=empty, y=empty, top=empty, bottom=empty)
            self._cores.setVisible(False)
            self._over.setVisible(False)
            self._set_fit_names(None)
            item.setTitle(None)
            return
        color = mode_color(result.mode)
        x = np.array([p.workers for p in points], dtype=float)
        y = np.array([p.speedup for p in points])
        low = np.array([p.speedups.median - p.speedups.min for p in points])
        high = np.array([p.speedups.max - p.speedups.median for p in points])
        self._bars.setData(x=x, y=y, top=high, bottom=low)
        spots = [{"pos": (p.workers, p.speedup), "data": p.workers,
                  "symbol": "o", "brush": None if p.oversubscribed else pg.mkBrush(color),
                  "pen": pg.mkPen(color, width=2)} for p in points]
        self._points.setData(spots)
        self._rings.setData([{"pos": (p.workers, p.speedup)} for p in points if p.unstable])
        top = max(max(result.points, key=lambda p: p.workers).workers, result.cores, 2)
        xs = np.linspace(1, top, 60)
        self._ideal.setData([1, top], [1, top])
        self._amdahl.setData(*((xs, result.amdahl.predict(xs)) if result.amdahl else ([], [])))
        self._usl.setData(*((xs, result.usl.predict(xs)) if result.usl else ([], [])))
        self._cores.setValue(result.cores + 0.5)
        self._cores.setVisible(top > result.cores)
        self._over.setRegion((result.cores + 0.5, top + 0.5))
        self._over.setVisible(top > result.cores)
        item.getAxis("bottom").setTicks([[(n, str(n)) for n in range(1, top + 1)], []])
        self._set_fit_names(result)
        item.setTitle(f"{result.mode}, {result.kernel}, {result.n_pairs:,} pairs"
                      + ("" if result.status in ("completed", "running")
                         else f" · {result.status}"), size="9pt")
        # the ideal line in full: how far below it the points fall is the story
        ymax = max(float(np.max(y + high)), float(top)) * 1.08
        item.setXRange(0.5, top + 0.5, padding=0)
        item.setYRange(0, ymax, padding=0)

    def _set_fit_names(self, result: SweepResult | None) -> None:
        amdahl = "Amdahl"
        usl = "USL"
        if result is not None and result.amdahl is not None:
            a = result.amdahl
            amdahl = f"Amdahl: serial fraction {100 * a.serial_fraction:.1f} %"
            if a.ci is not None and a.half_width is not None and a.half_width <= WIDE_CI:
                amdahl += f" ± {100 * a.half_width:.1f} %"
            elif a.ci is not None:
                amdahl += f" (CI {100 * a.ci[0]:.0f}–{100 * a.ci[1]:.0f} %)"
        if result is not None and result.usl is not None:
            usl = f"USL: σ = {result.usl.sigma:.3f}, κ = {result.usl.kappa:.4f}"
        if result is not None and any(p.unstable for p in result.points):
            amdahl += ", unstable points"
        for sample, label in self._legend.items:
            if sample.item is self._amdahl:
                label.setText(amdahl)
            elif sample.item is self._usl:
                label.setText(usl)

    # -- hover --------------------------------------------------------------

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        result = self._drawn
        vb = self.getPlotItem().getViewBox()
        if result is None or not vb.sceneBoundingRect().contains(scene_pos):
            self._hide_hover()
            return
        best, best_d = None, HOVER_PX
        for p in result.points:
            if p.speedup is None:
                continue
            at = vb.mapViewToScene(QPointF(p.workers, p.speedup))
            d = ((at.x() - scene_pos.x()) ** 2 + (at.y() - scene_pos.y()) ** 2) ** 0.5
            if d <= best_d:
                best, best_d = p, d
        if best is None:
            self._hide_hover()
        else:
            self._show_hover(point_text(best, result.cores), scene_pos)
