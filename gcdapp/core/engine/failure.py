"""How a run ended early: :class:`RunFailure`, and every message the user
reads about it, worded here and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from gcdapp.core.events import Status

FailureKind = Literal["cancelled", "kernel", "task", "pool", "start"]

#: A failure names at most this many pairs in ``RunResult.failed_pairs``.
MAX_FAILED_PAIRS = 20
#: A range of pairs is described by its first few.
_SHOWN_PER_RANGE = 3
#: Said of a broken pool when its backend has nothing more precise.
_POOL_BROKE = "a worker process ended abruptly"


@dataclass(frozen=True)
class RunFailure:
    """Why a run stopped before the end.

    ``ranges`` holds the pairs involved as ``(begin, end)`` index ranges: the
    pair whose kernel raised, the task that failed, or the tasks one of which
    a broken pool was computing. ``error`` is what was raised (or, for a
    broken pool, what the backend says about its workers)."""

    status: Status
    kind: FailureKind
    ranges: tuple[tuple[int, int], ...] = ()
    error: str = ""
    kernel: str = ""

    # -- the ways a run fails ------------------------------------------------
    @classmethod
    def cancelled(cls) -> RunFailure:
        return cls("cancelled", "cancelled")

    @classmethod
    def kernel_raised(cls, index: int, error: str, kernel: str) -> RunFailure:
        """The kernel raised ``error`` on pair ``index``."""
        return cls("failed", "kernel", ((index, index + 1),), error, kernel)

    @classmethod
    def task_raised(cls, begin: int, end: int, exc: BaseException) -> RunFailure:
        """A task failed outside the kernel (pickling and the like)."""
        return cls("failed", "task", ((begin, end),), _exception_text(exc))

    @classmethod
    def pool_broke(cls, running: tuple[tuple[int, int], ...] = ()) -> RunFailure:
        """The pool broke while computing one of ``running``."""
        return cls("failed", "pool", tuple(running))

    @classmethod
    def could_not_start(cls, exc: BaseException) -> RunFailure:
        return cls("failed", "start", (), _exception_text(exc))

    # -- what the user is told -------------------------------------------------
    @property
    def failed_pairs(self) -> list[int]:
        """Indices of the pairs involved (at most :data:`MAX_FAILED_PAIRS`)."""
        out: list[int] = []
        for begin, end in self.ranges:
            out.extend(range(begin, min(end, begin + MAX_FAILED_PAIRS - len(out))))
            if len(out) >= MAX_FAILED_PAIRS:
                break
        return out

    def message(self, pairs: np.ndarray, n_done: int) -> str | None:
        """The sentence shown for this failure (None for a cancel), naming
        pairs by their 1-based number and values."""
        if self.kind == "cancelled":
            return None
        if self.kind == "kernel":
            (index, _), = self.ranges
            return f"{_pair(pairs, index)} raised {self.error} in kernel {self.kernel}"
        if self.kind == "task":
            (begin, end), = self.ranges
            return f"the task for {_describe_range(pairs, begin, end)} failed: {self.error}"
        if self.kind == "start":
            return f"the run could not start: {self.error}"
        head = self.error or _POOL_BROKE
        if self.ranges:
            where = "; ".join(_describe_range(pairs, b, e) for b, e in self.ranges)
            head += f" while computing one of: {where}"
        return head + f". {n_done} of {len(pairs)} pairs had completed and are kept."


def _exception_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _pair(pairs: np.ndarray, index: int) -> str:
    return f"pair {index + 1} ({int(pairs[index, 0])}, {int(pairs[index, 1])})"


def _describe_range(pairs: np.ndarray, begin: int, end: int) -> str:
    shown = ", ".join(_pair(pairs, i) for i in range(begin, min(end, begin + _SHOWN_PER_RANGE)))
    more = end - begin - _SHOWN_PER_RANGE
    return shown + (f" and {more} more" if more > 0 else "")
