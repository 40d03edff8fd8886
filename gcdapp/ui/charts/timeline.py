"""Per-worker timeline of one run: a lane per worker, a bar per task.

Built for runs of a million tasks:

* Task columns live in preallocated numpy buffers that double when full, and
  each lane keeps its own growing arrays sorted by start time, so an update
  appends a batch instead of rebuilding anything.
* One custom graphics item paints every bar. At each paint it takes the
  slice of each lane that is exposed (``searchsorted``); when a lane has more
  bars in view than pixels, neighbours closer than a pixel merge into one
  rectangle (gaps wider than a pixel, such as idle workers, stay visible). The
  rectangles go to ``QPainter.drawRects`` straight from numpy memory.
* A live update repaints only the strip of the new bars: the item's bounding
  rectangle grows in steps (not with every batch, which would repaint it all),
  and during a run the x range grows in steps too (:mod:`gcdapp.ui.charts.live_range`)
  instead of auto-ranging, so the axes are not regenerated for each batch.
  The paint cost of a batch then follows the bars it added, not the run size.
* Hover lookups are a ``searchsorted`` on the lane under the mouse.

When a run has finished, its pool's start-up (per lane where each worker said
when it was ready, else one block for the pool) and its shutdown (one block
across every lane, at the end) are drawn as hatched outlines behind the bars,
with their own hover text.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem

from gcdapp.core.events import RunInfo, RunResult, TaskBatch
from gcdapp.core.growing import GrowingColumns, grown
from gcdapp.core.kernels import KERNELS
from gcdapp.core.task_rows import as_block
from gcdapp.ui.charts.base import PlotChart
from gcdapp.ui.charts.live_range import LiveRange, nice_ceil
from gcdapp.ui.charts.palette import to_qcolor

__all__ = ["PoolPhase", "TimelineChart", "format_phase_tooltip", "format_task_tooltip"]

BAR_HALF_HEIGHT = 0.38  # lanes sit at integer y; a bar spans y ± this
MAX_TOOLTIP_PAIRS = 5

#: A task's measured figures beyond its compute start and end (the fields of
#: :class:`~gcdapp.core.events.TaskBatch`; NaN, or -1 bytes, where a batch
#: does not have them).
SEGMENT_TIMES = ("cpu_s", "t_submit", "t_recv", "t_arrive", "pickle_in_s", "unpickle_in_s",
                 "pickle_out_s", "unpickle_out_s", "merge_s")
SEGMENT_BYTES = ("bytes_in", "bytes_out")


def batch_figures(batch: TaskBatch) -> dict[str, np.ndarray]:
    """``batch``'s per-task figures of :data:`SEGMENT_TIMES` and
    :data:`SEGMENT_BYTES`, filled with NaN (-1 bytes) where missing."""
    k = len(batch)
    out: dict[str, np.ndarray] = {}
    for name in SEGMENT_TIMES + SEGMENT_BYTES:
        value = getattr(batch, name, None)
        if value is None or np.size(value) != k:
            value = np.full(k, np.nan if name in SEGMENT_TIMES else -1)
        out[name] = value
    return out


class _Lane(GrowingColumns):
    """One worker's tasks, kept sorted by start time (``task`` indexes the
    run's task columns)."""

    def __init__(self, label: str, capacity: int = 256):
        super().__init__(capacity, t_start=np.float64, t_end=np.float64, task=np.int64,
                         cpu=np.float64, t_submit=np.float64, t_arrive=np.float64,
                         cap=np.bool_)
        self.label = label

    def add_bars(self, t_start: np.ndarray, t_end: np.ndarray, task: np.ndarray,
                 cpu: np.ndarray | None = None, t_submit: np.ndarray | None = None,
                 t_arrive: np.ndarray | None = None, cap: np.ndarray | None = None) -> bool:
        """Add bars (with their segments' figures; NaN where unknown); False
        when they had to be sorted in among earlier ones (which moves bars to
        new indices)."""
        if len(t_start) == 0:
            return True
        nan = np.full(len(t_start), np.nan)
        n = self.append(t_start=t_start, t_end=t_end, task=task,
                        cpu=nan if cpu is None else cpu,
                        t_submit=nan if t_submit is None else t_submit,
                        t_arrive=nan if t_arrive is None else t_arrive,
                        cap=np.zeros(len(t_start), dtype=bool) if cap is None else cap)
        # A worker runs one task at a time, so its completions arrive in start
        # order; re-sort only in the unexpected case they did not.
        in_order = (n == 0 or t_start[0] >= self.t_start[n - 1]) and bool(
            np.all(t_start[1:] >= t_start[:-1])
        )
        if not in_order:
            order = np.argsort(self.t_start[: self.n], kind="stable")
            for name in self._names:
                column = getattr(self, name)
                column[: self.n] = column[: self.n][order]
        return in_order

    def visible(self, x0: float, x1: float) -> tuple[int, int]:
        """Index range of the bars that may overlap ``[x0, x1]``."""
        ts = self.t_start[: self.n]
        lo = max(int(np.searchsorted(ts, x0, side="right")) - 1, 0)
        hi = int(np.searchsorted(ts, x1, side="right"))
        return lo, hi


class _TaskBarsItem(pg.GraphicsObject):
    """Paints every task bar of a TimelineChart (see the module docstring)."""

    def __init__(self, chart: TimelineChart):
        super().__init__()
        self._chart = chart
        self._brushes = segment_brushes(QColor("grey"))
        self._cache_key = None
        self._cache: list[tuple[int, np.ndarray]] = []
        self._extent = 0.0  # right edge of the bounding rect: grows in steps
        self._painted_merge: tuple[bool, ...] | None = None  # per lane, at the last paint
        # paint() gets the exposed rectangle, to draw only the bars in it
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)

    def set_color(self, color: QColor) -> None:
        self._brushes = segment_brushes(color)
        self.update()

    def data_changed(self) -> None:
        """Anything changed: repaint everything."""
        self._cache_key = None
        self._painted_merge = None
        chart = self._chart
        self._extent = nice_ceil(1.5 * chart._t_max) if chart._tasks.n else 0.0
        self.prepareGeometryChange()
        self.informViewBoundsChanged()
        self.update()

    def bars_added(self, x0: float, x1: float) -> None:
        """Bars were appended between ``x0`` and ``x1`` (s): repaint that strip
        only, unless the bounding rect must grow or lanes change their look."""
        chart = self._chart
        self._cache_key = None
        if chart._t_max > self._extent or self._painted_merge is None:
            self.data_changed()
            return
        self.informViewBoundsChanged()  # (the data bounds grew: for auto-range)
        px = self.pixelWidth()
        view = self.viewRect()
        if not px or view is None:
            self.update()
            return
        if self._merge_flags(view.left(), view.right(), px) != self._painted_merge:
            self.update()  # a lane switched between separate and merged bars
            return
        pad = 2.0 * px  # bars are drawn at least a pixel wide
        self.update(QRectF(x0 - pad, -0.5, (x1 - x0) + 2.0 * pad, float(len(chart._lanes))))

    # -- geometry ---------------------------------------------------------

    def dataBounds(self, ax, frac=1.0, orthoRange=None):
        chart = self._chart
        if ax == 0:
            if chart._tasks.n == 0:
                return None, None
            # (a finished run's pool shutdown may end after its last task)
            return 0.0, max(chart._t_max, chart._phases_t_max)
        if not chart._lanes:
            return None, None
        return -0.5, len(chart._lanes) - 0.5

    def boundingRect(self) -> QRectF:
        chart = self._chart
        if chart._tasks.n == 0:
            return QRectF()
        x0 = min(0.0, chart._t_min)
        x1 = max(chart._t_max, self._extent)
        px = self.pixelWidth() or 0.0
        pad = max(0.01 * (x1 - x0), 2.0 * px)  # bars get at least one pixel wide
        return QRectF(x0, -0.5, x1 - x0 + pad, float(len(chart._lanes)))

    def viewTransformChanged(self):
        super().viewTransformChanged()  # drops pyqtgraph's cached viewRect()
        self._cache_key = None
        self.prepareGeometryChange()

    # -- painting ---------------------------------------------------------

    def _merge_flags(self, x0: float, x1: float, px: float) -> tuple[bool, ...]:
        """Per lane: does it have more bars in the view ``[x0, x1]`` than
        pixels (so neighbours closer than a pixel merge)?"""
        width_px = max((x1 - x0) / px, 1.0)
        flags = []
        for lane in self._chart._lanes:
            lo, hi = lane.visible(x0, x1)
            flags.append(hi - lo > width_px)
        return tuple(flags)

    def _rects(
        self, x0: float, x1: float, px: float, exposed: tuple[float, float] | None = None
    ) -> list[tuple[int | str, np.ndarray]]:
        """(brush key, (k, 4) float64 rects) to draw for the view ``[x0, x1]``,
        or only for the part ``exposed`` of it (the look does not depend on it).

        Brush keys: 0 and 1 for time on CPU (alternating, so neighbours stay
        apart), ``"wait"`` for waiting (wall minus CPU: the GIL, or a starved
        worker), ``"queue"`` for queue wait, ``"cap"`` for the result's
        transfer back. In paint order: queue, CPU, wait, cap."""
        queue: list[np.ndarray] = []
        cpu: list[tuple[int, np.ndarray]] = []
        wait: list[np.ndarray] = []
        cap: list[np.ndarray] = []
        merge = self._merge_flags(x0, x1, px)
        e0, e1 = (x0, x1) if exposed is None else exposed
        for lane_no, lane in enumerate(self._chart._lanes):
            lo, hi = lane.visible(e0, e1)
            if hi <= lo:
                continue
            ts = lane.t_start[lo:hi]
            te = lane.t_end[lo:hi]
            wall = te - ts
            # time on CPU, clipped to the wall; unknown: all of it (solid)
            on_cpu = lane.cpu[lo:hi]
            on_cpu = np.where(np.isfinite(on_cpu), np.clip(on_cpu, 0.0, wall), wall)
            y = lane_no - BAR_HALF_HEIGHT
            if merge[lane_no]:
                # More bars than pixels: merge neighbours closer than a pixel.
                # (the running maximum of the ends keeps this right even if
                # bars of one lane were ever to overlap). A merged stretch
                # shows its share of time on CPU as the solid lower part.
                reach = np.maximum.accumulate(te)
                breaks = np.flatnonzero(ts[1:] - reach[:-1] > px)
                first = np.concatenate(([0], breaks + 1))
                seg_start = ts[first]
                seg_end = np.concatenate((reach[:-1][breaks], reach[-1:]))
                walls = np.add.reduceat(wall, first)
                share = np.divide(np.add.reduceat(on_cpu, first), walls,
                                  out=np.ones(len(first)), where=walls > 0)
                height = 2.0 * BAR_HALF_HEIGHT
                solid = self._pack(seg_start, seg_end, y + height * (1.0 - share), px,
                                   height * share)
                cpu.append((0, solid))
                waiting = share < 0.999
                if waiting.any():
                    wait.append(self._pack(seg_start[waiting], seg_end[waiting], y, px,
                                           height * (1.0 - share[waiting])))
                continue
            cpu_end = ts + on_cpu
            first = lo % 2  # parity by index in the lane, stable under panning
            for brush in (0, 1):
                sel = slice((brush - first) % 2, None, 2)
                if len(ts[sel]):
                    cpu.append((brush, self._pack(ts[sel], cpu_end[sel], y, px)))
            waiting = wall - on_cpu >= 0.5 * px
            if waiting.any():
                wait.append(self._pack(cpu_end[waiting], te[waiting], y, px))
            # queue wait, where it shows: from the later of the task's
            # submission and the end of the lane's task before it
            before = np.empty_like(ts)
            before[0] = lane.t_end[lo - 1] if lo > 0 else -np.inf
            before[1:] = te[:-1]
            q0 = np.fmax(lane.t_submit[lo:hi], before)  # (NaN submit: the previous end)
            queued = np.isfinite(lane.t_submit[lo:hi]) & (ts - q0 >= 0.5 * px)
            if queued.any():
                queue.append(self._pack(q0[queued], ts[queued], y, px))
            arrive = lane.t_arrive[lo:hi]
            sent = lane.cap[lo:hi] & np.isfinite(arrive) & (arrive > te)
            if sent.any():
                cap.append(self._pack(te[sent], arrive[sent], y, px))
        out: list[tuple[int | str, np.ndarray]] = [("queue", r) for r in queue]
        out += cpu
        out += [("wait", r) for r in wait]
        out += [("cap", r) for r in cap]
        return out

    @staticmethod
    def _pack(t0: np.ndarray, t1: np.ndarray, y, px: float, height=None) -> np.ndarray:
        rects = np.empty((len(t0), 4), dtype=np.float64)
        rects[:, 0] = t0
        rects[:, 1] = y
        np.maximum(t1 - t0, px, out=rects[:, 2])  # at least a pixel wide
        rects[:, 3] = 2.0 * BAR_HALF_HEIGHT if height is None else height
        return rects

    def paint(self, p: QPainter, option, widget=None):
        chart = self._chart
        if chart._tasks.n == 0:
            return
        px = self.pixelWidth()
        view = self.viewRect()
        if not px or view is None:
            span = max(chart._t_max, 1e-9)
            x0, x1, px = 0.0, span, span / 1000.0
        else:
            x0, x1 = view.left(), view.right()
        e0, e1 = x0, x1
        exposed = option.exposedRect if option is not None else None
        if exposed is not None and exposed.isValid():
            e0, e1 = max(x0, exposed.left() - px), min(x1, exposed.right() + px)
        key = (chart._generation, chart._tasks.n, x0, x1, px, e0, e1)
        if key != self._cache_key:
            self._cache = self._rects(x0, x1, px, (e0, e1))
            self._cache_key = key
            self._painted_merge = self._merge_flags(x0, x1, px)
        p.setPen(Qt.PenStyle.NoPen)
        for brush, rects in self._cache:
            # PySide6 >= 6.4.3 takes a pointer to contiguous QRectF memory and a
            # count: no Python object per rectangle.
            pointer = shiboken6.wrapInstance(rects.ctypes.data, QRectF)
            for fill in self._brushes[brush]:  # (waiting: a light fill, then hatching)
                p.setBrush(fill)
                p.drawRects(pointer, len(rects))


def segment_brushes(color) -> dict:
    """The brushes of each segment kind, in the run's colour ``color``: per
    key of :meth:`_TaskBarsItem._rects`, the brushes painted in turn."""
    base = QColor(color)
    # Neighbouring CPU segments alternate with a darker shade, never a lighter
    # one: a lighter grey would read as the faint "queue wait" fill.
    alt = base.darker(130)
    light = QColor.fromHslF(base.hslHueF(), base.hslSaturationF() * 0.8,
                            min(1.0, base.lightnessF() + (1.0 - base.lightnessF()) * 0.55))
    faint = QColor(base)
    faint.setAlphaF(0.22)
    dark = base.darker(260)
    return {
        0: (QBrush(base),),
        1: (QBrush(alt),),
        "wait": (QBrush(light), QBrush(base, Qt.BrushStyle.BDiagPattern)),
        "queue": (QBrush(faint),),
        "cap": (QBrush(dark),),
    }


def _short_int(value, limit: int = 24) -> str:
    text = str(int(value))
    if len(text) <= limit:
        return text
    digits = len(text.lstrip("-"))
    return f"{text[:10]}…{text[-6:]} ({digits} digits)"


def format_task_tooltip(info: dict) -> str:
    """Tooltip text for a ``bar_at`` result."""
    start, count = info["pair_index_start"], info["count"]
    if count == 1:
        where = f"pair {start}"
    else:
        where = f"pairs {start}–{start + count - 1} ({count} pairs)"
    lines = [f"worker: {info['worker']}", f"task {info['task_index']}: {where}"]
    for (a, b), g in zip(info["pairs"], info["gcd"]):
        gcd = "?" if g is None else _short_int(g)
        lines.append(f"  gcd({_short_int(a)}, {_short_int(b)}) = {gcd}")
    if count > len(info["pairs"]):
        lines.append(f"  … and {count - len(info['pairs'])} more")
    lines.append(
        f"duration: {info['duration_s'] * 1e3:.3f} ms "
        f"({info['t_start']:.4f} s → {info['t_end']:.4f} s)"
    )
    lines += _figure_lines(info)
    return "\n".join(lines)


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.3f} ms"


def _bytes(n: int) -> str:
    return f"{n:,} B" if n < 10_000 else f"{n / 1024:,.1f} KiB"


def _figure_lines(info: dict) -> list[str]:
    """The measured figures of a task, those that are known."""
    f = {k: v for k, v in info.items() if isinstance(v, float) and np.isfinite(v)}
    lines = []
    wall = info["duration_s"]
    if "cpu_s" in f:
        cpu = min(max(f["cpu_s"], 0.0), wall)
        waited = wall - cpu
        share = waited / wall if wall > 0 else 0.0
        lines.append(f"on CPU: {_ms(cpu)} (solid)")
        lines.append(f"waiting (GIL or starved): {_ms(waited)}, {share:.0%} of its wall (hatched)")
    if "t_submit" in f:
        queued = info["t_start"] - f["t_submit"]
        lines.append(f"submitted at {f['t_submit']:.4f} s; queue wait until start: {_ms(queued)} "
                     "(faint)")
    if "t_recv" in f and "t_submit" in f:
        lines.append(f"copy to the worker and queueing: {_ms(f['t_recv'] - f['t_submit'])}")
    if "t_arrive" in f:
        back = f["t_arrive"] - info["t_end"]
        lines.append(f"result arrived at {f['t_arrive']:.4f} s, {_ms(back)} after the end "
                     "(dark cap)")
    steps = [("pickle arguments", "pickle_in_s"), ("unpickle arguments", "unpickle_in_s"),
             ("pickle the result", "pickle_out_s"), ("unpickle the result", "unpickle_out_s"),
             ("merge results", "merge_s")]
    known = [f"{label} {_ms(f[key])}" for label, key in steps if key in f]
    if known:
        lines.append(" · ".join(known))
    b_in, b_out = info.get("bytes_in", -1), info.get("bytes_out", -1)
    if b_in >= 0 or b_out >= 0:
        lines.append(f"bytes: {_bytes(max(b_in, 0))} in, {_bytes(max(b_out, 0))} out")
    return lines


@dataclass(frozen=True)
class PoolPhase:
    """A stretch of a run spent starting or stopping the pool, not computing."""

    kind: str  # "startup" or "shutdown"
    lane: str | None  # the worker it belongs to; None: the whole pool
    t_start: float  # seconds since the run started
    t_end: float
    note: str = ""  # what else start-up held (a native kernel's compile)

    @property
    def duration_s(self) -> float:
        return self.t_end - self.t_start


def pool_phases(result: RunResult) -> list[PoolPhase]:
    """The start-up and shutdown stretches of a finished run.

    Start-up is per lane where workers said when they were ready (processes);
    otherwise one stretch for the pool, until the first worker was ready.
    Shutdown is the last ``shutdown_s`` of the wall time, for the pool."""
    phases: list[PoolPhase] = []
    lanes = result.tasks.lanes
    ready = np.asarray(result.lane_startup_s, dtype=np.float64)
    known = [(lanes[i], float(ready[i])) for i in range(min(len(lanes), len(ready)))
             if np.isfinite(ready[i]) and ready[i] > 0]
    kernel = KERNELS.get(result.info.kernel)
    note = ("includes importing numba and compiling the native kernel "
            "(or loading it from the cache)") if kernel is not None and kernel.native else ""
    if known:
        phases += [PoolPhase("startup", lane, 0.0, t, note) for lane, t in known]
    elif result.startup_s > 0:
        phases.append(PoolPhase("startup", None, 0.0, float(result.startup_s), note))
    if result.shutdown_s > 0:
        end = float(result.wall_s)
        phases.append(PoolPhase("shutdown", None, max(0.0, end - result.shutdown_s), end))
    return phases


def format_phase_tooltip(phase: PoolPhase) -> str:
    """Tooltip text for a pool phase."""
    ms = phase.duration_s * 1e3
    span = f"({phase.t_start:.4f} s → {phase.t_end:.4f} s)"
    if phase.kind == "startup":
        note = f"\n{phase.note}" if phase.note else ""
        if phase.lane is None:
            return f"pool start-up: {ms:.1f} ms {span}\nuntil the first worker was ready{note}"
        return (f"worker start-up: {phase.lane}\n{ms:.1f} ms {span}\n"
                f"from the pool's creation until this worker was ready (its initializer ran){note}")
    return f"pool shutdown: {ms:.1f} ms {span}\nstopping and joining every worker"


class TimelineChart(PlotChart):
    """A lane per worker, a bar per completed task, for the current run."""

    ACCESSIBLE_NAME = "Worker timeline"
    #: A task bar was clicked: its index among the run's tasks (completion order).
    taskClicked = Signal(int)
    X_LABEL = "time since run start (s)"
    Y_LABEL = "worker"
    GRID = (True, False)
    INITIAL_CAPACITY = 4096
    #: The x range a run starts with (s); it grows in steps from there.
    LIVE_INITIAL_SPAN_S = 1.0

    _min_axis_width = 0

    def __init__(self, parent=None):
        super().__init__(parent)
        self._update_lane_ticks()

    def natural_axis_width(self) -> int:
        """The lane axis's width for its own labels alone."""
        fm = QFontMetrics(self.font())
        widest = max((fm.horizontalAdvance(s) for s in self.lane_labels()), default=30)
        return min(max(widest, 30) + fm.height() + 18, 240)

    def set_min_axis_width(self, width: int) -> None:
        """Keep the lane axis at least ``width`` px wide (to line up stacked
        timelines' time axes)."""
        self._min_axis_width = int(width)
        self._update_lane_ticks()

    def _build(self, item: pg.PlotItem) -> None:
        vb = item.getViewBox()
        vb.setMouseEnabled(x=True, y=False)
        vb.invertY(True)  # first worker on top
        vb.enableAutoRange(x=True, y=False)
        vb.setLimits(xMin=-1e-3)
        # During a run the x range grows in steps instead of auto-ranging.
        self._live = LiveRange(vb, axes=(0,))

        self._bars = _TaskBarsItem(self)
        item.addItem(self._bars)
        self._highlight = QGraphicsRectItem()
        self._highlight.setBrush(Qt.BrushStyle.NoBrush)
        self._highlight.setZValue(10)
        self._highlight.hide()
        item.addItem(self._highlight, ignoreBounds=True)
        self._phases: list[tuple[PoolPhase, QGraphicsRectItem]] = []
        self._phases_t_max = 0.0

        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.scene().sigMouseClicked.connect(self._on_mouse_clicked)
        # Lane labels thin out by the view's height, which the scene's layout
        # sets after the widget's resize: label again when it changes.
        self._labelled_height = -1.0
        vb.sigResized.connect(self._on_view_resized)
        self._label = ""
        self._info: RunInfo | None = None
        self._reset_storage(0)
        self._pairs: np.ndarray = np.empty((0, 2), dtype=np.int64)

    # -- storage ----------------------------------------------------------

    def _reset_storage(self, n_tasks: int) -> None:
        self._tasks = GrowingColumns(
            max(self.INITIAL_CAPACITY, int(n_tasks or 0)),
            start=np.int64, count=np.int64, t_start=np.float64, t_end=np.float64, lane=np.int32,
            **{name: np.float64 for name in SEGMENT_TIMES},
            **{name: np.int64 for name in SEGMENT_BYTES},
        )
        self._t_min = 0.0
        self._t_max = 0.0
        self._lanes: list[_Lane] = []
        self._lane_of: dict[str, int] = {}
        self._gcd = np.zeros(0, dtype=np.int64)
        self._gcd_known = np.zeros(0, dtype=bool)
        self._generation = getattr(self, "_generation", 0) + 1

    def capacity(self) -> int:
        """Rows allocated in the task buffers (grows by doubling)."""
        return self._tasks.capacity

    def task_count(self) -> int:
        """Number of task bars held."""
        return self._tasks.n

    def lane_labels(self) -> list[str]:
        """Worker labels, top lane first."""
        return [lane.label for lane in self._lanes]

    def lane_tick_labels(self) -> list[str]:
        """The labels on the worker axis (every lane's, unless lanes are too
        thin to label each, then every k-th lane's)."""
        return [label for _y, label in self._lane_ticks]

    def _lane_index(self, label: str) -> int:
        index = self._lane_of.get(label)
        if index is None:
            index = len(self._lanes)
            self._lane_of[label] = index
            self._lanes.append(_Lane(label))
        return index

    def _store_gcds(self, pair_index: np.ndarray, gcd: np.ndarray) -> None:
        if len(pair_index) == 0:
            return
        needed = int(pair_index.max()) + 1
        if needed > len(self._gcd):
            size = max(needed, len(self._pairs), self._info.n_pairs if self._info else 0)
            self._gcd = grown(self._gcd, size)  # (read only where known)
            self._gcd_known = grown(self._gcd_known, size, fill=False)
        if gcd.dtype == object and self._gcd.dtype != object:
            self._gcd = self._gcd.astype(object)
        block = as_block(pair_index)  # (the usual case: a slice, no fancy indexing)
        rows = pair_index if block is None else block
        self._gcd[rows] = gcd
        self._gcd_known[rows] = True

    # -- public API -------------------------------------------------------

    def begin_run(self, info: RunInfo, pairs: np.ndarray, label: str, color) -> None:
        """Forget the shown run and prepare for ``info``'s tasks."""
        self._info = info
        self._pairs = pairs  # a reference, for tooltips
        self._label = label
        self._reset_storage(info.n_tasks)
        self._clear_phases()
        n_pairs = max(info.n_pairs, len(pairs) if pairs is not None else 0)
        # gcd values are read only where known: no need to zero a million of them
        self._gcd = np.empty(n_pairs, dtype=np.int64)
        self._gcd_known = np.zeros(n_pairs, dtype=bool)
        self._bars.set_color(to_qcolor(color))
        self._hide_hover()
        self._set_title()
        self._update_lane_ticks(keep_layout=True)
        self.getPlotItem().layout.activate()  # (the new title's layout, before any paint)
        self._bars.data_changed()
        # Until end_run, the x range grows in steps ahead of the bars.
        self._live.start(x=self.LIVE_INITIAL_SPAN_S)

    def end_run(self, result: RunResult | None = None) -> None:
        """The run ended: draw its pool's start-up and shutdown (given the
        ``result``), and the x range fits the bars again (auto-range), unless
        the user has zoomed or panned since it began."""
        if result is not None:
            self._show_phases(result)
        self._live.stop()

    def live_range(self) -> LiveRange:
        """What sets the x range during a run."""
        return self._live

    def clear(self) -> None:
        """Show nothing (no run)."""
        self._info = None
        self._label = ""
        self._pairs = np.empty((0, 2), dtype=np.int64)
        self._reset_storage(0)
        self._clear_phases()
        self._hide_hover()
        self._set_title()
        self._update_lane_ticks()
        self._bars.data_changed()
        self._live.stop()

    def add_batch(self, batch: TaskBatch) -> None:
        """Append the bars of ``batch``'s tasks."""
        k = len(batch)
        n_lanes_before = len(self._lanes)
        lane_map = np.array([self._lane_index(lbl) for lbl in batch.lanes], dtype=np.int32)
        if len(self._lanes) != n_lanes_before:
            self._update_lane_ticks()
        if batch.n_pairs:
            self._store_gcds(np.asarray(batch.pair_index), np.asarray(batch.gcd))
        if k == 0:
            return
        lanes = lane_map[np.asarray(batch.lane)]
        tasks = self._tasks
        n = tasks.append(start=batch.start, count=batch.count, t_start=batch.t_start,
                         t_end=batch.t_end, lane=lanes, **batch_figures(batch))
        ts, te = tasks.t_start[n : n + k], tasks.t_end[n : n + k]
        rows = slice(n, n + k)
        batch_t0, batch_t1 = float(ts.min()), float(te.max())
        if n == 0:
            self._t_min, self._t_max = batch_t0, batch_t1
        else:
            self._t_min = min(self._t_min, batch_t0)
            self._t_max = max(self._t_max, batch_t1)

        # Split the batch by lane (a stable sort keeps completion order).
        order = np.argsort(lanes, kind="stable")
        sorted_lanes = lanes[order]
        cuts = np.flatnonzero(np.diff(sorted_lanes)) + 1
        in_order = True
        for chunk in np.split(order, cuts):
            lane = self._lanes[int(lanes[chunk[0]])]
            in_order &= lane.add_bars(
                ts[chunk], te[chunk], chunk + n, cpu=tasks.cpu_s[rows][chunk],
                t_submit=tasks.t_submit[rows][chunk], t_arrive=tasks.t_arrive[rows][chunk],
                cap=tasks.bytes_out[rows][chunk] > 0)
        self._live.extend(x=self._t_max)
        if in_order and n and len(self._lanes) == n_lanes_before:
            self._bars.bars_added(batch_t0, batch_t1)
        else:
            self._bars.data_changed()

    def show_result(self, result: RunResult, pairs: np.ndarray, label: str, color) -> None:
        """Draw a whole finished run at once."""
        self.begin_run(result.info, pairs, label, color)
        self.add_batch(result.tasks)
        self.end_run(result)
        self._set_title(result)

    def bar_at(self, x: float, y: float, tolerance: float = 0.0) -> dict | None:
        """The task under the data point ``(x, y)``, or None.

        ``tolerance`` (seconds) also accepts a point that close to a bar, for
        bars narrower than the mouse can hit.
        """
        lane_no = int(np.floor(y + 0.5))
        if not 0 <= lane_no < len(self._lanes) or abs(y - lane_no) > BAR_HALF_HEIGHT:
            return None
        lane = self._lanes[lane_no]
        ts, te = lane.t_start[: lane.n], lane.t_end[: lane.n]
        if lane.n == 0:
            return None
        i = int(np.searchsorted(ts, x, side="right")) - 1
        best = None
        if i >= 0 and x <= te[i]:
            best = i
        elif tolerance > 0:
            # nearest bar edge within tolerance, on either side
            candidates = []
            if i >= 0 and x - te[i] <= tolerance:
                candidates.append((x - te[i], i))
            if i + 1 < lane.n and ts[i + 1] - x <= tolerance:
                candidates.append((ts[i + 1] - x, i + 1))
            if candidates:
                best = min(candidates)[1]
        if best is None:
            return None
        return self._task_info(int(lane.task[best]))

    def tooltip_at(self, x: float, y: float, tolerance: float = 0.0) -> str | None:
        """The tooltip text for the data point ``(x, y)`` (None over a gap)."""
        info = self.bar_at(x, y, tolerance)
        if info is not None:
            return format_task_tooltip(info)
        phase = self.phase_at(x, y)
        return None if phase is None else format_phase_tooltip(phase)

    def pool_phases(self) -> list[tuple[PoolPhase, QGraphicsRectItem]]:
        """The drawn start-up and shutdown stretches, with their items."""
        return list(self._phases)

    def phase_at(self, x: float, y: float) -> PoolPhase | None:
        """The start-up or shutdown stretch under the data point, or None."""
        for phase, rect_item in self._phases:
            if rect_item.rect().contains(QPointF(x, y)):
                return phase
        return None

    # -- pool phases --------------------------------------------------------

    def _phase_rect(self, phase: PoolPhase) -> QRectF:
        width = max(phase.duration_s, 0.0)
        if phase.lane is not None and phase.lane in self._lane_of:
            lane_no = self._lane_of[phase.lane]
            return QRectF(phase.t_start, lane_no - BAR_HALF_HEIGHT, width, 2 * BAR_HALF_HEIGHT)
        n = max(len(self._lanes), 1)  # the whole pool: every lane
        return QRectF(phase.t_start, -BAR_HALF_HEIGHT, width, n - 1 + 2 * BAR_HALF_HEIGHT)

    def _show_phases(self, result: RunResult) -> None:
        self._clear_phases()
        plot = self.getPlotItem()
        for phase in pool_phases(result):
            rect_item = QGraphicsRectItem(self._phase_rect(phase))
            rect_item.setZValue(-1)  # behind the task bars
            # (its pen would count in pixels-as-data; the bars' data bounds
            # take the phases in instead)
            plot.addItem(rect_item, ignoreBounds=True)
            self._phases.append((phase, rect_item))
            self._phases_t_max = max(self._phases_t_max, phase.t_end)
        self._style_phases()
        self._bars.informViewBoundsChanged()

    def _style_phases(self) -> None:
        fg = QColor(self._foreground)
        for phase, rect_item in self._phases:
            pen = QPen(fg)
            pen.setCosmetic(True)
            pen.setStyle(Qt.PenStyle.DashLine)
            rect_item.setPen(pen)
            hatch = QColor(fg)
            hatch.setAlphaF(0.45)
            style = (Qt.BrushStyle.BDiagPattern if phase.kind == "startup"
                     else Qt.BrushStyle.FDiagPattern)
            rect_item.setBrush(QBrush(hatch, style))

    def _clear_phases(self) -> None:
        plot = self.getPlotItem()
        for _phase, rect_item in self._phases:
            plot.removeItem(rect_item)
        self._phases = []
        self._phases_t_max = 0.0

    # -- internals --------------------------------------------------------

    def _task_info(self, task: int) -> dict:
        tasks = self._tasks
        start = int(tasks.start[task])
        count = int(tasks.count[task])
        shown = range(start, start + min(count, MAX_TOOLTIP_PAIRS))
        pairs: list[tuple[int, int]] = []
        gcds: list[int | None] = []
        for j in shown:
            if self._pairs is not None and j < len(self._pairs):
                a, b = self._pairs[j]
                pairs.append((int(a), int(b)))
            known = j < len(self._gcd_known) and bool(self._gcd_known[j])
            gcds.append(int(self._gcd[j]) if known else None)
        t0, t1 = float(tasks.t_start[task]), float(tasks.t_end[task])
        figures = {name: float(getattr(tasks, name)[task]) for name in SEGMENT_TIMES}
        figures.update({name: int(getattr(tasks, name)[task]) for name in SEGMENT_BYTES})
        return {
            **figures,
            "task_index": task,
            "pair_index_start": start,
            "count": count,
            "pairs": pairs,
            "gcd": gcds[: len(pairs)] if pairs else gcds,
            "duration_s": t1 - t0,
            "worker": self._lanes[int(tasks.lane[task])].label,
            "t_start": t0,
            "t_end": t1,
        }

    def _set_title(self, result: RunResult | None = None) -> None:
        info = self._info
        if info is None:
            self.getPlotItem().setTitle(None)
            return
        parts = [self._label] if self._label else []
        parts.append(f"{info.workers} worker{'s' if info.workers != 1 else ''}")
        parts.append(f"{info.n_tasks:,} task{'s' if info.n_tasks != 1 else ''}")
        parts.append(f"chunksize {info.chunksize:,}")
        if result is not None:
            parts.append(f"wall {result.wall_s:.3f} s")
            if result.status != "completed":
                parts.append(result.status)
        self.getPlotItem().setTitle(" · ".join(parts), color=self._foreground.name(), size="9pt")

    def _update_lane_ticks(self, keep_layout: bool = False) -> None:
        """Label the lanes, fit the y range and the axis width to them.

        ``keep_layout`` (a run starting, no lanes yet): only drop the labels;
        the y range and axis width stay until the first workers report, which
        are usually as many and as wide as the last run's (so that first
        batch does not re-lay out the whole plot)."""
        item = self.getPlotItem()
        labels = self.lane_labels()
        n = len(labels)
        axis = item.getAxis("left")
        if keep_layout and n == 0:
            self._lane_ticks = []
            axis.setTicks([[], []])
            return
        fm = QFontMetrics(self.font())
        # label every lane unless they would overlap, then every step-th lane
        vb_height = max(item.getViewBox().height(), 1.0)
        step = max(1, int(np.ceil(n * (fm.height() + 2) / vb_height))) if n else 1
        ticks = [(float(i), labels[i]) for i in range(0, n, step)]
        self._lane_ticks = ticks
        axis.setTicks([ticks, []])
        item.getViewBox().setYRange(-0.5, max(n, 1) - 0.5, padding=0.02)
        widest = max((fm.horizontalAdvance(s) for s in labels), default=30)
        width = max(min(max(widest, 30) + fm.height() + 18, 240), self._min_axis_width)
        if width != axis.width():
            axis.setWidth(width)
            # Lay the plot out now, not at the next event-loop turn: the
            # first paint then already has the new layout (one paint, not two).
            item.layout.activate()

    def _apply_palette(self) -> None:
        super()._apply_palette()
        pen = QPen(self._foreground)
        pen.setCosmetic(True)
        pen.setWidthF(1.5)
        self._highlight.setPen(pen)
        if self._info is not None:
            self._set_title()
        if getattr(self, "_phases", None):
            self._style_phases()

    def _hide_hover(self) -> None:
        super()._hide_hover()
        self._highlight.hide()

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        vb = self.getPlotItem().getViewBox()
        if self._tasks.n == 0 or not vb.sceneBoundingRect().contains(scene_pos):
            self._hide_hover()
            return
        point = vb.mapSceneToView(scene_pos)
        px = vb.viewPixelSize()[0]
        info = self.bar_at(point.x(), point.y(), tolerance=3 * px)
        if info is None:
            phase = self.phase_at(point.x(), point.y())
            if phase is None:
                self._hide_hover()
                return
            self._highlight.hide()
            self._show_hover(format_phase_tooltip(phase), scene_pos)
            return
        lane_no = self._lane_of[info["worker"]]
        width = max(info["t_end"] - info["t_start"], px)
        self._highlight.setRect(
            QRectF(info["t_start"], lane_no - BAR_HALF_HEIGHT, width, 2 * BAR_HALF_HEIGHT)
        )
        self._highlight.show()
        self._show_hover(format_task_tooltip(info), scene_pos)

    def _on_view_resized(self, *_args) -> None:
        height = self.getPlotItem().getViewBox().height()
        if height != self._labelled_height and self._lanes:
            self._labelled_height = height
            self._update_lane_ticks()

    def _on_mouse_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._tasks.n == 0:
            return
        vb = self.getPlotItem().getViewBox()
        scene_pos = event.scenePos()
        if not vb.sceneBoundingRect().contains(scene_pos):
            return
        point = vb.mapSceneToView(scene_pos)
        info = self.bar_at(point.x(), point.y(), tolerance=3 * vb.viewPixelSize()[0])
        if info is not None:
            self.taskClicked.emit(info["task_index"])

    def click_task(self, task: int) -> None:
        """As a click on the bar of ``task`` (for keyboard users and tests)."""
        if 0 <= task < self._tasks.n:
            self.taskClicked.emit(task)

    def task_point(self, task: int) -> QPointF:
        """The data point in the middle of ``task``'s bar."""
        tasks = self._tasks
        return QPointF(0.5 * (tasks.t_start[task] + tasks.t_end[task]), float(tasks.lane[task]))

    def segment_rects(self) -> dict[str, np.ndarray]:
        """What the bars item draws in the current view, per segment kind
        (``"cpu"``, ``"wait"``, ``"queue"``, ``"cap"``): (k, 4) rects of
        x, y, width, height in data units."""
        bars = self._bars
        view = bars.viewRect()
        px = bars.pixelWidth()
        if view is None or not px:
            x0, x1 = 0.0, max(self._t_max, 1e-9)
            px = x1 / 1000.0
        else:
            x0, x1 = view.left(), view.right()
        out: dict[str, list[np.ndarray]] = {"cpu": [], "wait": [], "queue": [], "cap": []}
        for key, rects in bars._rects(x0, x1, px):
            out["cpu" if key in (0, 1) else key].append(rects)
        return {k: np.concatenate(v) if v else np.empty((0, 4)) for k, v in out.items()}

    def _resized(self) -> None:
        self._update_lane_ticks()
