"""GCD kernels and the domain each one accepts.

Every kernel is a module-level function of one ``(a, b)`` pair, so that it can
be pickled by reference and run in a worker process. Worker processes import
this module, so it uses the standard library only.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gcdapp.core import stop_flag

if TYPE_CHECKING:  # workers import this module: keep it free of numpy
    import numpy as np


#: Candidates the brute force tries between two looks at its run's stop flag:
#: about a millisecond of work, so a cancelled thread stops within a few ms,
#: while the look costs next to nothing (one call per 16384 candidates).
CHECK_EVERY = 1 << 14


def bruteforce(pair):
    """The seed's algorithm: try every candidate downward from ``min(a, b)``.

    Only defined for ``a >= 1`` and ``b >= 1``; the engine checks that before a
    run starts, so the final ``assert`` is never reached from the app. Every
    :data:`CHECK_EVERY` candidates it looks at the run's stop flag (threads and
    serial runs) and raises :class:`~gcdapp.core.stop_flag.Cancelled` when set.
    """
    a, b = pair
    top = min(a, b)
    flag = stop_flag.current()
    while top > 0:
        bottom = top - CHECK_EVERY if top > CHECK_EVERY else 0
        for i in range(top, bottom, -1):
            if a % i == 0 and b % i == 0:
                return i
        if flag is not None and flag.is_set():
            raise stop_flag.Cancelled
        top = bottom
    assert False, "not reachable"


def euclid(pair):
    """Euclid's remainder loop in pure Python, with ``math.gcd`` semantics."""
    a, b = pair
    a, b = abs(a), abs(b)
    while b:
        a, b = b, a % b
    return a


def builtin(pair):
    """``math.gcd`` (C implementation)."""
    a, b = pair
    return math.gcd(a, b)


@dataclass(frozen=True)
class DomainIssue:
    """A pair that a kernel cannot take."""

    row: int  # 0-based index into the pairs
    a: int
    b: int
    reason: str

    def __str__(self) -> str:
        return f"pair {self.row + 1} ({self.a}, {self.b}): {self.reason}"


@dataclass(frozen=True)
class Kernel:
    """A GCD implementation plus what it accepts and how costly it is."""

    name: str
    func: Callable
    title: str
    description: str
    positive_only: bool = False
    #: True when one pair costs far more than dispatching it (bruteforce).
    heavy: bool = False

    def domain_reason(self, a: int, b: int) -> str | None:
        """Why ``(a, b)`` is outside this kernel's domain, or None if it is fine."""
        if self.positive_only and (a < 1 or b < 1):
            return f"{self.name} needs a ≥ 1 and b ≥ 1"
        return None

    def check(self, pairs: "np.ndarray", limit: int | None = 100) -> list[DomainIssue]:
        """Pairs outside the domain, in row order (at most ``limit`` of them)."""
        if not self.positive_only or len(pairs) == 0:
            return []
        bad_rows = (pairs < 1).any(axis=1).nonzero()[0]
        if limit is not None:
            bad_rows = bad_rows[:limit]
        issues = []
        for row in bad_rows.tolist():
            a, b = int(pairs[row, 0]), int(pairs[row, 1])
            issues.append(DomainIssue(row, a, b, self.domain_reason(a, b) or ""))
        return issues


KERNELS: dict[str, Kernel] = {
    k.name: k
    for k in (
        Kernel(
            "bruteforce",
            bruteforce,
            "Brute force (seed)",
            "Tries every candidate downward from min(a, b): much compute, little data.",
            positive_only=True,
            heavy=True,
        ),
        Kernel("euclid", euclid, "Euclid (pure Python)", "Remainder loop in pure Python."),
        Kernel("builtin", builtin, "math.gcd", "CPython's C implementation of gcd."),
    )
}


def get_kernel(name: str) -> Kernel:
    try:
        return KERNELS[name]
    except KeyError:
        raise ValueError(
            f"unknown kernel {name!r}; choose one of {', '.join(KERNELS)}"
        ) from None
