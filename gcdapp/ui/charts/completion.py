"""Completed pairs against time, one step curve per run, runs overlaid.

Each run keeps ``(t_end, pairs completed)`` in numpy buffers that double when
full; the curve starts at ``(0, 0)`` so pool start-up shows as a flat start,
rises one step per completed task, and once the run finishes holds its total
until the run's wall time.

While a run is live the view does not auto-range (which would regenerate
both axes on every batch): y spans the run's known total from the start, and
x grows in steps ahead of the curve (:mod:`gcdapp.ui.charts.live_range`). When the
run finishes the view auto-ranges again, unless the user zoomed or panned.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from gcdapp.core.events import RunResult, TaskBatch
from gcdapp.core.growing import GrowingColumns
from gcdapp.ui.charts.base import PlotChart
from gcdapp.ui.charts.live_range import LiveRange
from gcdapp.ui.charts.palette import to_qcolor

__all__ = ["CompletionChart"]


class _RunCurve(GrowingColumns):
    """One run's curve and its ``(t, done)`` points. Row 0 is always (0, 0)."""

    INITIAL_CAPACITY = 1024

    def __init__(self, label: str, color, curve: pg.PlotDataItem):
        super().__init__(self.INITIAL_CAPACITY, t=np.float64, done=np.float64)
        self.label = label
        self.color = color
        self.curve = curve
        self.reset()

    def add_tasks(self, t_end: np.ndarray, count: np.ndarray) -> None:
        k = len(t_end)
        if k == 0:
            return
        order = np.argsort(t_end, kind="stable")
        t = np.asarray(t_end, dtype=np.float64)[order]
        c = np.asarray(count, dtype=np.float64)[order]
        self.reserve(k)
        n = self.n
        if t[0] >= self.t[n - 1]:
            self.t[n : n + k] = t
            np.cumsum(c, out=self.done[n : n + k])
            self.done[n : n + k] += self.done[n - 1]
            self.n = n + k
            return
        # A task finished before one already drawn (clocks of different
        # workers, or batches crossing): merge and recount from scratch.
        steps = np.diff(self.done[:n])  # per-point increments, row 0 excluded
        all_t = np.concatenate((self.t[1:n], t))
        all_c = np.concatenate((steps, c))
        order = np.argsort(all_t, kind="stable")
        self.t[1 : n + k] = all_t[order]
        np.cumsum(all_c[order], out=self.done[1 : n + k])
        self.n = n + k

    def reset(self) -> None:
        self.n = 0
        self.append(t=0.0, done=0.0)
        self.finished = False

    def close_at(self, wall_s: float) -> None:
        """Hold the total until ``wall_s``, the end of the run."""
        if wall_s > self.t[self.n - 1]:
            self.append(t=wall_s, done=self.done[self.n - 1])
        self.finished = True

    def total(self) -> int:
        return int(self.done[self.n - 1])

    def t_last(self) -> float:
        return float(self.t[self.n - 1])

    def redraw(self) -> None:
        self.curve.setData(x=self.t[: self.n], y=self.done[: self.n])


class CompletionChart(PlotChart):
    """Pairs completed against time since run start, a curve per run."""

    ACCESSIBLE_NAME = "Completion curves"
    X_LABEL = "time since run start (s)"
    Y_LABEL = "pairs completed"
    #: The x range a run starts with at least (s); it grows in steps from there.
    LIVE_INITIAL_SPAN_S = 1.0

    def _build(self, item: pg.PlotItem) -> None:
        self._legend = item.addLegend(offset=(8, 8), labelTextSize="8pt", verSpacing=-6)
        # The plot applies these to every curve it adds (PlotItem.addItem
        # overrides a curve's own settings with the plot's).
        item.setDownsampling(auto=True, mode="peak")
        item.setClipToView(True)
        vb = item.getViewBox()
        vb.setLimits(xMin=-0.05, yMin=-0.05)
        self._runs: dict[int, _RunCurve] = {}
        self._live = LiveRange(vb, axes=(0, 1), padding=0.02)
        self._live_run: int | None = None

    # -- public API -------------------------------------------------------

    def begin_run(self, run_id: int, label: str, color, total: int | None = None) -> None:
        """Start an empty curve for ``run_id`` (replacing one with that id).

        Until :meth:`finish_run`, the view follows this run in steps (unless
        the user has zoomed or panned it); ``total`` (the run's pair count, if
        known) sets the y range at once."""
        if run_id in self._runs:
            self.remove_run(run_id)
        qcolor = to_qcolor(color)
        pen = pg.mkPen(qcolor, width=1, cosmetic=True)
        curve = pg.PlotDataItem(pen=pen, stepMode="right", name=label)
        curve.setSkipFiniteCheck(True)
        self.getPlotItem().addItem(curve)
        self._legend.setColumnCount(min(3, 1 + (len(self._runs)) // 5))
        curve.setDownsampling(auto=True, method="peak")  # (after addItem: see __init__)
        curve.setClipToView(True)
        run = _RunCurve(label, qcolor, curve)
        # The other curves stay in view: start from their extent.
        others = [r for r in self._runs.values() if r.n > 1]
        x_end = max([r.t_last() for r in others] + [self.LIVE_INITIAL_SPAN_S])
        y_top = max([r.total() for r in others] + [total or 0]) or None
        self._runs[run_id] = run
        self._apply_label_color(run)
        run.redraw()
        self._live_run = run_id
        auto = self.getPlotItem().getViewBox().autoRangeEnabled()
        if self._live.following or (auto[0] and auto[1]):
            self._live.start(x=x_end, y=y_top)
        # else the user has zoomed or panned: the view stays theirs

    def add_batch(self, run_id: int, batch: TaskBatch) -> None:
        """Add the pairs of ``batch``'s tasks to the run's curve."""
        run = self._runs.get(run_id)
        if run is None or len(batch) == 0:
            return
        run.add_tasks(batch.t_end, batch.count)
        if run_id == self._live_run:
            # (first: a clipped-to-view curve then clips to the new range)
            self._live.extend(x=run.t_last(), y=run.total())
        run.redraw()

    def finish_run(self, run_id: int, result: RunResult) -> None:
        """Redraw the run from its result (every task) and close it at wall time."""
        run = self._runs.get(run_id)
        if run is None:
            return
        run.reset()
        run.add_tasks(result.tasks.t_end, result.tasks.count)
        run.close_at(result.wall_s)
        if result.status != "completed":
            self._legend.getLabel(run.curve).setText(
                f"{run.label} ({result.status})", color=self._foreground.name()
            )
        run.redraw()
        if run_id == self._live_run:
            self._end_live()

    def add_finished_run(self, run_id: int, label: str, color, result: RunResult) -> None:
        """Draw a whole finished run at once (e.g. one loaded from history)."""
        self.begin_run(run_id, label, color)
        self.finish_run(run_id, result)

    def remove_run(self, run_id: int) -> None:
        run = self._runs.pop(run_id, None)
        if run is not None:
            self.getPlotItem().removeItem(run.curve)  # also leaves the legend
        if run_id == self._live_run:
            self._end_live()

    def live_range(self) -> LiveRange:
        """What sets the view's range while a run is live."""
        return self._live

    def _end_live(self) -> None:
        self._live_run = None
        self._live.stop()

    def clear(self) -> None:
        for run_id in list(self._runs):
            self.remove_run(run_id)

    def curve_count(self) -> int:
        return len(self._runs)

    def run_ids(self) -> list[int]:
        return list(self._runs)

    def legend_labels(self) -> list[str]:
        """The legend's entries, in order."""
        return [label.text for _sample, label in self._legend.items]

    def curve_data(self, run_id: int) -> tuple[np.ndarray, np.ndarray]:
        """Copies of a run's (time, pairs completed) points, (0, 0) first."""
        run = self._runs[run_id]
        return run.t[: run.n].copy(), run.done[: run.n].copy()

    def completed(self, run_id: int) -> int:
        """Pairs completed so far in ``run_id``."""
        return self._runs[run_id].total()

    # -- palette ----------------------------------------------------------

    def _apply_label_color(self, run: _RunCurve) -> None:
        label = self._legend.getLabel(run.curve)
        if label is not None:
            label.setText(label.text, color=self._foreground.name())
