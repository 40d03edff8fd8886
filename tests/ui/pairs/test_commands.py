"""Undo commands on the pair model: texts, undo and redo restore exactly."""

from __future__ import annotations

import random

import numpy as np
import pytest
from PySide6.QtGui import QUndoStack

from gcdapp.core.events import TaskBatch
from gcdapp.core.pairs import pairs_to_list
from gcdapp.core.presets import SEED_NUMBERS
from gcdapp.ui.pairs.commands import (
    ClearCommand,
    DeleteRowsCommand,
    EditCellCommand,
    InsertPairsCommand,
    ReplaceAllCommand,
    count_text,
)
from gcdapp.ui.pairs.table_model import COL_A, COL_B, PairTableModel


@pytest.fixture
def model(qapp):
    return PairTableModel(SEED_NUMBERS)


@pytest.fixture
def stack(qapp):
    return QUndoStack()


def as_list(model):
    return pairs_to_list(model.pairs())


def test_count_text():
    assert count_text(1, "pair") == "1 pair"
    assert count_text(0, "pair") == "0 pairs"
    assert count_text(1000, "row") == "1,000 rows"


def test_paste_appends_and_undoes(model, stack):
    before = as_list(model)
    pasted = [(i, i + 1) for i in range(10)]
    stack.push(InsertPairsCommand(model, pasted))
    assert stack.undoText() == "Paste 10 pairs"
    assert as_list(model) == before + pasted
    stack.undo()
    assert as_list(model) == before
    stack.redo()
    assert as_list(model) == before + pasted


def test_insert_at_a_row(model, stack):
    stack.push(InsertPairsCommand(model, [(5, 5)], row=0, text="Add row"))
    assert stack.undoText() == "Add row"
    assert as_list(model)[0] == (5, 5)
    stack.undo()
    assert as_list(model) == list(SEED_NUMBERS)


def test_paste_over_scattered_rows(model, stack):
    before = as_list(model)
    command = InsertPairsCommand(model, [(7, 8), (9, 10)], replace_rows=[6, 1, 3])
    assert command.first_row == 1
    stack.push(command)
    assert stack.undoText() == "Paste 2 pairs over 3 rows"
    expected = [before[0], (7, 8), (9, 10), before[2]] + before[4:6] + before[7:]
    assert as_list(model) == expected
    stack.undo()
    assert as_list(model) == before
    stack.redo()
    assert as_list(model) == expected


def test_edit_cell(model, stack):
    stack.push(EditCellCommand(model, 3, COL_A, 99))
    assert stack.undoText() == "Edit a of row 4"
    assert model.value(3, COL_A) == 99
    stack.push(EditCellCommand(model, 0, COL_B, -5))
    assert stack.undoText() == "Edit b of row 1"
    stack.undo()
    stack.undo()
    assert as_list(model) == list(SEED_NUMBERS)
    stack.redo()
    assert model.value(3, COL_A) == 99
    with pytest.raises(ValueError):
        EditCellCommand(model, 0, 2, 1)


def test_delete_rows(model, stack):
    stack.push(DeleteRowsCommand(model, [0, 5, 9]))
    assert stack.undoText() == "Delete 3 rows"
    assert as_list(model) == [p for i, p in enumerate(SEED_NUMBERS) if i not in (0, 5, 9)]
    stack.undo()
    assert as_list(model) == list(SEED_NUMBERS)
    stack.push(DeleteRowsCommand(model, [4]))
    assert stack.undoText() == "Delete 1 row"


def test_clear(stack, qapp):
    model = PairTableModel(np.arange(2000).reshape(1000, 2))
    before = model.pairs().copy()
    stack.push(ClearCommand(model))
    assert stack.undoText() == "Clear 1,000 pairs"
    assert model.rowCount() == 0
    stack.undo()
    np.testing.assert_array_equal(model.pairs(), before)


def test_replace_all_keeps_the_old_pairs_intact(model, stack):
    new = np.arange(2000, dtype=np.int64).reshape(1000, 2)
    stack.push(ReplaceAllCommand(model, new, "Generate 1,000 pairs"))
    assert stack.undoText() == "Generate 1,000 pairs"
    np.testing.assert_array_equal(model.pairs(), new)
    # Edits after the replacement must not leak into what undo restores ...
    stack.push(EditCellCommand(model, 0, COL_A, 12345))
    stack.undo()
    stack.undo()
    assert as_list(model) == list(SEED_NUMBERS)
    # ... nor edits after the undo into what redo re-applies.
    model.set_value(0, COL_A, 777)  # a direct change, outside the history
    stack.redo()
    np.testing.assert_array_equal(model.pairs(), new)
    assert stack.undoText() == "Generate 1,000 pairs"
    assert ReplaceAllCommand(model, [(1, 2)]).text() == "Replace with 1 pair"


def test_undo_does_not_restore_results(model, stack):
    model.apply_batch(
        TaskBatch(
            start=np.array([0]),
            count=np.array([10]),
            t_start=np.array([0.0]),
            t_end=np.array([0.1]),
            lane=np.array([0], dtype=np.int32),
            lanes=("w",),
            pair_index=np.arange(10),
            gcd=np.ones(10, dtype=np.int64),
        )
    )
    stack.push(DeleteRowsCommand(model, [2]))
    stack.undo()
    gcd, done = model.results()
    assert done.tolist() == [True, True, False] + [True] * 7


def test_random_history_undoes_to_the_start(model, stack):
    """Many random commands, then undo all: the pairs are back, exactly."""
    rng = random.Random(1234)
    states = [as_list(model)]
    for _ in range(200):
        n = model.rowCount()
        kind = rng.choice(["paste", "replace", "edit", "delete", "clear", "all"])
        if kind == "paste" or n == 0:
            new = [(rng.randint(-9, 10**20), rng.randint(1, 99)) for _ in range(rng.randint(1, 4))]
            rows = rng.sample(range(n), rng.randint(0, min(n, 3))) if n else []
            stack.push(InsertPairsCommand(model, new, replace_rows=rows or None))
        elif kind == "replace":
            stack.push(ReplaceAllCommand(model, [(rng.randint(1, 50), 2)] * rng.randint(0, 5)))
        elif kind == "edit":
            stack.push(EditCellCommand(model, rng.randrange(n), rng.choice([COL_A, COL_B]),
                                       rng.randint(-(10**25), 10**25)))
        elif kind == "delete":
            stack.push(DeleteRowsCommand(model, rng.sample(range(n), rng.randint(1, min(n, 4)))))
        elif kind == "clear":
            stack.push(ClearCommand(model))
        else:
            stack.push(InsertPairsCommand(model, [(1, 1)], row=rng.randint(0, n)))
        states.append(as_list(model))
        assert model.pairs().dtype in (np.int64, object)
    for expected in reversed(states[:-1]):
        stack.undo()
        assert as_list(model) == expected
    for expected in states[1:]:
        stack.redo()
        assert as_list(model) == expected
