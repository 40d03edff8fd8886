"""What a parse gives back, and the collector the readers fill."""

from __future__ import annotations

import time
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from gcdapp.core.pairs import fits_int64

MAX_PAIRS = 10_000_000
MAX_STORED_ERRORS = 1000


@dataclass(frozen=True)
class ParseError:
    """One bad line of the input."""

    line: int  # 1-based line number in the text
    value: str  # the offending fragment, at most 40 characters
    reason: str  # one line that already quotes the value

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class ParseResult:
    """The pairs read from a text, where they came from and what went wrong."""

    pairs: np.ndarray  # (n, 2): int64, or object when a value does not fit int64
    lines: np.ndarray  # int64 (n,): the 1-based line of each pair
    errors: list[ParseError]  # the first MAX_STORED_ERRORS bad lines, in line order
    n_errors: int  # every bad line, stored or not
    format: str  # "lines" | "csv" | "json" | "python"
    fatal: str | None = None  # the whole input was refused; pairs is then empty
    #: What the reader assumed that is neither a pair nor an error, e.g.
    #: "line 1 'a,b' taken as a header"; part of :meth:`summary`.
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.n_errors == 0 and self.fatal is None

    def summary(self) -> str:
        """One line for a status bar, e.g. ``"10 pairs read; 2 lines skipped"``."""
        if self.fatal is not None:
            return "; ".join([self.fatal, *self.notes])
        n = len(self.pairs)
        text = f"{n:,} pair{'s' if n != 1 else ''} read"
        if self.n_errors:
            text += f"; {self.n_errors:,} line{'s' if self.n_errors != 1 else ''} skipped"
        return "; ".join([text, *self.notes])


class ParseCancelled(Exception):
    """The progress callback asked the parse to stop; nothing was returned."""


def too_many_message(max_pairs: int) -> str:
    return f"the input has more than {max_pairs:,} pairs; split the list"


class Progress:
    """Calls ``callback(fraction)`` at most every ``interval`` seconds.

    The callback stops the parse by returning False or raising
    :class:`ParseCancelled`.
    """

    def __init__(self, callback: Callable[[float], object] | None, total: int,
                 interval: float = 0.2):
        self.callback = callback
        self.total = max(total, 1)
        self.interval = interval
        self._next = time.monotonic()  # the first check reports (and may cancel)

    def __call__(self, done: int) -> None:
        if self.callback is None:
            return
        now = time.monotonic()
        if now < self._next:
            return
        self._next = now + self.interval
        if self.callback(min(max(done / self.total, 0.0), 1.0)) is False:
            raise ParseCancelled("parse cancelled")


class Collector:
    """Accumulates pairs, their lines and errors, within the limits."""

    def __init__(self, max_pairs: int):
        self.max_pairs = max_pairs
        # Interleaved a, b values: a compact int64 array until a value does
        # not fit, then a list of Python ints.
        self.values: array | list = array("q")
        self.lines = array("q")
        self.errors: list[ParseError] = []
        self.n_errors = 0
        self.notes: list[str] = []
        self._last_error_line = 0

    def add(self, a: int, b: int, line: int) -> None:
        """Add a pair, switching to Python ints if a value does not fit int64."""
        if isinstance(self.values, array) and not (fits_int64(a) and fits_int64(b)):
            self.values = list(self.values)
        self.values.append(a)
        self.values.append(b)
        self.lines.append(line)

    def extend(self, values: np.ndarray, lines: np.ndarray) -> None:
        """Add int64 pairs in bulk: ``values`` flat (a, b, a, b...), ``lines`` per pair."""
        if isinstance(self.values, array):
            self.values.frombytes(np.ascontiguousarray(values, dtype=np.int64).tobytes())
        else:
            self.values.extend(values.tolist())
        self.lines.frombytes(np.ascontiguousarray(lines, dtype=np.int64).tobytes())

    def extend_ints(self, values: list[int], lines: np.ndarray) -> None:
        """Add pairs of Python ints in bulk, as :meth:`add` would one by one."""
        if not values:
            return
        if isinstance(self.values, array) and not (
            fits_int64(min(values)) and fits_int64(max(values))
        ):
            self.values = list(self.values)
        self.values.extend(values)
        self.lines.frombytes(np.ascontiguousarray(lines, dtype=np.int64).tobytes())

    def error(self, line: int, value: str, reason: str) -> None:
        """Record a bad line; only the first problem of each line counts."""
        if line == self._last_error_line:
            return
        self._last_error_line = line
        self.n_errors += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append(ParseError(line, value, reason))

    def count_errors(self, n: int, last_line: int) -> None:
        """Count ``n`` more bad lines, none of them stored, the last on ``last_line``."""
        if n:
            self.n_errors += n
            self._last_error_line = last_line

    def merge(self, other: "Collector") -> None:
        """Append what ``other`` read (from later in the text)."""
        if isinstance(self.values, array) and isinstance(other.values, array):
            self.values.extend(other.values)
        else:
            if isinstance(self.values, array):
                self.values = list(self.values)
            self.values.extend(other.values)
        self.lines.extend(other.lines)
        for e in other.errors:
            self.error(e.line, e.value, e.reason)
        hidden = other.n_errors - len(other.errors)
        self.count_errors(hidden, other._last_error_line)

    @property
    def errors_full(self) -> bool:
        return len(self.errors) >= MAX_STORED_ERRORS

    def too_many(self) -> bool:
        return len(self.lines) > self.max_pairs

    def result(self, fmt: str, fatal: str | None = None) -> ParseResult:
        if fatal is not None or not self.lines:
            pairs = np.empty((0, 2), dtype=np.int64)
            lines = np.empty(0, dtype=np.int64)
        else:
            if isinstance(self.values, array):
                pairs = np.frombuffer(self.values, dtype=np.int64).reshape(-1, 2)
            else:
                pairs = np.array(self.values, dtype=object).reshape(-1, 2)
            lines = np.frombuffer(self.lines, dtype=np.int64)
        return ParseResult(pairs, lines, self.errors, self.n_errors, fmt, fatal,
                           list(self.notes))
