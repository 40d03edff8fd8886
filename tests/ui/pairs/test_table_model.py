"""PairTableModel: numpy-backed pairs, results, the kernel's domain."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from gcdapp.core.events import TaskBatch
from gcdapp.core.kernels import KERNELS
from gcdapp.core.pairs import pairs_to_list
from gcdapp.core.presets import SEED_NUMBERS
from gcdapp.ui.pairs.table_model import (
    COL_A,
    COL_B,
    COL_GCD,
    COL_TIME,
    COL_WORKER,
    PairTableModel,
    format_seconds,
    parse_int_cell,
)

DISPLAY = Qt.ItemDataRole.DisplayRole
EDIT = Qt.ItemDataRole.EditRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole
FOREGROUND = Qt.ItemDataRole.ForegroundRole
BACKGROUND = Qt.ItemDataRole.BackgroundRole


def cell(model, row, col, role=DISPLAY):
    return model.data(model.index(row, col), role)


def make_batch(tasks, lanes, gcd_dtype=np.int64):
    """``tasks``: (start, count, t_start, t_end, lane, gcds) per task."""
    pair_index, gcd = [], []
    for start, count, _t0, _t1, _lane, gcds in tasks:
        pair_index += range(start, start + count)
        gcd += gcds
    return TaskBatch(
        start=np.array([t[0] for t in tasks], dtype=np.int64),
        count=np.array([t[1] for t in tasks], dtype=np.int64),
        t_start=np.array([t[2] for t in tasks], dtype=np.float64),
        t_end=np.array([t[3] for t in tasks], dtype=np.float64),
        lane=np.array([t[4] for t in tasks], dtype=np.int32),
        lanes=tuple(lanes),
        pair_index=np.array(pair_index, dtype=np.int64),
        gcd=np.array(gcd, dtype=gcd_dtype),
    )


@pytest.fixture
def model(qapp):
    return PairTableModel(SEED_NUMBERS)


def test_shape_headers_and_display(model):
    assert model.rowCount() == 10
    assert model.columnCount() == 5
    assert model.rowCount(model.index(0, 0)) == 0  # a table: no children
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)]
    assert headers == ["a", "b", "gcd", "time", "worker"]
    assert model.headerData(0, Qt.Orientation.Vertical) == "1"
    assert model.headerData(9, Qt.Orientation.Vertical) == "10"
    assert model.headerData(2, Qt.Orientation.Horizontal, TOOLTIP)
    assert cell(model, 0, COL_A) == "1963309"
    assert cell(model, 9, COL_B) == "2123811"
    assert cell(model, 0, COL_GCD) == ""
    assert cell(model, 0, COL_TIME) == ""
    assert cell(model, 0, COL_WORKER) == ""
    assert cell(model, 0, COL_TIME, TOOLTIP) is None
    assert model.data(QModelIndex()) is None
    assert pairs_to_list(model.pairs()) == list(SEED_NUMBERS)
    assert model.pairs().dtype == np.int64


def test_pairs_is_a_read_only_view(model):
    view = model.pairs()
    with pytest.raises(ValueError):
        view[0, 0] = 5
    assert np.shares_memory(view, model.pairs())


def test_flags_only_a_and_b_editable(model):
    editable = Qt.ItemFlag.ItemIsEditable
    assert model.flags(model.index(0, COL_A)) & editable
    assert model.flags(model.index(0, COL_B)) & editable
    for col in (COL_GCD, COL_TIME, COL_WORKER):
        assert not model.flags(model.index(0, col)) & editable
    model.set_editable(False)
    assert not model.flags(model.index(0, COL_A)) & editable
    assert not model.setData(model.index(0, COL_A), "5")
    model.set_editable(True)
    assert model.setData(model.index(0, COL_A), "5")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", 42),
        ("  -17 ", -17),
        ("+8", 8),
        ("1_000_000", 1_000_000),
        ("0", 0),
        (12, 12),
        ("foo", None),
        ("1.5", None),
        ("", None),
        ("1__0", None),
        ("_1", None),
        ("1 2", None),
        ("٣", None),  # non-ASCII digits are not accepted
        (True, None),
        (None, None),
        ("9" * 4300, int("9" * 4300)),
        ("9" * 4301, None),
    ],
)
def test_parse_int_cell(text, expected):
    assert parse_int_cell(text) == expected


def test_set_data_parses_and_rejects(model, qtbot):
    index = model.index(3, COL_A)
    with qtbot.waitSignal(model.dataChanged) as blocker:
        assert model.setData(index, " 12_345 ")
    assert blocker.args[0].row() == 3 and blocker.args[1].row() == 3
    assert model.value(3, COL_A) == 12345
    assert cell(model, 3, COL_A, EDIT) == "12345"
    with qtbot.assertNotEmitted(model.dataChanged):
        assert not model.setData(index, "twelve")
        assert not model.setData(index, "1" * 4301)
        assert not model.setData(model.index(3, COL_GCD), "5")
        assert not model.setData(index, "5", DISPLAY)
    assert model.value(3, COL_A) == 12345


def test_huge_values_switch_to_object_and_back(model):
    huge = 10**30 + 7
    assert model.setData(model.index(2, COL_B), str(huge))
    assert model.pairs().dtype == object
    assert model.value(2, COL_B) == huge
    assert cell(model, 2, COL_B) == str(huge)
    assert model.setData(model.index(2, COL_B), "5")
    assert model.pairs().dtype == np.int64
    assert model.value(2, COL_B) == 5


def test_editing_a_pair_clears_that_rows_results(model):
    model.apply_batch(make_batch([(0, 10, 0.0, 0.01, 0, [1] * 10)], ["w"]))
    assert cell(model, 4, COL_GCD) == "1"
    model.setData(model.index(4, COL_B), "77")
    assert cell(model, 4, COL_GCD) == ""
    assert cell(model, 4, COL_TIME) == ""
    assert cell(model, 4, COL_WORKER) == ""
    assert cell(model, 5, COL_GCD) == "1"  # the other rows keep theirs


def test_insert_remove_restore(model, qtbot):
    before = model.pairs().copy()
    with qtbot.waitSignal(model.rowsInserted) as blocker:
        model.insert_pairs(2, [(5, 6), (7, 8)])
    assert blocker.args[1:] == [2, 3]
    assert model.rowCount() == 12
    assert pairs_to_list(model.pairs()[1:5]) == [SEED_NUMBERS[1], (5, 6), (7, 8), SEED_NUMBERS[2]]

    with qtbot.waitSignal(model.rowsRemoved) as blocker:
        rows, values = model.remove_rows([3, 2])
    assert blocker.args[1:] == [2, 3]
    assert rows.tolist() == [2, 3]
    assert pairs_to_list(values) == [(5, 6), (7, 8)]
    np.testing.assert_array_equal(model.pairs(), before)

    # Scattered rows: a reset, and restore_rows puts them back in place.
    with qtbot.waitSignal(model.modelReset):
        rows, values = model.remove_rows([8, 0, 4, 5])
    assert rows.tolist() == [0, 4, 5, 8]
    assert model.rowCount() == 6
    model.restore_rows(rows, values)
    np.testing.assert_array_equal(model.pairs(), before)

    model.insert_pairs(model.rowCount(), [(1, 1)])
    assert model.value(10, COL_A) == 1
    with pytest.raises(IndexError):
        model.insert_pairs(99, [(1, 1)])
    with pytest.raises(IndexError):
        model.remove_rows([11])
    assert model.remove_rows([])[0].size == 0


def test_insert_huge_pairs_then_remove_them(model):
    huge = np.empty((1, 2), dtype=object)
    huge[0] = (10**40, 3)
    model.insert_pairs(1, huge)
    assert model.pairs().dtype == object
    assert model.value(1, COL_A) == 10**40
    model.remove_rows([1])
    assert model.pairs().dtype == np.int64
    assert pairs_to_list(model.pairs()) == list(SEED_NUMBERS)


def test_set_pairs_resets_and_copies(model, qtbot):
    source = np.array([[4, 6], [9, 12]], dtype=np.int64)
    with qtbot.waitSignals([model.modelReset, model.pairsChanged]):
        model.set_pairs(source)
    source[0, 0] = 100  # the model holds its own copy
    assert model.value(0, COL_A) == 4
    model.set_pairs(np.empty((0, 2), dtype=np.int64))
    assert model.rowCount() == 0


def test_apply_batch_fills_exactly_the_batch_rows(model, qtbot):
    batch = make_batch(
        [
            (2, 3, 0.5, 0.5123, 1, [5, 1, 32]),  # one task of three pairs
            (7, 1, 0.1, 0.1021, 0, [9]),  # a task of one pair
        ],
        ["1111", "2222"],
    )
    with qtbot.waitSignal(model.dataChanged) as blocker:
        model.apply_batch(batch)
    top_left, bottom_right = blocker.args[0], blocker.args[1]
    assert (top_left.row(), top_left.column()) == (2, COL_GCD)
    assert (bottom_right.row(), bottom_right.column()) == (7, COL_WORKER)

    for row in (2, 3, 4):
        assert cell(model, row, COL_TIME) == "12.3 ms"
        assert cell(model, row, COL_TIME, TOOLTIP) == "task of 3 pairs"
        assert cell(model, row, COL_WORKER) == "2222"
        assert math.isclose(cell(model, row, COL_TIME, EDIT), 0.0123, rel_tol=1e-9)
    assert [cell(model, r, COL_GCD) for r in (2, 3, 4)] == ["5", "1", "32"]
    assert cell(model, 7, COL_GCD) == "9"
    assert cell(model, 7, COL_TIME) == "2.10 ms"
    assert cell(model, 7, COL_TIME, TOOLTIP) is None
    assert cell(model, 7, COL_WORKER) == "1111"
    for row in (0, 1, 5, 6, 8, 9):
        assert cell(model, row, COL_GCD) == ""
        assert cell(model, row, COL_TIME) == ""
        assert cell(model, row, COL_WORKER) == ""
    gcd, done = model.results()
    assert done.tolist() == [r in (2, 3, 4, 7) for r in range(10)]
    assert gcd[7] == 9
    assert model.lanes() == ("1111", "2222")

    with qtbot.waitSignal(model.dataChanged):
        model.clear_results()
    assert cell(model, 2, COL_GCD) == ""
    assert cell(model, 2, COL_WORKER) == ""
    assert not model.results()[1].any()


def test_apply_batch_ignores_rows_outside_the_model(model):
    model.apply_batch(make_batch([(9, 3, 0.0, 1.0, 0, [1, 2, 3])], ["w"]))
    assert cell(model, 9, COL_GCD) == "1"
    assert cell(model, 9, COL_TIME) == "1.00 s"


def test_apply_batch_with_huge_gcds(model):
    huge = 10**25
    model.apply_batch(make_batch([(0, 1, 0.0, 0.5, 0, [huge])], ["t"], gcd_dtype=object))
    assert cell(model, 0, COL_GCD) == str(huge)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.0123, "12.3 ms"),
        (0.00123, "1.23 ms"),
        (0.123, "123 ms"),
        (1.5, "1.50 s"),
        (125.0, "125 s"),
        (2.5e-6, "2.50 µs"),
        (3e-9, "3.00 ns"),
        (0.0, "0.00 ns"),
        (0.99999, "1.00 s"),
        (float("nan"), ""),
    ],
)
def test_format_seconds(seconds, text):
    assert format_seconds(seconds) == text


def test_domain_of_bruteforce_is_red_with_a_reason(model, qtbot):
    model.insert_pairs(model.rowCount(), [(0, 5), (-3, 4), (6, 9)])
    with qtbot.waitSignal(model.dataChanged) as blocker:
        model.set_kernel(KERNELS["bruteforce"])
    assert Qt.ItemDataRole.BackgroundRole in blocker.args[2]
    for row in (10, 11):
        for col in (COL_A, COL_B):
            assert isinstance(cell(model, row, col, BACKGROUND), QColor)
            foreground = cell(model, row, col, FOREGROUND)
            assert isinstance(foreground, QColor)
            assert foreground.red() > foreground.green() + 80  # red
            assert "needs a ≥ 1 and b ≥ 1" in cell(model, row, col, TOOLTIP)
    for row in (0, 12):
        assert cell(model, row, COL_A, BACKGROUND) is None
        assert cell(model, row, COL_A, FOREGROUND) is None
        assert cell(model, row, COL_A, TOOLTIP) is None
    issues = model.domain_issues()
    assert [(i.row, i.a, i.b) for i in issues] == [(10, 0, 5), (11, -3, 4)]
    assert len(model.domain_issues(limit=1)) == 1

    model.set_kernel(KERNELS["euclid"])
    for col in (COL_A, COL_B):
        assert cell(model, 10, col, BACKGROUND) is None
        assert cell(model, 10, col, FOREGROUND) is None
        assert cell(model, 10, col, TOOLTIP) is None
    assert model.domain_issues() == []
    model.set_kernel(None)
    assert model.domain_issues() == []


def test_domain_red_stays_readable_on_a_dark_palette(model):
    model.insert_pairs(0, [(0, 0)])
    model.set_kernel(KERNELS["bruteforce"])
    light = cell(model, 0, COL_A, FOREGROUND)
    app = QGuiApplication.instance()
    saved = QPalette(app.palette())
    dark = QPalette(saved)
    dark.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    dark.setColor(QPalette.ColorRole.Text, QColor("#eeeeee"))
    app.setPalette(dark)
    try:
        on_dark = cell(model, 0, COL_A, FOREGROUND)
    finally:
        app.setPalette(saved)
    assert on_dark.lightness() > 128 > light.lightness()
    assert on_dark.red() > on_dark.green()


def test_a_million_rows(qapp):
    n = 1_000_000
    pairs = np.arange(2 * n, dtype=np.int64).reshape(n, 2) + 1
    model = PairTableModel()
    model.set_pairs(pairs)
    assert model.rowCount() == n
    assert model.headerData(n - 1, Qt.Orientation.Vertical) == "1000000"
    assert cell(model, 0, COL_A) == "1"
    assert cell(model, 500_000, COL_B) == "1000002"
    assert cell(model, n - 1, COL_B) == str(2 * n)

    rows, values = model.remove_rows(np.arange(100_000, 300_000))
    assert model.rowCount() == n - 200_000
    assert values.shape == (200_000, 2) and values[0, 0] == 200_001
    assert cell(model, 99_999, COL_A) == str(2 * 99_999 + 1)
    assert cell(model, 100_000, COL_A) == str(2 * 300_000 + 1)

    block = np.full((50_000, 2), 7, dtype=np.int64)
    model.insert_pairs(400_000, block)
    assert model.rowCount() == n - 150_000
    assert cell(model, 400_000, COL_A) == "7"
    assert cell(model, 449_999, COL_B) == "7"
    assert cell(model, 450_000, COL_A) == str(2 * (400_000 + 200_000) + 1)

    model.remove_rows(np.arange(400_000, 450_000))
    model.restore_rows(rows, values)
    np.testing.assert_array_equal(model.pairs(), pairs)

    model.apply_batch(make_batch([(999_990, 10, 0.0, 0.002, 0, list(range(10)))], ["p"]))
    assert cell(model, n - 1, COL_GCD) == "9"
    assert cell(model, n - 1, COL_TIME, TOOLTIP) == "task of 10 pairs"
    assert cell(model, n - 11, COL_GCD) == ""


def test_sorted_rows():
    from gcdapp.ui.pairs.table_model import sorted_rows

    assert sorted_rows([3, 1, 3, 2]).tolist() == [1, 2, 3]
    assert sorted_rows([]).tolist() == []
    already = np.arange(5, dtype=np.int64)
    assert np.shares_memory(sorted_rows(already), already)  # no copy when already sorted


def test_apply_batch_of_many_tasks_matches_task_by_task(qapp):
    # A batch of many tasks takes the vectorised path, a few tasks the
    # slice-per-task one: both must fill the same cells.
    rng = np.random.default_rng(3)
    n = 1000
    counts = rng.integers(1, 6, size=300)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    keep = starts + counts <= n
    starts, counts = starts[keep], counts[keep]
    tasks = [
        (int(s), int(c), 0.001 * i, 0.001 * i + 0.0005 * (1 + i % 7), i % 3,
         list(range(int(s) + 1, int(s) + int(c) + 1)))
        for i, (s, c) in enumerate(zip(starts, counts))
    ]
    order = rng.permutation(len(tasks))  # completion order is not row order
    tasks = [tasks[i] for i in order]
    lanes = ["a", "b", "c"]
    whole, piecewise = PairTableModel(np.ones((n, 2), dtype=np.int64)), PairTableModel(
        np.ones((n, 2), dtype=np.int64))
    assert len(tasks) > PairTableModel._SLICE_TASKS
    whole.apply_batch(make_batch(tasks, lanes))
    for i in range(0, len(tasks), 10):
        piecewise.apply_batch(make_batch(tasks[i : i + 10], lanes))
    for name in PairTableModel._RESULT_ARRAYS:
        np.testing.assert_array_equal(getattr(whole, name), getattr(piecewise, name), name)
    covered = int(counts.sum())
    assert whole.results()[1][:covered].all() and not whole.results()[1][covered:].any()
    assert cell(whole, 0, COL_GCD) == "1"


def test_apply_batch_with_pairs_out_of_order(model):
    batch = make_batch([(2, 3, 0.0, 0.5, 0, [7, 8, 9])], ["w"])
    batch = TaskBatch(batch.start, batch.count, batch.t_start, batch.t_end, batch.lane,
                      batch.lanes, batch.pair_index[::-1].copy(), batch.gcd[::-1].copy())
    model.apply_batch(batch)
    assert [cell(model, r, COL_GCD) for r in (2, 3, 4)] == ["7", "8", "9"]


def test_data_answers_int_and_enum_roles_alike(model):
    model.set_kernel(KERNELS["bruteforce"])
    model.set_value(1, COL_A, -3)
    model.apply_batch(make_batch([(0, 2, 0.0, 0.5, 0, [3, 1])], ["w"]))
    for role in (DISPLAY, EDIT, TOOLTIP, FOREGROUND, BACKGROUND,
                 Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.FontRole):
        for col in (COL_A, COL_GCD, COL_TIME, COL_WORKER):
            assert cell(model, 1, col, role) == cell(model, 1, col, int(role))
    assert cell(model, 1, COL_A, Qt.ItemDataRole.FontRole) is None
    assert cell(model, 1, COL_A, int(BACKGROUND)) is not None  # outside bruteforce's domain


def test_clear_results_blanks_every_column_again(model):
    model.apply_batch(make_batch([(0, 2, 0.0, 0.5, 0, [10**25, 3])], ["t"], gcd_dtype=object))
    model.apply_batch(make_batch([(5, 1, 0.0, 0.25, 0, [4])], ["t"]))
    model.clear_results()
    gcd, done = model.results()
    assert gcd.dtype == np.int64 and not gcd.any() and not done.any()
    assert [cell(model, r, c) for r in (0, 1, 5) for c in (COL_GCD, COL_TIME, COL_WORKER)] == [""] * 9
    model.clear_results()  # nothing to clear: still blank
    model.apply_batch(make_batch([(1, 1, 0.0, 0.5, 0, [7])], ["u"]))
    assert cell(model, 1, COL_GCD) == "7" and cell(model, 1, COL_WORKER) == "u"
    model.clear_results()
    assert cell(model, 1, COL_GCD) == "" and cell(model, 1, COL_TIME) == ""


def test_the_model_follows_changes_made_on_its_workspace_directly(qtbot):
    from gcdapp.core.workspace import Workspace

    workspace = Workspace(SEED_NUMBERS)
    model = PairTableModel(workspace=workspace)
    signals = []
    model.rowsInserted.connect(lambda _p, a, b: signals.append(("inserted", a, b)))
    model.rowsRemoved.connect(lambda _p, a, b: signals.append(("removed", a, b)))
    model.modelReset.connect(lambda: signals.append(("reset",)))
    model.dataChanged.connect(lambda tl, br, _r: signals.append(("data", tl.row(), br.row())))
    workspace.insert_pairs(0, [(4, 6)])
    workspace.remove_rows([1, 2])
    workspace.remove_rows([0, 3])
    workspace.set_value(0, 0, 9)
    workspace.set_pairs([(1, 1)])
    assert signals == [("inserted", 0, 0), ("removed", 1, 2), ("reset",), ("data", 0, 0),
                       ("reset",)]
    assert model.rowCount() == 1 and model.data(model.index(0, 0)) == "1"
