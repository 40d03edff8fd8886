"""Statistics over repeated measurements, and when not to trust them.

A :class:`Summary` keeps the raw values with their median, mean, standard
deviation, min and max. It is *unstable* by pyperf's rules (``pyperf
check``): the standard deviation is 10 % of the mean or more, or the
minimum or the maximum is 50 % or more away from the mean.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

#: pyperf's thresholds: a standard deviation this share of the mean ...
UNSTABLE_STDEV = 0.10
#: ... or a minimum or maximum this far from the mean flags a result.
UNSTABLE_OUTLIER = 0.50


@dataclass(frozen=True)
class Summary:
    """Repeated measurements (seconds) and their statistics."""

    values: tuple[float, ...]
    median: float
    mean: float
    stdev: float  # sample standard deviation; 0 for a single value
    min: float
    max: float

    @property
    def n(self) -> int:
        return len(self.values)

    @classmethod
    def of(cls, values: Sequence[float]) -> Summary:
        if not values:
            raise ValueError("no measurements to summarise")
        values = tuple(float(v) for v in values)
        stdev = statistics.stdev(values) if len(values) > 1 else 0.0
        return cls(values, statistics.median(values), statistics.fmean(values), stdev,
                   min(values), max(values))

    @property
    def spread(self) -> float:
        """The standard deviation as a share of the mean (0 when undefined)."""
        return self.stdev / self.mean if self.mean > 0 else 0.0

    def instability(self, show: Callable[[float], str] | None = None) -> list[str]:
        """Why these values cannot be trusted, by pyperf's rules (empty when
        they can, and always for fewer than two values). ``show`` writes a
        value (default: as seconds)."""
        _s = show or _seconds
        if self.n < 2 or self.mean <= 0:
            return []
        reasons = []
        if self.spread >= UNSTABLE_STDEV:
            reasons.append(f"the standard deviation ({_s(self.stdev)}) is "
                           f"{self.spread:.0%} of the mean ({_s(self.mean)})")
        for name, value in (("minimum", self.min), ("maximum", self.max)):
            off = (value - self.mean) / self.mean
            if abs(off) >= UNSTABLE_OUTLIER:
                way = "greater" if off > 0 else "smaller"
                reasons.append(f"the {name} ({_s(value)}) is {abs(off):.0%} {way} than the "
                               f"mean ({_s(self.mean)})")
        return reasons

    @property
    def unstable(self) -> bool:
        return bool(self.instability())

    def as_json(self) -> dict:
        """The raw values and their statistics, for a JSON report."""
        return {"values": list(self.values), "median": self.median, "mean": self.mean,
                "stdev": self.stdev, "min": self.min, "max": self.max}


def _seconds(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.3f} s"


def speedup(baseline_s: float, value_s: float) -> float | None:
    """How many times faster ``value_s`` is than ``baseline_s`` (None if undefined)."""
    if baseline_s <= 0 or value_s <= 0:
        return None
    return baseline_s / value_s


def throughput(pairs: int, seconds: float) -> float | None:
    """Pairs per second (None if undefined)."""
    return pairs / seconds if seconds > 0 else None
