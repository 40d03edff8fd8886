"""grown and GrowingColumns: numpy buffers that double when full."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gcdapp.core.growing import GrowingColumns, grown


def test_grown_returns_the_same_buffer_when_it_is_large_enough():
    buf = np.arange(8)
    assert grown(buf, 8) is buf
    assert grown(buf, 0) is buf


def test_grown_doubles_until_the_rows_fit_and_keeps_the_rows():
    buf = np.arange(6, dtype=np.int32)
    out = grown(buf, 25)
    assert len(out) == 48 and out.dtype == np.int32
    assert out[:6].tolist() == list(range(6))
    assert grown(np.empty(0), 3).shape == (4,)  # from an empty buffer: 1, 2, 4


def test_grown_keeps_trailing_dimensions_and_only_the_rows_asked_for():
    buf = np.arange(12, dtype=np.float64).reshape(4, 3)
    out = grown(buf, 5, keep=2, fill=-1.0)
    assert out.shape == (8, 3)
    assert out[:2].tolist() == buf[:2].tolist()
    assert (out[2:] == -1.0).all()


def test_grown_fills_new_rows_when_asked():
    known = np.ones(3, dtype=bool)
    out = grown(known, 10, fill=False)
    assert out.tolist() == [True] * 3 + [False] * 9


def test_grown_object_buffers_hold_python_ints():
    buf = np.array([2**80, 3], dtype=object)
    out = grown(buf, 3)
    assert out.dtype == object and out[:2].tolist() == [2**80, 3]


@given(st.lists(st.integers(0, 300), max_size=40), st.integers(1, 64))
@settings(max_examples=200, deadline=None)
def test_columns_hold_every_appended_row_in_order(batch_sizes, capacity):
    cols = GrowingColumns(capacity, a=np.int64, b=np.float64)
    expected_a: list[int] = []
    for size in batch_sizes:
        a = np.arange(len(expected_a), len(expected_a) + size, dtype=np.int64)
        first = cols.append(a=a, b=a * 0.5)
        assert first == len(expected_a)
        expected_a.extend(a.tolist())
    assert len(cols) == cols.n == len(expected_a)
    assert cols.a[: cols.n].tolist() == expected_a
    assert cols.b[: cols.n].tolist() == [x * 0.5 for x in expected_a]
    # the capacity is the first one doubled just enough times
    needed = max(len(expected_a), capacity)
    assert cols.capacity == capacity * 2 ** int(np.ceil(np.log2(needed / capacity)))
    assert len(cols.a) == len(cols.b) == cols.capacity


def test_columns_keep_their_dtypes_and_take_scalars_for_one_row():
    cols = GrowingColumns(2, t=np.float64, lane=np.int32)
    cols.append(t=0.0, lane=3)
    cols.append(t=np.array([1.5, 2.5]), lane=np.array([1, 2]))
    assert cols.t.dtype == np.float64 and cols.lane.dtype == np.int32
    assert cols.t[: cols.n].tolist() == [0.0, 1.5, 2.5]
    assert cols.lane[: cols.n].tolist() == [3, 1, 2]


def test_reserve_makes_room_without_adding_rows():
    cols = GrowingColumns(4, x=np.int64)
    cols.append(x=np.arange(3))
    cols.reserve(10)
    assert cols.n == 3 and cols.capacity == 16
    assert cols.x[:3].tolist() == [0, 1, 2]
    cols.x[3:13] = 7  # (the caller writes into the room, then counts the rows)
    cols.n = 13
    assert cols.x[: cols.n].tolist() == [0, 1, 2] + [7] * 10


def test_append_refuses_missing_extra_and_ragged_columns():
    cols = GrowingColumns(4, a=np.int64, b=np.int64)
    with pytest.raises(ValueError, match="columns"):
        cols.append(a=np.arange(2))
    with pytest.raises(ValueError, match="columns"):
        cols.append(a=np.arange(2), b=np.arange(2), c=np.arange(2))
    with pytest.raises(ValueError, match="one length"):
        cols.append(a=np.arange(2), b=np.arange(3))
    assert cols.n == 0
    with pytest.raises(ValueError, match="at least one column"):
        GrowingColumns(4)
