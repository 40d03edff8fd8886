"""Random pairs of integers with an exact number of decimal digits."""

from __future__ import annotations

import operator
import random

import numpy as np

from gcdapp.core.parsing import MAX_DIGITS, MAX_PAIRS

#: Up to this many digits every value fits int64 (10**18 - 1 < 2**63).
INT64_DIGITS = 18


def generate_pairs(count: int, digits: int, seed: int | None = None) -> np.ndarray:
    """Return ``count`` random pairs whose integers all have exactly ``digits``
    decimal digits (the first one non-zero), as an ``(count, 2)`` array.

    Up to 18 digits the array is int64 and drawn with numpy's PCG64; beyond,
    it is an object array of Python ints drawn with :class:`random.Random`.
    The same ``seed`` gives the same array on every run and machine (for a
    given numpy version); ``seed=None`` draws fresh entropy.

    Raises ValueError unless ``0 <= count <= MAX_PAIRS``,
    ``1 <= digits <= MAX_DIGITS`` and ``seed`` is None or ``>= 0``.
    """
    count = _checked_int("count", count, 0, MAX_PAIRS)
    digits = _checked_int("digits", digits, 1, MAX_DIGITS)
    if seed is not None:
        seed = _checked_int("seed", seed, 0, None)
    low, high = 10 ** (digits - 1), 10**digits  # [low, high): exactly `digits` digits
    if digits <= INT64_DIGITS:
        rng = np.random.Generator(np.random.PCG64(seed))
        return rng.integers(low, high, size=(count, 2), dtype=np.int64)
    rand = random.Random(seed)
    values = [rand.randrange(low, high) for _ in range(2 * count)]
    return np.array(values, dtype=object).reshape(count, 2)


def _checked_int(name: str, value, low: int, high: int | None) -> int:
    """``value`` as an int in ``[low, high]``, or a ValueError naming it."""
    if isinstance(value, bool):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    try:
        value = operator.index(value)
    except TypeError:
        raise ValueError(f"{name} must be an integer, got {value!r}") from None
    if value < low or (high is not None and value > high):
        bound = f"between {low:,} and {high:,}" if high is not None else f"at least {low}"
        raise ValueError(f"{name} must be {bound}, got {value:,}")
    return value
