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

from gcdapp.core import native, stop_flag

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


#: The largest magnitude a native kernel takes: int64, and ``abs`` of it too.
INT64_MAX = 2**63 - 1


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
    #: Compiled with numba: values must fit int64 (``|v| <= 2**63 - 1``), and
    #: ``func.chunk_entry`` runs a whole chunk with the GIL released.
    native: bool = False
    #: Modes it cannot run in, with the reason.
    refused_modes: tuple[tuple[str, str], ...] = ()

    @property
    def unavailable_reason(self) -> str | None:
        """Why it cannot run here (numba missing, a frozen build), or None.
        Cheap: no import of numba."""
        return native.unavailable_reason() if self.native else None

    def mode_reason(self, mode: str) -> str | None:
        """Why it cannot run in ``mode``, or None."""
        return dict(self.refused_modes).get(mode)

    def domain_reason(self, a: int, b: int) -> str | None:
        """Why ``(a, b)`` is outside this kernel's domain, or None if it is fine."""
        if self.positive_only and (a < 1 or b < 1):
            return f"{self.name} needs a ≥ 1 and b ≥ 1"
        if self.native and not (-INT64_MAX <= a <= INT64_MAX and -INT64_MAX <= b <= INT64_MAX):
            return (f"{self.name} needs values that fit a 64-bit integer "
                    f"(-(2**63 - 1) to 2**63 - 1); the pure-Python kernels take any size")
        return None

    def check(self, pairs: "np.ndarray", limit: int | None = 100) -> list[DomainIssue]:
        """Pairs outside the domain, in row order (at most ``limit`` of them)."""
        if not (self.positive_only or self.native) or len(pairs) == 0:
            return []
        bad = None
        if self.positive_only:
            bad = pairs < 1
        if self.native:
            outside = pairs < -INT64_MAX
            if pairs.dtype == object:  # Python ints: any size
                outside |= pairs > INT64_MAX
            bad = outside if bad is None else bad | outside
        bad_rows = bad.any(axis=1).nonzero()[0]
        if limit is not None:
            bad_rows = bad_rows[:limit]
        issues = []
        for row in bad_rows.tolist():
            a, b = int(pairs[row, 0]), int(pairs[row, 1])
            issues.append(DomainIssue(row, a, b, self.domain_reason(a, b) or ""))
        return issues


_NATIVE_REFUSED = (
    ("interpreters", "numba's compiled modules cannot be loaded in subinterpreters"),
)

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
        Kernel(
            "bruteforce-native",
            native.bruteforce_native,
            "Brute force (numba, no GIL)",
            "The seed's brute force compiled with numba: each task runs its whole chunk "
            "with the GIL released, so threads run in parallel. Values must fit int64. "
            "Compiled once per worker at start-up (cached on disk); cancel waits for "
            "the chunks already running.",
            positive_only=True,
            heavy=True,
            native=True,
            refused_modes=_NATIVE_REFUSED,
        ),
        Kernel(
            "euclid-native",
            native.euclid_native,
            "Euclid (numba, no GIL)",
            "Euclid's remainder loop compiled with numba, a whole chunk per call with "
            "the GIL released. Values must fit int64. Compiled once per worker at "
            "start-up (cached on disk); cancel waits for the chunks already running.",
            native=True,
            refused_modes=_NATIVE_REFUSED,
        ),
    )
}


def get_kernel(name: str) -> Kernel:
    try:
        return KERNELS[name]
    except KeyError:
        raise ValueError(
            f"unknown kernel {name!r}; choose one of {', '.join(KERNELS)}"
        ) from None
