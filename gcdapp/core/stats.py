"""Statistics over repeated runs."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Summary:
    """Median, min and max of repeated measurements (seconds)."""

    median: float
    min: float
    max: float
    n: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Summary:
        if not values:
            raise ValueError("no measurements to summarise")
        return cls(statistics.median(values), min(values), max(values), len(values))


def speedup(baseline_s: float, value_s: float) -> float | None:
    """How many times faster ``value_s`` is than ``baseline_s`` (None if undefined)."""
    if baseline_s <= 0 or value_s <= 0:
        return None
    return baseline_s / value_s


def throughput(pairs: int, seconds: float) -> float | None:
    """Pairs per second (None if undefined)."""
    return pairs / seconds if seconds > 0 else None
