"""The pair editor, driven as a person would: clipboard, keys, buttons, undo."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QItemSelection, QItemSelectionModel, QObject, QPoint, QRect, Qt
from PySide6.QtGui import QColor, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QDialogButtonBox,
    QLineEdit,
)

from gcdapp.core.events import TaskBatch
from gcdapp.core.generate import generate_pairs
from gcdapp.core.kernels import KERNELS
from gcdapp.core.pairs import pairs_to_list
from gcdapp.core.presets import SEED_NUMBERS
from gcdapp.ui.pairs.generate_dialog import GenerateDialog
from gcdapp.ui.pairs.editor import PairEditor
from gcdapp.ui.pairs.table_model import COL_A, COL_B, COL_GCD, COL_WORKER
from tests.core.test_parsing_fuzz import RUN_SERIAL  # the seed's whole run_serial.py

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier

#: The seed script's block, exactly as a reader would copy it.
NUMBERS_BLOCK = """NUMBERS = [
    (1963309, 2265973), (2030677, 3814172),
    (1551645, 2229620), (2039045, 2020802),
    (1823712, 1924928), (2293129, 1020491),
    (1281238, 2273782), (3823812, 4237281),
    (3812741, 4729139), (1292391, 2123811),
]
"""


def pairs(editor):
    return pairs_to_list(editor.model.pairs())


@pytest.fixture
def editor(qtbot):
    widget = PairEditor()
    qtbot.addWidget(widget)
    widget.resize(720, 480)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    return widget


@pytest.fixture
def seeded(editor):
    editor.load_preset("seed")
    editor.undo_stack.clear()
    return editor


def focus_view(editor, qtbot):
    editor.view.setFocus()
    qtbot.waitUntil(editor.view.hasFocus)


def select_rows(editor, *rows):
    selection = QItemSelection()
    for row in rows:
        selection.select(editor.model.index(row, 0), editor.model.index(row, 4))
    editor.view.selectionModel().select(
        selection, QItemSelectionModel.SelectionFlag.ClearAndSelect
    )


def make_batch(start, count, lanes=("4242",)):
    return TaskBatch(
        start=np.array([start], dtype=np.int64),
        count=np.array([count], dtype=np.int64),
        t_start=np.array([0.0]),
        t_end=np.array([0.004]),
        lane=np.array([0], dtype=np.int32),
        lanes=tuple(lanes),
        pair_index=np.arange(start, start + count, dtype=np.int64),
        gcd=np.arange(1, count + 1, dtype=np.int64),
    )


# -- pasting --------------------------------------------------------------------


def test_ctrl_v_pastes_the_seed_numbers_block(editor, qtbot):
    QGuiApplication.clipboard().setText(NUMBERS_BLOCK)
    focus_view(editor, qtbot)
    with qtbot.waitSignal(editor.pairsChanged):
        qtbot.keyClick(editor.view, Qt.Key.Key_V, CTRL)
    qtbot.waitUntil(lambda: pairs(editor) == list(SEED_NUMBERS))
    assert editor.undo_stack.undoText() == "Paste 10 pairs"
    assert editor.messages.isHidden()  # a clean paste needs no message


def test_paste_button_reads_the_clipboard(editor, qtbot):
    QGuiApplication.clipboard().setText("12 18\n3,4\n")
    qtbot.mouseClick(editor.buttons["paste"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pairs(editor) == [(12, 18), (3, 4)])


def test_paste_with_bad_lines_then_undo_and_redo(seeded, qtbot):
    editor = seeded
    before = pairs(editor)
    QGuiApplication.clipboard().setText("10 20\nfoo 3\n30 40\n\n50, x\n60 70\n")
    focus_view(editor, qtbot)
    qtbot.keyClick(editor.view, Qt.Key.Key_V, CTRL)
    qtbot.waitUntil(lambda: len(pairs(editor)) == 13)
    assert pairs(editor) == before + [(10, 20), (30, 40), (60, 70)]

    assert editor.messages.isVisible()
    assert editor.messages.problems.accessibleName() == "Paste problems"
    assert editor.messages.lines() == [
        "line 2: 'foo' is not an integer",
        "line 5: 'x' is not an integer",
    ]
    assert "3 pairs pasted; 2 lines skipped" in editor.messages.summary.text()

    qtbot.keyClick(editor.view, Qt.Key.Key_Z, CTRL)
    qtbot.waitUntil(lambda: pairs(editor) == before)
    qtbot.keyClick(editor.view, Qt.Key.Key_Z, CTRL | SHIFT)
    qtbot.waitUntil(lambda: len(pairs(editor)) == 13)
    assert pairs(editor) == before + [(10, 20), (30, 40), (60, 70)]

    qtbot.mouseClick(editor.messages.close_button, Qt.MouseButton.LeftButton)
    assert editor.messages.isHidden()


def test_paste_replaces_the_selected_rows(seeded):
    editor = seeded
    before = pairs(editor)
    select_rows(editor, 1, 2, 3)
    editor.paste_text("7 8\n9 10\n")
    assert pairs(editor) == before[:1] + [(7, 8), (9, 10)] + before[4:]
    assert editor.undo_stack.undoText() == "Paste 2 pairs over 3 rows"
    # Never silent: the message says what was replaced.
    assert "in place of 3 selected rows" in editor.messages.summary.text()
    assert not editor.view.selectionModel().hasSelection()  # a second paste appends
    editor.undo_stack.undo()
    assert pairs(editor) == before


def test_paste_over_scattered_rows(seeded):
    editor = seeded
    before = pairs(editor)
    select_rows(editor, 8, 2, 5)
    editor.paste_text("[[1, 2]]")
    assert pairs(editor) == (
        before[:2] + [(1, 2)] + before[3:5] + before[6:8] + before[9:]
    )
    editor.undo_stack.undo()
    assert pairs(editor) == before


def test_paste_appends_when_nothing_is_selected(seeded):
    editor = seeded
    before = pairs(editor)
    editor.view.setCurrentIndex(editor.model.index(2, 0))  # selects row 3 ...
    editor.view.clearSelection()  # ... and now nothing is selected
    editor.paste_text("5 5")
    assert pairs(editor) == before + [(5, 5)]
    assert editor.view.currentIndex().row() == 10


def test_fatal_paste_inserts_nothing(seeded):
    editor = seeded
    before = pairs(editor)
    count = editor.undo_stack.count()
    select_rows(editor, 0)
    result = editor.paste_text("1 2\n\x00")
    assert result.fatal
    assert pairs(editor) == before
    assert editor.undo_stack.count() == count
    assert editor.messages.isVisible()
    assert editor.messages.summary.text().startswith("Nothing pasted:")


def test_paste_of_only_bad_lines_keeps_the_selection_and_pairs(seeded):
    editor = seeded
    before = pairs(editor)
    select_rows(editor, 0, 1)
    editor.paste_text("foo\nbar baz\n")
    assert pairs(editor) == before
    assert editor.view.selectionModel().hasSelection()
    assert "No pairs pasted; 2 lines skipped" in editor.messages.summary.text()
    assert [line.split(":")[0] for line in editor.messages.lines()] == ["line 1", "line 2"]


def test_paste_with_no_pairs_only_shows_a_note(seeded, qtbot):
    editor = seeded
    count = editor.undo_stack.count()
    with qtbot.assertNotEmitted(editor.pairsChanged):
        editor.paste_text("\n   # only a comment\n\n")
    assert editor.undo_stack.count() == count
    assert editor.messages.summary.text().startswith("Nothing to paste")
    assert editor.messages.problems.isHidden()


def test_paste_lists_at_most_some_problems(editor):
    text = "\n".join(f"bad{i}" for i in range(500)) + "\n1 2\n"
    editor.paste_text(text)
    lines = editor.messages.lines()
    assert len(lines) == 201
    assert lines[-1] == "… and 300 more lines"
    assert pairs(editor) == [(1, 2)]


# -- editing --------------------------------------------------------------------


def edit_cell(editor, qtbot, row, column, text):
    focus_view(editor, qtbot)
    editor.view.setCurrentIndex(editor.model.index(row, column))
    qtbot.keyClick(editor.view, Qt.Key.Key_F2)
    line_edit = QApplication.focusWidget()
    assert isinstance(line_edit, QLineEdit)
    line_edit.selectAll()
    qtbot.keyClicks(line_edit, text)
    qtbot.keyClick(line_edit, Qt.Key.Key_Return)
    # The delegate commits and closes the editor through a queued call.
    qtbot.waitUntil(lambda: editor.view.state() != QAbstractItemView.State.EditingState)


def test_edit_a_cell_then_undo(seeded, qtbot):
    editor = seeded
    with qtbot.waitSignal(editor.pairsChanged):
        edit_cell(editor, qtbot, 3, COL_A, "12345")
    assert editor.model.value(3, COL_A) == 12345
    assert editor.undo_stack.undoText() == "Edit a of row 4"
    qtbot.keyClick(editor.view, Qt.Key.Key_Z, CTRL)
    assert pairs(editor) == list(SEED_NUMBERS)
    editor.undo_stack.redo()
    assert editor.model.value(3, COL_A) == 12345


def test_edit_rejects_what_is_not_an_integer(seeded, qtbot):
    editor = seeded
    count = editor.undo_stack.count()
    edit_cell(editor, qtbot, 0, COL_B, "abc")  # the validator swallows letters
    assert editor.model.value(0, COL_B) == SEED_NUMBERS[0][1]
    edit_cell(editor, qtbot, 0, COL_B, "12_")  # typed, but not an integer
    assert editor.model.value(0, COL_B) == SEED_NUMBERS[0][1]
    assert editor.undo_stack.count() == count
    assert "not an integer" in editor.messages.summary.text()


def test_add_row_appends_and_edits_it(seeded, qtbot):
    editor = seeded
    qtbot.mouseClick(editor.buttons["add_row"], Qt.MouseButton.LeftButton)
    assert pairs(editor)[-1] == (1, 1)
    assert editor.undo_stack.undoText() == "Add row"
    assert editor.view.state() == QAbstractItemView.State.EditingState
    line_edit = QApplication.focusWidget()
    assert isinstance(line_edit, QLineEdit)
    line_edit.selectAll()
    qtbot.keyClicks(line_edit, "42")
    qtbot.keyClick(line_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: pairs(editor)[-1] == (42, 1))
    editor.undo_stack.undo()
    editor.undo_stack.undo()
    assert pairs(editor) == list(SEED_NUMBERS)


def test_delete_selected_and_undo(seeded, qtbot):
    editor = seeded
    assert not editor.buttons["delete"].isEnabled()  # nothing selected yet
    select_rows(editor, 0, 5)
    assert editor.buttons["delete"].isEnabled()
    qtbot.mouseClick(editor.buttons["delete"], Qt.MouseButton.LeftButton)
    assert pairs(editor) == [p for i, p in enumerate(SEED_NUMBERS) if i not in (0, 5)]
    assert editor.undo_stack.undoText() == "Delete 2 rows"
    editor.undo_stack.undo()
    assert pairs(editor) == list(SEED_NUMBERS)

    select_rows(editor, 9)
    focus_view(editor, qtbot)
    qtbot.keyClick(editor.view, Qt.Key.Key_Delete)
    assert pairs(editor) == list(SEED_NUMBERS[:9])


def test_clear_and_undo(seeded, qtbot):
    editor = seeded
    qtbot.mouseClick(editor.buttons["clear"], Qt.MouseButton.LeftButton)
    assert editor.model.rowCount() == 0
    assert editor.undo_stack.undoText() == "Clear 10 pairs"
    assert not editor.buttons["clear"].isEnabled()
    focus_view(editor, qtbot)
    qtbot.keyClick(editor.view, Qt.Key.Key_Z, CTRL)
    assert pairs(editor) == list(SEED_NUMBERS)


def test_generate_through_the_dialog_and_undo(seeded, qtbot):
    editor = seeded
    qtbot.mouseClick(editor.buttons["generate"], Qt.MouseButton.LeftButton)
    dialog = editor.findChild(GenerateDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.values() == (1000, 7, 0)
    dialog.digits_spin.setValue(5)
    dialog.seed_spin.setValue(3)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    with qtbot.waitSignal(editor.pairsChanged):
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    np.testing.assert_array_equal(editor.model.pairs(), generate_pairs(1000, 5, 3))
    assert editor.undo_stack.undoText() == "Generate 1,000 pairs"
    editor.undo_stack.undo()
    assert pairs(editor) == list(SEED_NUMBERS)

    # The dialog remembers the last choice.
    dialog = editor.open_generate_dialog()
    assert dialog.values() == (1000, 5, 3)
    dialog.reject()


def test_preset_menu_and_undo(editor):
    editor.paste_text("1 2")
    titles = [a.text() for a in editor.preset_menu.actions()]
    assert "Seed example (10 pairs)" in titles
    editor.preset_menu.actions()[titles.index("Seed example (10 pairs)")].trigger()
    assert pairs(editor) == list(SEED_NUMBERS)
    assert editor.undo_stack.undoText() == "Load Seed example (10 pairs)"
    editor.undo_stack.undo()
    assert pairs(editor) == [(1, 2)]


def test_load_pairs_is_one_undoable_step(seeded):
    editor = seeded
    assert editor.load_pairs(np.array([[4, 6]]))
    assert editor.undo_stack.undoText() == "Open …"
    editor.load_pairs([(8, 12)], "Open pairs.csv")
    assert editor.undo_stack.undoText() == "Open pairs.csv"
    editor.undo_stack.undo()
    editor.undo_stack.undo()
    assert pairs(editor) == list(SEED_NUMBERS)


def test_undo_and_redo_actions(editor):
    keys = [k.toString() for k in editor.undo_action.shortcuts()]
    assert "Ctrl+Z" in keys
    assert "Ctrl+Shift+Z" in [k.toString() for k in editor.redo_action.shortcuts()]
    assert QKeySequence(QKeySequence.StandardKey.Undo) in editor.undo_action.shortcuts()
    for action in (editor.undo_action, editor.redo_action):
        assert action.shortcutContext() == Qt.ShortcutContext.WidgetWithChildrenShortcut
        assert action in editor.actions()
    assert not editor.undo_action.isEnabled()
    editor.paste_text("1 1")
    assert editor.undo_action.isEnabled()
    assert editor.undo_action.text() == "Undo Paste 1 pair"


# -- kernel domain, runs, results -----------------------------------------------


def test_domain_cells_are_red_for_bruteforce_only(seeded):
    editor = seeded
    editor.paste_text("0 5\n-3 4\n6 9")
    editor.set_kernel(KERNELS["bruteforce"])
    model = editor.model
    for row in (10, 11):
        index = model.index(row, COL_A)
        assert isinstance(index.data(Qt.ItemDataRole.BackgroundRole), QColor)
        assert isinstance(index.data(Qt.ItemDataRole.ForegroundRole), QColor)
        assert "bruteforce needs a ≥ 1" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(12, COL_A).data(Qt.ItemDataRole.BackgroundRole) is None
    assert [issue.row for issue in editor.domain_issues()] == [10, 11]

    editor.set_kernel(KERNELS["euclid"])
    for row in (10, 11):
        for col in (COL_A, COL_B):
            index = model.index(row, col)
            assert index.data(Qt.ItemDataRole.BackgroundRole) is None
            assert index.data(Qt.ItemDataRole.ForegroundRole) is None
    assert editor.domain_issues() == []


def test_running_locks_editing_and_takes_results(seeded, qtbot):
    editor = seeded
    editor.paste_text("5 5")
    editor.apply_batch(make_batch(0, 3))
    assert editor.model.index(0, COL_GCD).data() == "1"

    with qtbot.assertNotEmitted(editor.pairsChanged):
        editor.set_running(True)
    assert editor.is_running()
    assert editor.model.index(0, COL_GCD).data() == ""  # a new run starts empty
    for name, button in editor.buttons.items():
        assert not button.isEnabled(), name
    assert not editor.undo_action.isEnabled()
    assert not editor.model.flags(editor.model.index(0, COL_A)) & Qt.ItemFlag.ItemIsEditable

    before = pairs(editor)
    assert editor.paste_text("1 2") is None
    QGuiApplication.clipboard().setText("3 4")
    focus_view(editor, qtbot)
    qtbot.keyClick(editor.view, Qt.Key.Key_V, CTRL)
    qtbot.keyClick(editor.view, Qt.Key.Key_Z, CTRL)
    qtbot.keyClick(editor.view, Qt.Key.Key_Delete)
    assert not editor.load_pairs([(1, 1)])
    assert pairs(editor) == before

    with qtbot.assertNotEmitted(editor.pairsChanged):
        editor.apply_batch(make_batch(4, 2, lanes=("a", "b")))
    assert editor.model.index(4, COL_GCD).data() == "1"
    assert editor.model.index(5, COL_WORKER).data() == "a"

    editor.set_running(False)
    assert editor.buttons["paste"].isEnabled()
    assert editor.undo_action.isEnabled()
    assert editor.model.index(4, COL_GCD).data() == "1"  # results stay after the run
    assert editor.model.flags(editor.model.index(0, COL_A)) & Qt.ItemFlag.ItemIsEditable


def test_a_run_starting_mid_edit_discards_the_edit(seeded, qtbot):
    editor = seeded
    focus_view(editor, qtbot)
    editor.view.setCurrentIndex(editor.model.index(0, COL_A))
    qtbot.keyClick(editor.view, Qt.Key.Key_F2)
    line_edit = QApplication.focusWidget()
    assert isinstance(line_edit, QLineEdit)
    line_edit.setText("999")
    editor.set_running(True)
    qtbot.waitUntil(lambda: editor.view.state() != QAbstractItemView.State.EditingState)
    assert pairs(editor) == list(SEED_NUMBERS)
    editor.set_running(False)


# -- scale and accessibility ----------------------------------------------------


def test_a_million_rows_select_all_delete_and_undo(editor, qtbot):
    big = np.arange(2_000_000, dtype=np.int64).reshape(-1, 2)
    editor.load_pairs(big)
    assert editor.model.rowCount() == 1_000_000
    editor.view.scrollToBottom()
    focus_view(editor, qtbot)
    qtbot.keyClick(editor.view, Qt.Key.Key_A, CTRL)
    assert len(editor.selected_rows()) == 1_000_000
    # The column headers must not see this selection: Qt would then call
    # flags() for every row on each header repaint (seconds at this size).
    assert not editor.view.horizontalHeader().selectionModel().hasSelection()
    editor.delete_selected()
    assert editor.model.rowCount() == 0
    assert editor.undo_stack.undoText() == "Delete 1,000,000 rows"
    editor.undo_stack.undo()
    np.testing.assert_array_equal(editor.model.pairs(), big)


def test_every_control_is_named_and_explained(editor):
    editor.paste_text("foo\n1 2")  # show the message area too
    controls = (
        editor.findChildren(QAbstractButton)
        + editor.findChildren(QAbstractItemView)
        + [editor.messages.summary]
    )
    assert editor.view.accessibleName() == "Pairs"
    assert len(controls) >= 10
    for control in controls:
        assert control.accessibleName(), control
        assert control.toolTip(), control
    assert editor.view.verticalHeader().sectionResizeMode(0) == editor.view.verticalHeader().ResizeMode.Fixed


# -- live results: what the table repaints -------------------------------------


class _PaintSpy(QObject):
    def __init__(self, widget):
        super().__init__(widget)
        self.rects: list[QRect] = []
        widget.installEventFilter(self)

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            self.rects.append(event.rect())
        return False


def _ink_in_cell(editor, row, col) -> int:
    """Pixels of text in a cell, as last painted on screen (the window's
    backing store, not a fresh render)."""
    view = editor.view
    rect = view.visualRect(editor.model.index(row, col)).adjusted(2, 2, -2, -2)
    rect.translate(view.viewport().mapTo(editor, QPoint(0, 0)))
    image = editor.screen().grabWindow(editor.winId()).toImage()
    background = image.pixelColor(rect.topLeft())
    return sum(
        1
        for x in range(rect.left(), rect.right())
        for y in range(rect.top(), rect.bottom())
        if abs(image.pixelColor(x, y).lightness() - background.lightness()) > 60
    )


def test_a_batch_repaints_only_the_rows_on_screen(editor, qtbot):
    model, view = editor.model, editor.view
    model.set_pairs(np.arange(1, 20_001, dtype=np.int64).reshape(-1, 2))  # 10,000 rows
    editor.set_running(True)
    qtbot.wait(50)
    first, last = view.visible_rows()
    assert first == 0 and 5 < last < 200
    spy = _PaintSpy(view.viewport())

    # Off screen: the model reports every row (other views rely on it), the
    # view repaints nothing.
    with qtbot.waitSignal(model.dataChanged) as blocker:
        editor.apply_batch(make_batch(5000, 1000))
    assert (blocker.args[0].row(), blocker.args[1].row()) == (5000, 5999)
    qtbot.wait(50)
    assert spy.rects == []

    # Partly on screen: only those rows.
    editor.apply_batch(make_batch(2, 3))
    qtbot.waitUntil(lambda: len(spy.rects) > 0)
    top = view.rowViewportPosition(2)
    bottom = view.rowViewportPosition(4) + view.rowHeight(4)
    for rect in spy.rects:
        assert top - 2 <= rect.top() and rect.bottom() <= bottom + 2
    assert model.index(3, COL_GCD).data() == "2"


def test_rows_scrolled_into_view_after_a_batch_show_its_results(editor, qtbot):
    model, view = editor.model, editor.view
    model.set_pairs(np.arange(1, 20_001, dtype=np.int64).reshape(-1, 2))
    editor.set_running(True)
    qtbot.wait(50)
    editor.apply_batch(make_batch(5000, 1000))  # off screen: nothing repainted
    qtbot.wait(50)
    view.scrollTo(model.index(5500, COL_GCD), QAbstractItemView.ScrollHint.PositionAtTop)
    qtbot.waitUntil(lambda: view.visible_rows()[0] == 5500)
    qtbot.wait(50)
    assert model.index(5500, COL_GCD).data() == "501"
    assert _ink_in_cell(editor, 5500, COL_GCD) > 0  # drawn: "501"
    assert _ink_in_cell(editor, 5500, COL_WORKER) > 0  # "4242"
    # (a row the batch did not touch stays blank, so the test can tell)
    view.scrollTo(model.index(7000, COL_GCD), QAbstractItemView.ScrollHint.PositionAtTop)
    qtbot.waitUntil(lambda: view.visible_rows()[0] == 7000)
    qtbot.wait(50)
    assert _ink_in_cell(editor, 7000, COL_GCD) == 0
    assert _ink_in_cell(editor, 7000, COL_A) > 0



def test_a_whole_script_pastes_its_pairs_and_says_what_it_read(editor, qtbot):
    editor.model.set_pairs(np.empty((0, 2), dtype=np.int64))
    result = editor.paste_text(RUN_SERIAL)
    assert result.n_errors == 0 and pairs(editor) == list(SEED_NUMBERS)
    assert "read NUMBERS from Python source; other code ignored" in editor.messages.summary.text()
    assert editor.messages.lines() == []


def test_a_large_paste_is_read_off_the_gui_thread_and_can_be_undone(editor, qtbot):
    from gcdapp.ui.pairs.parse_job import PROGRESS_BYTES

    editor.model.set_pairs(np.array([(4, 6)], dtype=np.int64))
    rows = generate_pairs(120_000, 7, seed=3)
    text = "\n".join(f"{a},{b}" for a, b in rows.tolist())
    assert len(text) > PROGRESS_BYTES
    with qtbot.waitSignal(editor.pasteFinished, timeout=60_000) as done:
        assert editor.paste_text(text) is None  # not read yet: on its thread
        assert pairs(editor) == [(4, 6)]
    assert done.args[0] is not None and len(done.args[0].pairs) == 120_000
    assert len(editor.model.pairs()) == 120_001
    assert np.array_equal(editor.model.pairs()[1:], rows)
    editor.undo_stack.undo()
    assert pairs(editor) == [(4, 6)]


def test_cancelling_a_large_paste_leaves_the_pairs_as_they_were(editor, qtbot):
    editor.model.set_pairs(np.array([(4, 6)], dtype=np.int64))
    text = "12,18\n" * 3_000_000  # 18 MB: long enough to cancel mid-read
    with qtbot.waitSignal(editor.pasteFinished, timeout=60_000) as done:
        assert editor.paste_text(text) is None
        editor._parse_job.cancel()  # what the progress dialog's Cancel does
    assert done.args == [None]
    assert pairs(editor) == [(4, 6)] and not editor.undo_stack.canUndo()
    assert "Paste cancelled" in editor.messages.summary.text()
