"""pair_rows: the pair rows of a list of tasks, task after task."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gcdapp.core.engine import run_pairs
from gcdapp.core.events import RunSpec
from gcdapp.core.task_rows import as_block, pair_rows


def reference_rows(start, count) -> list[int]:
    """The rows task by task, the obvious way."""
    rows: list[int] = []
    for s, c in zip(start, count):
        rows.extend(range(s, s + c))
    return rows


tasks = st.lists(
    st.tuples(st.integers(0, 10_000), st.integers(0, 50)), max_size=60
)


@given(tasks)
@settings(max_examples=300, deadline=None)
def test_matches_the_reference_on_any_tasks(task_list):
    start = [s for s, _ in task_list]
    count = [c for _, c in task_list]
    rows = pair_rows(np.array(start, dtype=np.int64), np.array(count, dtype=np.int64))
    assert rows.dtype == np.int64
    assert rows.tolist() == reference_rows(start, count)


@given(st.lists(st.integers(0, 40), max_size=60), st.integers(0, 1000), st.randoms())
@settings(max_examples=300, deadline=None)
def test_contiguous_and_shuffled_chunkings_of_a_range(counts, first, rnd):
    """Chunk a range into tasks (some empty), then complete them in order and shuffled."""
    start = first + np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
    start = start[: len(counts)]
    count = np.array(counts, dtype=np.int64)
    in_order = pair_rows(start, count)
    assert in_order.tolist() == list(range(first, first + sum(counts)))
    order = list(range(len(counts)))
    rnd.shuffle(order)
    shuffled = pair_rows(start[order], count[order])
    assert shuffled.tolist() == reference_rows(start[order].tolist(), count[order].tolist())


def test_empty_inputs_and_only_empty_tasks_give_no_rows():
    for start, count in (([], []), ([3], [0]), ([0, 5, 2], [0, 0, 0])):
        rows = pair_rows(np.array(start, dtype=np.int64), np.array(count, dtype=np.int64))
        assert rows.dtype == np.int64 and rows.tolist() == []


def test_contiguous_tasks_give_a_range_and_other_orders_do_not_lose_rows():
    assert pair_rows([10], [4]).tolist() == [10, 11, 12, 13]
    assert pair_rows([0, 3, 3, 7], [3, 0, 4, 2]).tolist() == list(range(9))
    assert pair_rows([7, 0, 3], [2, 3, 4]).tolist() == [7, 8, 0, 1, 2, 3, 4, 5, 6]
    # an empty task whose start breaks the chain
    assert pair_rows([5, 0], [0, 3]).tolist() == [0, 1, 2]
    # overlapping tasks repeat their rows
    assert pair_rows([0, 1], [3, 3]).tolist() == [0, 1, 2, 1, 2, 3]


@pytest.mark.parametrize("mode", ["serial", "threads"])
def test_agrees_with_the_rows_a_real_run_reports(mode):
    rng = np.random.default_rng(11)
    pairs = rng.integers(1, 10**6, size=(997, 2), dtype=np.int64)
    result = run_pairs(pairs, RunSpec(mode=mode, kernel="euclid", workers=3, chunksize=7))
    tasks = result.tasks
    assert result.status == "completed" and len(tasks.start) == 143
    rows = pair_rows(tasks.start, tasks.count)
    assert rows.tolist() == np.asarray(tasks.pair_index).tolist()
    assert sorted(rows.tolist()) == list(range(997))


def test_accepts_lists_and_other_integer_dtypes():
    rows = pair_rows(np.array([4, 0], dtype=np.int32), [1, 2])
    assert rows.dtype == np.int64 and rows.tolist() == [4, 0, 1]


def test_mismatched_lengths_are_refused():
    with pytest.raises(ValueError, match="equal length"):
        pair_rows([0, 1], [1])


@given(st.lists(st.integers(-3, 30), max_size=20))
@settings(max_examples=300, deadline=None)
def test_as_block_is_a_slice_exactly_for_contiguous_ascending_rows(row_list):
    rows = np.array(row_list, dtype=np.int64)
    block = as_block(rows)
    contiguous = not row_list or (
        row_list[0] >= 0 and row_list == list(range(row_list[0], row_list[0] + len(row_list)))
    )
    assert (block is not None) == contiguous
    if block is not None:
        assert np.arange(40)[block].tolist() == row_list  # the same rows as rows itself


def test_as_block_examples():
    assert as_block(np.arange(5, 9)) == slice(5, 9)
    assert as_block(np.array([3])) == slice(3, 4)
    assert as_block(np.empty(0, dtype=np.int64)) == slice(0, 0)
    assert as_block(np.array([0, 2, 1, 3])) is None  # the right span, not in order
    assert as_block(np.array([1, 1, 2])) is None
    assert as_block(np.array([-1, 0, 1])) is None  # (a slice would wrap around)
    assert as_block(pair_rows([0, 4, 9], [4, 5, 2])) == slice(0, 11)


def test_pair_rows_of_tasks_in_order_and_out_of_order():
    def rows(start, count):
        return pair_rows(np.array(start, dtype=np.int64), np.array(count, dtype=np.int64)).tolist()

    assert rows([0, 3, 6], [3, 3, 1]) == [0, 1, 2, 3, 4, 5, 6]
    assert rows([6, 0, 3], [1, 3, 2]) == [6, 0, 1, 2, 3, 4]
    assert rows([5], [0]) == [] and rows([], []) == []
    assert rows([4, 9], [0, 2]) == [9, 10]
