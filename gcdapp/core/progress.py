"""How far an experiment (a sweep, a leverage map) is, and the time left."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Progress:
    """Steps done of all, the time so far, and the time left estimated from
    the steps measured so far (None before the first)."""

    done: int
    total: int
    elapsed_s: float
    eta_s: float | None

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 1.0
