"""Random pair generation: exact digit counts, reproducible per seed."""

from __future__ import annotations

import random

import numpy as np
import pytest

from gcdapp.core.generate import generate_pairs
from gcdapp.core.parsing import MAX_DIGITS, MAX_PAIRS


def digit_counts(pairs: np.ndarray) -> set[int]:
    return {len(str(int(v))) for v in pairs.ravel()}


@pytest.mark.parametrize("digits", [1, 2, 7, 18, 19, 25])
def test_same_seed_same_array(digits):
    a = generate_pairs(200, digits, seed=42)
    b = generate_pairs(200, digits, seed=42)
    assert a.dtype == b.dtype
    assert np.array_equal(a, b)


@pytest.mark.parametrize("digits", [7, 25])
def test_different_seeds_differ(digits):
    one, two = generate_pairs(100, digits, seed=1), generate_pairs(100, digits, seed=2)
    assert not np.array_equal(one, two)


def test_known_values_for_a_seed():
    """Pins the streams, so a change of algorithm is noticed."""
    small = generate_pairs(3, 3, seed=123)
    rng = np.random.Generator(np.random.PCG64(123))
    assert np.array_equal(small, rng.integers(100, 1000, size=(3, 2), dtype=np.int64))
    r = random.Random(123)
    expected = [r.randrange(10**24, 10**25) for _ in range(4)]
    assert generate_pairs(2, 25, seed=123).ravel().tolist() == expected


@pytest.mark.parametrize("digits", [1, 2, 7, 18])
def test_int64_digit_counts_are_exact(digits):
    pairs = generate_pairs(5000, digits, seed=7)
    assert pairs.shape == (5000, 2)
    assert pairs.dtype == np.int64
    assert digit_counts(pairs) == {digits}
    assert pairs.min() >= 10 ** (digits - 1)


def test_one_digit_covers_one_to_nine():
    assert set(generate_pairs(2000, 1, seed=3).ravel().tolist()) == set(range(1, 10))


@pytest.mark.parametrize("digits", [19, 25, 100])
def test_big_digits_give_object_arrays(digits):
    pairs = generate_pairs(500, digits, seed=5)
    assert pairs.shape == (500, 2)
    assert pairs.dtype == object
    assert all(type(v) is int for v in pairs.ravel())
    assert digit_counts(pairs) == {digits}


def test_zero_count():
    assert generate_pairs(0, 7, seed=1).shape == (0, 2)
    assert generate_pairs(0, 25, seed=1).shape == (0, 2)


def test_a_million_pairs_is_vectorised():
    pairs = generate_pairs(1_000_000, 7, seed=9)
    assert pairs.shape == (1_000_000, 2) and pairs.dtype == np.int64
    assert pairs.min() >= 1_000_000 and pairs.max() <= 9_999_999


def test_no_seed_still_valid():
    pairs = generate_pairs(10, 5)
    assert digit_counts(pairs) == {5}


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(count=-1, digits=7), "count must be between 0 and 10,000,000, got -1"),
        (dict(count=MAX_PAIRS + 1, digits=7), "count must be between"),
        (dict(count=10, digits=0), "digits must be between 1 and 4,300, got 0"),
        (dict(count=10, digits=MAX_DIGITS + 1), "digits must be between 1 and 4,300"),
        (dict(count=1.5, digits=7), "count must be an integer, got 1.5"),
        (dict(count=10, digits="7"), "digits must be an integer"),
        (dict(count=True, digits=7), "count must be an integer"),
        (dict(count=10, digits=7, seed=-1), "seed must be at least 0, got -1"),
        (dict(count=10, digits=30, seed=2.0), "seed must be an integer"),
    ],
)
def test_bad_arguments_raise(kwargs, message):
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(")):
        generate_pairs(**kwargs)


def test_limits_are_accepted():
    assert generate_pairs(2, MAX_DIGITS, seed=0).shape == (2, 2)
    assert digit_counts(generate_pairs(2, MAX_DIGITS, seed=0)) == {MAX_DIGITS}
