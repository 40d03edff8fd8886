"""The pair array helpers, and the fingerprint that keys pair sets."""

from __future__ import annotations

import hashlib
import tracemalloc

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from gcdapp.core.pairs import as_pairs, pairs_fingerprint


def reference_fingerprint(pairs: np.ndarray) -> str:
    """The digest session files have always stored (it must not change)."""
    digest = hashlib.blake2b(digest_size=8)
    digest.update(str(len(pairs)).encode())
    if pairs.dtype == np.int64:
        digest.update(np.ascontiguousarray(pairs).tobytes())
    else:
        digest.update(repr(pairs.tolist()).encode())
    return digest.hexdigest()


@given(hnp.arrays(np.int64, st.tuples(st.integers(0, 40), st.just(2))))
@settings(max_examples=200, deadline=None)
def test_int64_digest_is_unchanged_in_every_memory_layout(pairs):
    expected = reference_fingerprint(pairs)
    assert pairs_fingerprint(pairs) == expected
    assert pairs_fingerprint(np.asfortranarray(pairs)) == expected
    doubled = np.repeat(pairs, 2, axis=0)[::2]  # a strided, non-contiguous view
    assert not doubled.flags.c_contiguous or len(pairs) <= 1
    assert pairs_fingerprint(doubled) == expected


def test_the_in_place_digest_is_the_copying_one():
    """(moved from test_session: session.fingerprint, the in-place variant, is
    now pairs_fingerprint itself)"""
    rng = np.random.default_rng(3)
    for pairs in (
        rng.integers(-(10**15), 10**15, size=(1000, 2), dtype=np.int64),
        np.empty((0, 2), dtype=np.int64),
        as_pairs([(2**80 + 3, 1), (2, 3)]),
        rng.integers(0, 99, size=(10, 4), dtype=np.int64)[:, ::2],  # not contiguous
    ):
        assert pairs_fingerprint(pairs) == reference_fingerprint(pairs)


def test_known_digests_stay_the_same():
    # digests written by earlier versions into session files
    assert pairs_fingerprint(np.array([[12, 18], [7, 5]], dtype=np.int64)) == "f2c7e6cec62123a5"
    assert pairs_fingerprint(as_pairs([])) == "842b7d9d43cddf75"
    huge = as_pairs([(2**70, 6), (4, 2**65 + 1)])
    assert huge.dtype == object
    assert pairs_fingerprint(huge) == "c72725838fa588d3"


def test_different_pairs_give_different_digests():
    a = np.array([[1, 2], [3, 4]], dtype=np.int64)
    assert pairs_fingerprint(a) != pairs_fingerprint(a[::-1].copy())
    assert pairs_fingerprint(a) != pairs_fingerprint(a[:1].copy())
    # the same values as Python ints beyond int64 and as int64 differ by design
    assert pairs_fingerprint(a) != pairs_fingerprint(a.astype(object))


def test_a_contiguous_int64_array_is_hashed_without_a_copy():
    pairs = np.arange(2_000_000, dtype=np.int64).reshape(-1, 2)  # 16 MB
    tracemalloc.start()
    try:
        pairs_fingerprint(pairs)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000, f"hashing allocated {peak} bytes"
