"""Keep a live chart's view ahead of its data in steps.

pyqtgraph's auto-range refits the view to the data on every update. During a
live run that means a new range ~30 times a second, and with it new ticks,
new axis pictures and a repaint of the whole plot each time. A
:class:`LiveRange` takes the view over while a run is live instead: the range
starts at zero and, only when the data passes its upper bound, grows to a
"nice" number 1.5–2.25 times the data (a few range changes per run, whatever
its length).

It lets go as soon as the user zooms or pans (or turns auto-range back on with
the plot's "A" button); :meth:`LiveRange.stop` at the end of the run hands the
view back to auto-range, unless the user took it over.
"""

from __future__ import annotations

import math

import pyqtgraph as pg

__all__ = ["LiveRange", "nice_ceil"]

#: Mantissas of the "nice" numbers: consecutive ones differ by at most 1.5×.
NICE_MANTISSAS = (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def nice_ceil(value: float) -> float:
    """The smallest number ``m × 10**k`` (``m`` in :data:`NICE_MANTISSAS`) that
    is at least ``value`` (``value`` itself when it is not positive and finite)."""
    if not (value > 0 and math.isfinite(value)):
        return value
    exponent = math.floor(math.log10(value))
    scale = 10.0**exponent
    for mantissa in NICE_MANTISSAS:
        bound = mantissa * scale
        if bound >= value * (1 - 1e-12):
            return max(bound, value)
    return 10.0 * scale  # (not reached)


class LiveRange:
    """Stepped ranges for the axes ``axes`` (0: x, 1: y) of ``view_box``.

    ``start`` takes the axes over (auto-range off), ``extend`` is told the
    data's upper ends after each update, ``stop`` gives the axes back to
    auto-range. Lower ends stay at zero.
    """

    #: The new upper bound is the nice number at or above this times the data.
    GROWTH = 1.5

    def __init__(self, view_box: pg.ViewBox, axes: tuple[int, ...] = (0,), padding: float = 0.0):
        self._vb = view_box
        self._axes = tuple(axes)
        self._padding = padding
        self._upper: list[float | None] = [None, None]
        self._following = False
        #: How many times this object has set the range (for tests and profiling).
        self.range_changes = 0
        view_box.sigRangeChangedManually.connect(self._on_user_range)

    @property
    def following(self) -> bool:
        """True while this object, not the user or auto-range, sets the range."""
        return self._following

    def start(self, x: float | None = None, y: float | None = None) -> None:
        """Take the axes over; show ``[0, x]`` and ``[0, y]`` where given (the
        other axes wait for data)."""
        self._following = True
        self._upper = [x if x and x > 0 else None, y if y and y > 0 else None]
        self._apply()

    def extend(self, x: float | None = None, y: float | None = None) -> bool:
        """The data now reach ``x`` and ``y``: widen an axis they pass.
        True when the range changed."""
        if not self._following:
            return False
        auto = self._vb.autoRangeEnabled()
        if any(auto[axis] for axis in self._axes):  # the user turned auto-range on
            self._following = False
            return False
        changed = False
        for axis, value in ((0, x), (1, y)):
            if axis not in self._axes or value is None or not value > 0:
                continue
            upper = self._upper[axis]
            if upper is None or value > upper:
                self._upper[axis] = nice_ceil(self.GROWTH * value)
                changed = True
        if changed:
            self._apply()
        return changed

    def stop(self) -> None:
        """The run ended: auto-range again, unless the user has taken over."""
        if not self._following:
            return
        self._following = False
        for axis in self._axes:
            self._vb.enableAutoRange(axis=axis, enable=True)
        # Fit now rather than at the next paint (which would then paint twice).
        self._vb.updateAutoRange()
        self._vb.updateMatrix()

    def _apply(self) -> None:
        # Auto-range off on every followed axis, data or not (first: turning
        # it off runs any auto-range still pending).
        auto = self._vb.autoRangeEnabled()
        for axis in self._axes:
            if auto[axis] is not False:
                self._vb.enableAutoRange(axis=axis, enable=False)
        ranges = {}
        for axis, key in ((0, "xRange"), (1, "yRange")):
            upper = self._upper[axis]
            if axis in self._axes and upper is not None:
                ranges[key] = (0.0, upper)
        if ranges:
            self._vb.setRange(padding=self._padding, disableAutoRange=False, **ranges)
            # Apply the new transform now: pyqtgraph defers it to the next
            # paint, where it would schedule a second paint of the whole plot.
            self._vb.updateMatrix()
            self.range_changes += 1

    def _on_user_range(self, *_args) -> None:
        # A mouse zoom or pan: the view is the user's now.
        self._following = False
