"""Vectorised conversion of text already validated by a regex: the fast
paths of both readers hand whole runs of pairs over to numpy at once."""

from __future__ import annotations

import numpy as np

# Separators and brackets become spaces; quotes and ``_`` groups vanish.
_TABLE = bytes.maketrans(b",;()[]\t", b"       ")
_DROP = b"_\""

#: Up to this many digits every integer fits int64 (10**18 - 1 < 2**63).
INT64_DIGITS = 18


def numbers(text: str) -> np.ndarray:
    """Every integer of an ASCII ``text`` of integers, separators and brackets."""
    data = text.encode("ascii").translate(_TABLE, _DROP)
    if not data.strip():
        return np.empty(0, dtype=np.int64)
    return np.fromstring(data, dtype=np.int64, sep=" ")


def numbers_of_bytes(data: bytes) -> np.ndarray:
    """:func:`numbers` for ASCII bytes."""
    data = data.translate(_TABLE, _DROP)
    if not data.strip():
        return np.empty(0, dtype=np.int64)
    return np.fromstring(data, dtype=np.int64, sep=" ")


def per_line(flags: np.ndarray, newlines: np.ndarray) -> np.ndarray:
    """How many ``flags`` each line holds, for a text whose every line ends
    with one of the ``newlines`` (their positions)."""
    c = np.cumsum(flags, dtype=np.int64 if len(flags) >= 1 << 31 else np.int32)
    return np.diff(np.concatenate(([0], c[newlines])))


def lines_of(text: str, opens: bytes, first_line: int) -> np.ndarray:
    """The line of every (ASCII) character of ``opens`` in ``text``."""
    arr = np.frombuffer(text.encode("utf-8", "surrogatepass"), dtype=np.uint8)
    mask = arr == opens[0]
    for byte in opens[1:]:
        mask |= arr == byte
    at = np.flatnonzero(mask)
    if "\n" not in text:
        return np.full(len(at), first_line, dtype=np.int64)
    newlines = np.flatnonzero(arr == 10)
    return np.searchsorted(newlines, at).astype(np.int64) + first_line


def digit_lines(text: str, first_line: int) -> np.ndarray:
    """The lines of an ASCII ``text`` that hold a digit (comments removed)."""
    arr = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    newlines = np.flatnonzero(arr == 10)
    if len(newlines) == 0 or newlines[-1] != len(arr) - 1:
        newlines = np.append(newlines, len(arr))
    digits = np.cumsum((arr >= 48) & (arr <= 57), dtype=np.int64)
    at_end = np.concatenate(([0], digits[np.minimum(newlines, len(arr) - 1)]))
    has = np.diff(at_end) > 0
    return np.flatnonzero(has).astype(np.int64) + first_line
