"""The run settings panel: one control per :data:`~gcdapp.core.run_settings.SETTINGS`
entry (a list for a choice, a spin box for a count, a check box for a flag,
a line edit for a text), and the Run, Compare
modes and Cancel buttons.

Every label, tooltip, limit and choice comes from the settings schema and the
backend registry; a setting the chosen mode does not use is disabled, with
the reason as its tooltip. ``settings()`` reads the controls as
:class:`~gcdapp.core.run_settings.RunSettings`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QToolButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gcdapp.core import backends
from gcdapp.core.backends import Backend
from gcdapp.core.events import RunSpec
from gcdapp.core.pythons import offers
from gcdapp.core.run_settings import AUTO, BY_NAME, SETTINGS, RunSettings, Setting
from gcdapp.ui.running.backport_offer import BackportOffer
from gcdapp.ui.running.python_choice import PythonChoice

#: Settings whose control is not generated from the schema: a factory of a
#: widget with ``value()``, ``set_value(v)`` and a ``changed`` signal.
CUSTOM_CONTROLS: dict[str, Callable[[Setting], QWidget]] = {
    "python": lambda setting: PythonChoice(),
}


def _labelled(widget: QWidget, name: str, tip: str) -> QWidget:
    widget.setAccessibleName(name)
    widget.setToolTip(tip)
    return widget


def _tooltip(setting: Setting) -> str:
    if setting.kind == "count":
        return f"{setting.tooltip} ({setting.limits_text()})"
    return setting.tooltip


def _control(setting: Setting) -> QWidget:
    """The widget that edits ``setting``."""
    if setting.name in CUSTOM_CONTROLS:
        return _labelled(CUSTOM_CONTROLS[setting.name](setting), setting.title,
                         _tooltip(setting))
    if setting.kind == "flag":
        return _labelled(QCheckBox(setting.label), setting.title, _tooltip(setting))
    if setting.kind == "text":
        edit = QLineEdit()
        edit.setClearButtonEnabled(True)
        edit.setPlaceholderText(setting.placeholder or setting.metavar or "")
        return _labelled(edit, setting.title, _tooltip(setting))
    if setting.kind == "choice":
        combo = QComboBox()
        for option in setting.all_options():
            combo.addItem(option.title or option.value, option.value)
            row = combo.count() - 1
            tip = option.tooltip + (f"\nUnavailable: {option.unavailable}" if option.unavailable
                                    else "")
            combo.setItemData(row, tip, Qt.ItemDataRole.ToolTipRole)
            if option.unavailable:
                model = combo.model()
                if isinstance(model, QStandardItemModel):
                    model.item(row).setEnabled(False)
        return _labelled(combo, setting.title, _tooltip(setting))
    spin = QSpinBox()
    spin.setRange(setting.low - 1 if setting.has_auto else setting.low, setting.high)
    if setting.has_auto:
        # Auto shows as the value below the lowest (0), with its meaning.
        spin.setSpecialValueText(setting.auto_label() if setting.auto_label else AUTO)
    return _labelled(spin, setting.title, _tooltip(setting))


class ModePanel(QWidget):
    """Choices for the next run. Each setting's control is an attribute
    named after it (``panel.workers``) and in ``panel.controls``."""

    runRequested = Signal()
    compareRequested = Signal()
    cancelRequested = Signal()
    specChanged = Signal()
    #: Something for the message strip: (text, kind).
    messageRequested = Signal(str, str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.controls: dict[str, QWidget] = {}
        form = self._form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(3)  # nine rows: the window still fits a short screen
        flags = QHBoxLayout()  # the flags share one row: the panel stays short
        #: Beside the mode list: installs the subinterpreter backport.
        self.backport_offer = BackportOffer()
        self._pending_mode: str | None = None  # waits for its Python to be found
        for s in SETTINGS:
            control = _control(s)
            self.controls[s.name] = control
            setattr(self, s.name, control)
            if s.kind == "flag":
                flags.addWidget(control)
                continue
            caption = QLabel(s.label)
            caption.setBuddy(control)
            if s.name == "mode":
                # (narrow enough to leave room for the backport offer)
                control.setSizeAdjustPolicy(
                    QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
                control.setMinimumContentsLength(10)
                row = QHBoxLayout()
                row.setSpacing(4)
                row.addWidget(control, 1)
                row.addWidget(self.backport_offer)
                form.addRow(caption, row)
            else:
                form.addRow(caption, control)
        if flags.count():
            flags.addStretch(1)
            form.addRow(QLabel("Options"), flags)

        self.run_button = _labelled(QPushButton("Run"), "Run", "Run the pairs with these settings (F5).")
        self.run_button.setDefault(True)
        self.cancel_button = _labelled(
            QPushButton("Cancel"), "Cancel", "Stop the run; finished results are kept (Esc)."
        )
        self.cancel_button.setEnabled(False)
        self.compare_button = _labelled(
            QPushButton("Compare modes"), "Compare modes",
            "Run serial, threads and processes in turn on the same pairs (Ctrl+F5).",
        )
        self.run_button.clicked.connect(self.runRequested)
        self.compare_button.clicked.connect(self.compareRequested)
        self.cancel_button.clicked.connect(self.cancelRequested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.compare_button)
        self.experiments_button = _labelled(
            QToolButton(), "Experiments",
            "Worker sweeps and leverage maps: how many workers, and is it worth it")
        self.experiments_button.setText("Experiments")
        self.experiments_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.experiments_button.setMenu(QMenu(self.experiments_button))
        buttons.addWidget(self.experiments_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(4)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addStretch(1)

        self.set_settings(RunSettings())
        for name, control in self.controls.items():
            if name in CUSTOM_CONTROLS:
                control.changed.connect(self._changed)
            elif isinstance(control, QComboBox):
                control.currentIndexChanged.connect(self._changed)
            elif isinstance(control, QCheckBox):
                control.toggled.connect(self._changed)
            elif isinstance(control, QLineEdit):
                control.textChanged.connect(self._changed)
            else:
                control.valueChanged.connect(self._changed)
        python = self.controls.get("python")
        if isinstance(python, PythonChoice):
            python.messageRequested.connect(self.messageRequested)
            python.discovered.connect(self._on_pythons_discovered)
        self.backport_offer.finished.connect(self._on_backport_finished)
        self._update_enabled()

    # -- the Python ------------------------------------------------------
    @property
    def python_choice(self) -> PythonChoice | None:
        control = self.controls.get("python")
        return control if isinstance(control, PythonChoice) else None

    def interpreter(self):
        """The chosen interpreter as discovery found it (None: the running one)."""
        choice = self.python_choice
        return choice.current_interpreter() if choice is not None else None

    def interpreters(self) -> list:
        """Every interpreter discovery found (empty until it answers)."""
        choice = self.python_choice
        return choice.interpreters() if choice is not None else []

    def mode_reason(self, mode: str) -> str | None:
        """Why ``mode`` cannot run in the chosen Python (None: it can)."""
        return offers.mode_reason(self.interpreter(), mode)

    @Slot()
    def _on_pythons_discovered(self) -> None:
        mode, self._pending_mode = self._pending_mode, None
        if mode is not None and self.mode_reason(mode) is None:
            self._write(BY_NAME["mode"], mode)
        self._update_enabled()

    @Slot(bool, str)
    def _on_backport_finished(self, ok: bool, text: str) -> None:
        self.messageRequested.emit(text, "info" if ok else "error")
        choice = self.python_choice
        if ok and choice is not None:
            choice.start_discovery()  # the probe sees the backport now

    def _update_choice_items(self) -> None:
        """Disable the modes and kernels the chosen Python cannot run, with
        the reason as tooltip; a chosen one that became unusable gives way
        to the setting's default (or the first usable one)."""
        interpreter = self.interpreter()
        reasons = {"mode": lambda v: offers.mode_reason(interpreter, v),
                   "kernel": lambda v: offers.kernel_reason(interpreter, v)}
        for name, reason_of in reasons.items():
            setting, combo = BY_NAME[name], self.controls[name]
            model = combo.model()
            if not isinstance(model, QStandardItemModel):
                continue
            described = {o.value: o.tooltip for o in setting.all_options()}
            for row in range(combo.count()):
                value = combo.itemData(row)
                reason = reason_of(value)
                model.item(row).setEnabled(reason is None)
                tip = described.get(value, "") + (f"\nUnavailable: {reason}" if reason else "")
                combo.setItemData(row, tip, Qt.ItemDataRole.ToolTipRole)
            if reason_of(combo.currentData()) is not None:
                usable = [combo.itemData(r) for r in range(combo.count())
                          if model.item(r).isEnabled()]
                pick = setting.default if setting.default in usable else (usable or [None])[0]
                if pick is not None:
                    blocked = combo.blockSignals(True)
                    combo.setCurrentIndex(combo.findData(pick))
                    combo.blockSignals(blocked)
        self.backport_offer.set_interpreter(interpreter)

    def _changed(self, *_):
        self._update_enabled()
        self.specChanged.emit()

    def _backend(self) -> Backend:
        return backends.get(self.mode.currentData())

    def _update_enabled(self) -> None:
        self._update_choice_items()
        backend = self._backend()
        caps = backend.capabilities
        running = self.cancel_button.isEnabled()
        for s in SETTINGS:
            control = self.controls[s.name]
            used = s.used_by(caps)
            control.setEnabled(not running and used)
            if s.hide_unused and s.kind != "flag":
                self._form.setRowVisible(control, used)
            control.setToolTip(_tooltip(s) if used else s.unused_text(backend.title))
            if used and s.uses is not None and s.kind == "choice":
                # A choice that depends on the backend: pick the backend's own
                # default when it does not offer the one shown.
                offered = [o.value for o in s.options(caps)]
                if offered and self._read(s) not in offered:
                    blocked = control.blockSignals(True)  # one specChanged
                    self._write(s, s.default_for(caps))
                    control.blockSignals(blocked)

    # -- one control -----------------------------------------------------
    def _read(self, setting: Setting) -> Any:
        control = self.controls[setting.name]
        if setting.name in CUSTOM_CONTROLS:
            return control.value()
        if isinstance(control, QComboBox):
            return control.currentData()
        if isinstance(control, QCheckBox):
            return control.isChecked()
        if isinstance(control, QLineEdit):
            return control.text().strip()
        value = control.value()
        return setting.auto if setting.has_auto and value < setting.low else value

    def _write(self, setting: Setting, value: Any) -> None:
        """Show ``value`` (an unknown choice is ignored; None, "the backend's
        default", shows that default; a count is clamped to the control's
        range)."""
        control = self.controls[setting.name]
        if setting.name in CUSTOM_CONTROLS:
            control.set_value(value)
            return
        if isinstance(control, QComboBox):
            if value is None and setting.optional:
                value = self._backend_default(setting)
            index = control.findData(value)
            if index >= 0:
                control.setCurrentIndex(index)
            return
        if isinstance(control, QCheckBox):
            if isinstance(value, bool):
                control.setChecked(value)
            return
        if isinstance(control, QLineEdit):
            if isinstance(value, str) and control.text().strip() != value:
                control.setText(value)
            return
        if setting.has_auto and value == setting.auto:
            control.setValue(control.minimum())
        elif isinstance(value, int) and not isinstance(value, bool):
            control.setValue(max(control.minimum(), min(control.maximum(), value)))

    def _backend_default(self, setting: Setting) -> Any:
        """The default the chosen mode's backend (or else the first backend
        that uses ``setting``) picks for it."""
        chosen = self.mode.currentData() if hasattr(self, "mode") else None
        names = [chosen] if chosen in backends.names() else []
        names += [n for n in backends.names() if n != chosen]
        for name in names:
            caps = backends.get(name).capabilities
            if setting.used_by(caps):
                return setting.default_for(caps)
        return None

    # -- reading and writing the choices ---------------------------------
    def settings(self) -> RunSettings:
        """Every control's value; ``workers`` and ``start_method`` are kept
        even for modes that ignore them."""
        return RunSettings.from_values({s.name: self._read(s) for s in SETTINGS})

    def set_settings(self, settings: RunSettings) -> None:
        """Show ``settings`` (a mode this machine cannot run keeps the
        current mode; unknown values are ignored)."""
        # The Python first: which modes can run depends on it.
        ordered = sorted(SETTINGS, key=lambda s: s.name not in CUSTOM_CONTROLS)
        for s in ordered:
            value = settings.get(s.name)
            if s.name == "mode" and self.mode_reason(value) is not None:
                choice = self.python_choice
                if choice is not None and choice.value() is not None and \
                        choice.current_interpreter() is None:
                    self._pending_mode = value  # shown once its Python is found
                continue
            self._write(s, value)

    def spec(self) -> RunSpec:
        """The spec a run with these settings gets."""
        return self.settings().run_spec(self._backend().capabilities)

    def set_spec(self, spec: RunSpec) -> None:
        self.set_settings(self.settings().with_values(**{
            s.name: getattr(spec, s.name) for s in SETTINGS if s.in_spec}))

    def repeat_count(self) -> int:
        return self.settings().repeats

    def set_repeat_count(self, count: int) -> None:
        """Show ``count`` repeats (clamped to the allowed range)."""
        self._write(BY_NAME["repeats"], int(count))

    def set_experiment_actions(self, actions) -> None:
        """The actions the Experiments button offers (the window's)."""
        menu = self.experiments_button.menu()
        menu.clear()
        for action in actions:
            menu.addAction(action)

    def set_running(self, running: bool) -> None:
        for widget in (*self.controls.values(), self.run_button, self.compare_button,
                       self.experiments_button):
            widget.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self._update_enabled()
