"""The pair editor: the pair table, its buttons, undo/redo and paste messages.

This widget only wires things together. The pairs live in a
:class:`~gcdapp.core.workspace.Workspace` shown by
:class:`~gcdapp.ui.pairs.table_model.PairTableModel`, every change is a command
from :mod:`gcdapp.ui.pairs.commands` pushed onto :attr:`PairEditor.undo_stack`,
and text is read by :func:`gcdapp.core.parsing.parse_pairs`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QItemSelectionModel, QRegularExpression, Qt, Signal, Slot
from PySide6.QtGui import (
    QAccessible,
    QAction,
    QGuiApplication,
    QKeySequence,
    QRegularExpressionValidator,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QStyledItemDelegate,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gcdapp.core.events import TaskBatch
from gcdapp.core.generate import generate_pairs
from gcdapp.core.kernels import DomainIssue, Kernel
from gcdapp.core.parsing import MAX_DIGITS, ParseResult, parse_pairs
from gcdapp.core.presets import PRESETS, get_preset
from gcdapp.core.workspace import Workspace
from gcdapp.ui.pairs.generate_dialog import GenerateDialog
from gcdapp.ui.pairs.parse_job import PROGRESS_BYTES, ParseJob
from gcdapp.ui.pairs.commands import (
    ClearCommand,
    DeleteRowsCommand,
    EditCellCommand,
    InsertPairsCommand,
    ReplaceAllCommand,
    count_text,
)
from gcdapp.ui.pairs.table_model import COL_A, PairTableModel, parse_int_cell, sorted_rows

#: Bad lines listed in the message area; the rest are only counted.
SHOWN_PROBLEMS = 200
UNDO_LIMIT = 100


class _IntegerEdit(QLineEdit):
    """A cell editor that only takes the characters of an integer."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setValidator(
            QRegularExpressionValidator(QRegularExpression(r"\s*[+-]?[0-9_]*\s*"), self)
        )
        self.setFrame(False)
        self.setAccessibleName("Edit value")
        self.setToolTip(f"An integer of at most {MAX_DIGITS:,} digits")


class _CellDelegate(QStyledItemDelegate):
    """Edits ``a``/``b`` as integers and commits through the undo stack."""

    def __init__(self, editor: PairEditor):
        super().__init__(editor)
        self._editor = editor

    def createEditor(self, parent, option, index):
        return _IntegerEdit(parent)

    def setEditorData(self, widget, index):
        widget.setText(index.data(Qt.ItemDataRole.EditRole) or "")
        widget.selectAll()

    def setModelData(self, widget, model, index):
        self._editor._commit_cell(index.row(), index.column(), widget.text())


class _PairTableView(QTableView):
    """A QTableView that repaints only what it shows of a multi-row change.

    ``QAbstractItemView::dataChanged`` repaints the whole viewport for a change
    that spans several rows, even when every one of them is scrolled out of
    view. During a run the model reports each batch as one change over its rows
    (thousands, ~30 times a second), so that would repaint the table, with a
    Python ``data()`` call per role and cell, for every batch. This view clips
    such a change to the rows on screen and drops it when none are: rows
    scrolled into view later are painted then, from the model's arrays, so
    they show the current results.

    The choice is the view's, not the model's: :class:`PairTableModel` still
    reports every change in full, so any other view of it (or a proxy) stays
    correct. Changes go to Qt unchanged while a cell editor is open (it may
    need the new data) or an accessibility client listens (it is told about
    every changed row).
    """

    def dataChanged(self, top_left, bottom_right, roles=()):
        if (
            top_left.isValid()
            and bottom_right.isValid()
            and top_left.row() != bottom_right.row()
            and self.isVisible()
            and self.state() != QAbstractItemView.State.EditingState
            and not QAccessible.isActive()
        ):
            first, last = self.visible_rows()
            top, bottom = max(top_left.row(), first), min(bottom_right.row(), last)
            if bottom < top:
                return  # nothing of it on screen
            if (top, bottom) != (top_left.row(), bottom_right.row()):
                model = self.model()
                top_left = model.index(top, top_left.column(), top_left.parent())
                bottom_right = model.index(bottom, bottom_right.column(), bottom_right.parent())
        super().dataChanged(top_left, bottom_right, roles)

    def visible_rows(self) -> tuple[int, int]:
        """First and last row with a pixel in the viewport (``(0, -1)`` when none)."""
        rows = self.model().rowCount() if self.model() is not None else 0
        first = self.rowAt(0)
        if rows == 0 or first < 0:
            return 0, -1
        last = self.rowAt(self.viewport().height() - 1)
        return first, rows - 1 if last < 0 else last


class _MessageArea(QFrame):
    """Paste problems under the table: a summary, the bad lines, a close button.

    Hidden while it has nothing to say; never modal.
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Paste messages")

        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setAccessibleName("Paste summary")
        self.summary.setToolTip("What the last paste did")

        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setAccessibleName("Close paste messages")
        self.close_button.setToolTip("Hide these messages")
        self.close_button.clicked.connect(self.clear)

        self.problems = QListWidget()
        self.problems.setAccessibleName("Paste problems")
        self.problems.setToolTip("Lines that were not pairs, with their line numbers")
        self.problems.setUniformItemSizes(True)
        self.problems.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.summary, 1)
        top.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.problems)
        self.clear()

    def show_message(self, summary: str, problems: Sequence[str] = (), more: int = 0) -> None:
        """Show ``summary`` and, if any, the ``problems`` (plus "and N more")."""
        self.summary.setText(summary)
        self.problems.clear()
        self.problems.addItems(list(problems))
        if more > 0:
            self.problems.addItem(f"… and {count_text(more, 'more line')}")
        shown = self.problems.count()
        if shown:
            rows = min(shown, 5)
            height = self.problems.sizeHintForRow(0) * rows + 2 * self.problems.frameWidth()
            self.problems.setFixedHeight(height)
        self.problems.setVisible(shown > 0)
        self.show()

    @Slot()
    def clear(self) -> None:
        self.summary.clear()
        self.problems.clear()
        self.hide()

    def lines(self) -> list[str]:
        return [self.problems.item(i).text() for i in range(self.problems.count())]


class PairEditor(QWidget):
    """Edit the list of pairs: paste, add, delete, clear, generate, presets."""

    #: The pairs changed (any edit, undo or redo; not results).
    pairsChanged = Signal()
    #: A paste read off the GUI thread ended: its ParseResult, or None if cancelled.
    pasteFinished = Signal(object)

    def __init__(self, parent: QWidget | None = None, workspace: Workspace | None = None):
        super().__init__(parent)
        self._running = False
        self._parse_job: ParseJob | None = None
        self._paste_rows = np.empty(0, dtype=np.int64)
        self._generate_values = (1000, 7, 0)
        self._generate_dialog: GenerateDialog | None = None

        self.model = PairTableModel(parent=self, workspace=workspace)
        #: The document whose pairs this edits (every edit is a command on it).
        self.workspace = self.model.workspace
        self.model.pairsChanged.connect(self.pairsChanged)
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(UNDO_LIMIT)

        self.view = self._make_view()
        self.messages = _MessageArea(self)
        self._make_actions()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._make_buttons())
        layout.addWidget(self.view, 1)
        layout.addWidget(self.messages)

        self.view.selectionModel().selectionChanged.connect(self._update_actions)
        self.model.modelReset.connect(self._update_actions)
        self.model.rowsInserted.connect(self._update_actions)
        self.model.rowsRemoved.connect(self._update_actions)
        self._update_actions()

    # -- construction ----------------------------------------------------------

    def _make_view(self) -> QTableView:
        view = _PairTableView(self)
        view.setModel(self.model)
        view.setItemDelegate(_CellDelegate(self))
        view.setAccessibleName("Pairs")
        view.setToolTip(
            "The pairs to compute. Double-click a number to edit it; "
            "Ctrl+V pastes (over the selected rows, if any)."
        )
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        view.setWordWrap(False)
        view.setAlternatingRowColors(True)
        row_height = view.fontMetrics().height() + 6
        vheader = view.verticalHeader()
        vheader.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vheader.setMinimumSectionSize(row_height)
        vheader.setDefaultSectionSize(row_height)
        vheader.setAccessibleName("Row numbers")
        vheader.setToolTip("Click to select a row; Shift or Ctrl+click for more")
        hheader = view.horizontalHeader()
        hheader.setAccessibleName("Columns")
        hheader.setToolTip("Drag a column edge to resize it")
        # Painting a column header asks QItemSelectionModel::isColumnSelected,
        # which calls the model's flags() for every row while the selection
        # covers a column from the top: seconds after Ctrl+A on a million rows.
        # Rows are what gets selected here, so the column headers get a
        # selection model of their own that stays empty.
        hheader.setSelectionModel(QItemSelectionModel(self.model, hheader))
        hheader.setSectionsClickable(False)
        corner = view.findChild(QAbstractButton)
        if corner is not None:  # Qt's corner button: select all
            corner.setAccessibleName("Select all")
            corner.setToolTip("Select every row")
        hheader.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hheader.setStretchLastSection(True)
        digit = view.fontMetrics().horizontalAdvance("0")
        # a, b: seven digits; gcd; time ("12.3 ms"); worker ("pid 12345"): at 1280×800
        # they fit the dock whole, with no horizontal scrolling
        for column, chars in enumerate((8, 8, 7, 7, 9)):
            view.setColumnWidth(column, digit * chars + 16)
        return view

    def _action(self, text: str, tip: str, slot, shortcut=None, widget=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            tip += f" ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
            (widget or self.view).addAction(action)
        action.setToolTip(tip)
        action.triggered.connect(slot)
        return action

    def _make_actions(self) -> None:
        self.paste_action = self._action(
            "Paste",
            "Paste pairs from the clipboard: appended, or in place of the selected rows",
            self.paste_from_clipboard,
            QKeySequence(QKeySequence.StandardKey.Paste),
        )
        self.add_row_action = self._action(
            "Add row", "Append the pair (1, 1) and edit it", self.add_row,
            QKeySequence(Qt.Key.Key_Insert),
        )
        self.delete_action = self._action(
            "Delete selected", "Delete the selected rows", self.delete_selected,
            QKeySequence(QKeySequence.StandardKey.Delete),
        )
        self.clear_action = self._action("Clear", "Remove every pair", self.clear)
        self.generate_action = self._action(
            "Generate…", "Replace the pairs with random ones", self.open_generate_dialog
        )
        self.preset_menu = QMenu("Preset", self)
        self.preset_menu.setAccessibleName("Presets")
        self.preset_menu.setToolTipsVisible(True)
        for preset in PRESETS.values():
            action = self.preset_menu.addAction(preset.title)
            action.setData(preset.name)
            action.setToolTip(f"Replace the pairs with the {preset.title.lower()}")
        self.preset_menu.triggered.connect(self._on_preset_triggered)

        self.undo_action = self.undo_stack.createUndoAction(self, "Undo")
        self.redo_action = self.undo_stack.createRedoAction(self, "Redo")
        for action, primary, standard in (
            (self.undo_action, "Ctrl+Z", QKeySequence.StandardKey.Undo),
            (self.redo_action, "Ctrl+Shift+Z", QKeySequence.StandardKey.Redo),
        ):
            keys = [QKeySequence(primary)]
            keys += [k for k in QKeySequence.keyBindings(standard) if k not in keys]
            action.setShortcuts(keys)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.setToolTip(f"{action.text()} ({keys[0].toString()})")
            self.addAction(action)

    def _make_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        self.buttons: dict[str, QToolButton] = {}
        for name, action in (
            ("paste", self.paste_action),
            ("add_row", self.add_row_action),
            ("delete", self.delete_action),
            ("clear", self.clear_action),
            ("generate", self.generate_action),
        ):
            button = QToolButton(self)
            button.setDefaultAction(action)
            button.setAccessibleName(action.text().rstrip("…"))
            self.buttons[name] = button
            row.addWidget(button)
        preset = QToolButton(self)
        preset.setText("Preset")
        preset.setMenu(self.preset_menu)
        preset.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        preset.setAccessibleName("Preset")
        preset.setToolTip("Replace the pairs with a built-in list")
        self.buttons["preset"] = preset
        row.addWidget(preset)
        row.addStretch(1)
        return row

    # -- pasting ---------------------------------------------------------------

    @Slot()
    def paste_from_clipboard(self) -> ParseResult | None:
        text = QGuiApplication.clipboard().text()
        if not text.strip():
            self.messages.show_message("Nothing to paste: the clipboard holds no text.")
            return None
        return self.paste_text(text)

    def paste_text(self, text: str) -> ParseResult | None:
        """Parse ``text`` and insert its pairs (over the selected rows, if any).

        Returns the parse result, or None when nothing was parsed yet: a run
        is in progress, or the text is over :data:`PROGRESS_BYTES` and is
        being parsed on a worker thread, with progress and Cancel
        (``pasteFinished`` follows with the result, when it is applied).
        """
        if self._running:
            self.messages.show_message("Pairs cannot change while a run is in progress.")
            return None
        if self._parse_job is not None and self._parse_job.running:
            self.messages.show_message("A paste is still being read: wait for it or cancel it.")
            return None
        replace = self.selected_rows()
        if len(text) <= PROGRESS_BYTES:
            result = parse_pairs(text)
            self._apply_paste(result, replace)
            return result
        job = self._parse_job = ParseJob(self, text=text, label="Reading the pasted pairs…")
        job.finished.connect(self._on_paste_parsed)
        job.cancelled.connect(self._on_paste_cancelled)
        self._paste_rows = replace
        job.start()
        return None

    @Slot(object)
    def _on_paste_parsed(self, result: ParseResult) -> None:
        self._parse_job = None
        if self._running:  # a run started meanwhile: the pairs must not change
            self.messages.show_message("Nothing pasted: a run started while the text was read.")
        else:
            self._apply_paste(result, self._paste_rows)
        self.pasteFinished.emit(result)

    @Slot()
    def _on_paste_cancelled(self) -> None:
        self._parse_job = None
        self.messages.show_message("Paste cancelled: the pairs are as they were.")
        self.pasteFinished.emit(None)

    def close_parse(self) -> None:
        """Stop a paste being read (the window closes)."""
        if self._parse_job is not None:
            self._parse_job.close()
            self._parse_job = None

    def _apply_paste(self, result: ParseResult, replace) -> None:
        problems = [str(e) for e in result.errors[:SHOWN_PROBLEMS]]
        more = result.n_errors - len(problems)
        skipped = f"{count_text(result.n_errors, 'line')} skipped"
        notes = "".join(f"; {note}" for note in result.notes)
        n = len(result.pairs)
        if result.fatal is not None:
            self.messages.show_message(f"Nothing pasted: {result.fatal}{notes}.", problems, more)
            return
        if n == 0:
            if result.n_errors:
                self.messages.show_message(f"No pairs pasted; {skipped}{notes}.", problems, more)
            else:
                self.messages.show_message(f"Nothing to paste: the text holds no pairs{notes}.")
            return
        replace = replace[replace < len(self.workspace)] if len(replace) else replace
        command = InsertPairsCommand(self.workspace, result.pairs, replace_rows=replace)
        self.undo_stack.push(command)
        summary = f"{count_text(n, 'pair')} pasted"
        if len(replace):
            summary += f" in place of {count_text(len(replace), 'selected row')}"
        if result.n_errors:
            summary += f"; {skipped}"
        summary += notes
        if result.n_errors or len(replace) or result.notes:
            self.messages.show_message(summary + ". Undo with Ctrl+Z.", problems, more)
        else:
            self.messages.clear()
        self._go_to_row(command.first_row)

    # -- other edits -----------------------------------------------------------

    @Slot()
    def add_row(self) -> None:
        """Append the pair (1, 1) and start editing its ``a``."""
        if self._running:
            return
        self.undo_stack.push(InsertPairsCommand(self.workspace, [(1, 1)], text="Add row"))
        index = self._go_to_row(self.model.rowCount() - 1)
        self.view.setFocus()
        self.view.edit(index)

    @Slot()
    def delete_selected(self) -> None:
        rows = self.selected_rows()
        if self._running or len(rows) == 0:
            return
        self.undo_stack.push(DeleteRowsCommand(self.workspace, rows))
        if self.model.rowCount():
            self._go_to_row(min(int(rows[0]), self.model.rowCount() - 1))

    @Slot()
    def clear(self) -> None:
        if self._running or self.model.rowCount() == 0:
            return
        self.undo_stack.push(ClearCommand(self.workspace))

    @Slot()
    def open_generate_dialog(self) -> GenerateDialog:
        """Open the (window-modal, non-blocking) generate dialog."""
        count, digits, seed = self._generate_values
        dialog = GenerateDialog(self, count=count, digits=digits, seed=seed)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self._on_generate_accepted)
        self._generate_dialog = dialog
        dialog.open()
        return dialog

    @Slot()
    def _on_generate_accepted(self) -> None:
        if self._generate_dialog is not None:
            self.generate(*self._generate_dialog.values())
            self._generate_dialog = None

    def generate(self, count: int, digits: int, seed: int | None) -> None:
        """Replace the pairs with ``count`` random ones (undoable)."""
        if self._running:
            return
        self._generate_values = (count, digits, 0 if seed is None else seed)
        pairs = generate_pairs(count, digits, seed)
        self.load_pairs(pairs, f"Generate {count_text(count, 'pair')}")

    def load_preset(self, name: str) -> None:
        preset = get_preset(name)
        self.load_pairs(preset.array(), f"Load {preset.title}")

    @Slot(QAction)
    def _on_preset_triggered(self, action: QAction) -> None:
        self.load_preset(action.data())

    def load_pairs(self, pairs, text: str = "Open …") -> bool:
        """Replace every pair as one undoable step; False while a run is on."""
        if self._running:
            return False
        self.undo_stack.push(ReplaceAllCommand(self.workspace, pairs, text))
        self.view.scrollToTop()
        return True

    def _commit_cell(self, row: int, column: int, text: str) -> None:
        """Called by the delegate when an edit of ``a``/``b`` is committed."""
        if self._running or not self.model.is_editable():
            return
        value = parse_int_cell(text)
        if value is None:
            shown = text.strip()
            shown = shown if len(shown) <= 40 else shown[:39] + "…"
            self.messages.show_message(
                f"Row {row + 1:,} not changed: {shown!r} is not an integer "
                f"of at most {MAX_DIGITS:,} digits."
            )
            return
        if value != self.model.value(row, column):
            self.undo_stack.push(EditCellCommand(self.workspace, row, column, value))

    # -- selection -------------------------------------------------------------

    def selected_rows(self) -> np.ndarray:
        """Sorted rows with a selected cell (from ranges: fast for huge selections)."""
        ranges = self.view.selectionModel().selection()
        if not ranges:
            return np.empty(0, dtype=np.int64)
        spans = sorted((r.top(), r.bottom()) for r in ranges)
        parts = [np.arange(top, bottom + 1, dtype=np.int64) for top, bottom in spans]
        return sorted_rows(np.concatenate(parts))

    def _go_to_row(self, row: int):
        """Make ``row`` current and visible, selecting nothing."""
        index = self.model.index(row, COL_A)
        selection = self.view.selectionModel()
        selection.clearSelection()
        selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
        self.view.scrollTo(index)
        return index

    # -- runs, kernel, results -------------------------------------------------

    def set_kernel(self, kernel: Kernel | None) -> None:
        self.model.set_kernel(kernel)

    def domain_issues(self, limit: int | None = 100) -> list[DomainIssue]:
        return self.model.domain_issues(limit)

    def is_running(self) -> bool:
        return self._running

    def set_running(self, running: bool) -> None:
        """Lock editing during a run; a new run starts with empty results."""
        running = bool(running)
        if running and not self._running:
            self._cancel_cell_edit()
            self.model.clear_results()
        self._running = running
        self.model.set_editable(not running)
        self._update_actions()

    def apply_batch(self, batch: TaskBatch) -> None:
        self.model.apply_batch(batch)

    def clear_results(self) -> None:
        self.model.clear_results()

    def _cancel_cell_edit(self) -> None:
        if self.view.state() != QAbstractItemView.State.EditingState:
            return
        widget = self.view.indexWidget(self.view.currentIndex())
        if widget is not None:
            delegate = self.view.itemDelegate()
            delegate.closeEditor.emit(widget, QStyledItemDelegate.EndEditHint.RevertModelCache)

    @Slot()
    def _update_actions(self) -> None:
        idle = not self._running
        has_rows = self.model.rowCount() > 0
        self.paste_action.setEnabled(idle)
        self.add_row_action.setEnabled(idle)
        self.delete_action.setEnabled(idle and self.view.selectionModel().hasSelection())
        self.clear_action.setEnabled(idle and has_rows)
        self.generate_action.setEnabled(idle)
        self.buttons["preset"].setEnabled(idle)
        self.undo_action.setEnabled(idle and self.undo_stack.canUndo())
        self.redo_action.setEnabled(idle and self.undo_stack.canRedo())
