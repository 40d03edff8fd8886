"""The window, the command line, session files and the preferences agree on
every run setting and its limits, because all four come from one schema
(:data:`gcdapp.core.run_settings.SETTINGS`)."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QSpinBox

from gcdapp.cli.main import build_parser
from gcdapp.core.pairs import as_pairs
from gcdapp.core.run_settings import AUTO, SETTINGS, RunSettings
from gcdapp.core.session import Session, SessionError, decode_session, encode_session
from gcdapp.ui.document.preferences import AppSettings
from gcdapp.ui.running.settings_panel import CUSTOM_CONTROLS, ModePanel

COUNTS = [s for s in SETTINGS if s.kind == "count"]
CHOICES = [s for s in SETTINGS if s.kind == "choice"]
FLAGS = [s for s in SETTINGS if s.kind == "flag"]
TEXTS = [s for s in SETTINGS if s.kind == "text" and not s.optional]
#: optional texts (None when empty), such as the Python to run in
OPTIONAL_TEXTS = [s for s in SETTINGS if s.kind == "text" and s.optional]


def _cli(*flags: str):
    return build_parser().parse_args(["run", "--preset", "seed", *flags])


@pytest.fixture
def panel(qtbot):
    panel = ModePanel()
    qtbot.addWidget(panel)
    return panel


def test_the_panel_has_one_control_per_setting_with_its_label_and_limits(panel):
    assert list(panel.controls) == [s.name for s in SETTINGS]
    for s in SETTINGS:
        control = panel.controls[s.name]
        assert getattr(panel, s.name) is control
        assert control.accessibleName() == s.title
        if s.name in CUSTOM_CONTROLS:  # its own widget: value() and set_value()
            assert control.value() == s.default
            continue
        if s.kind == "count":
            assert isinstance(control, QSpinBox)
            assert control.maximum() == s.high
            assert control.minimum() == (s.low - 1 if s.has_auto else s.low)
            assert bool(control.specialValueText()) == s.has_auto
        elif s.kind == "flag":
            assert isinstance(control, QCheckBox)
            assert control.isChecked() == s.default
        elif s.kind == "text":
            assert isinstance(control, QLineEdit)
            assert control.text() == (s.default or "")
        else:
            assert isinstance(control, QComboBox)
            shown = [control.itemData(i) for i in range(control.count())]
            assert shown == [o.value for o in s.all_options()]


@pytest.mark.parametrize("s", COUNTS, ids=lambda s: s.name)
def test_every_layer_takes_the_limits_and_refuses_one_beyond(s, panel, tmp_path, capsys):
    # The command line.
    for good in (s.low, s.high):
        assert getattr(_cli(s.flag, str(good)), s.name) == good
    for bad in (s.low - 1, s.high + 1):
        with pytest.raises(SystemExit):
            _cli(s.flag, str(bad))
        assert s.flag in capsys.readouterr().err
    # The window: the control stops at the limits.
    control = panel.controls[s.name]
    for value, shown in ((s.high, s.high), (s.high + 1, s.high), (s.low, s.low)):
        panel.set_settings(RunSettings().with_values(**{s.name: value}))
        assert panel.settings().get(s.name) == shown
    if s.has_auto:
        control.setValue(control.minimum())
        assert panel.settings().get(s.name) == s.auto
    # Session files: the limits round-trip, one beyond is refused by name.
    for good in (s.low, s.high):
        settings = RunSettings().with_values(**{s.name: good})
        data = encode_session(Session(pairs=as_pairs([(1, 2)]), settings=settings))
        assert decode_session(data).settings.get(s.name) == good
        doc = json.loads(data)
    for bad in (s.low - 1, s.high + 1):
        doc["settings"][s.name] = bad
        with pytest.raises(SessionError, match=f"settings.{s.name} should be at"):
            decode_session(json.dumps(doc).encode())
    # The preferences: a value beyond the limits falls back to the default.
    prefs = AppSettings(QSettings(str(tmp_path / "p.conf"), QSettings.Format.IniFormat))
    prefs.save_run_choices(RunSettings().with_values(**{s.name: s.high}))
    assert prefs.run_choices().get(s.name) == s.high
    prefs.qsettings.setValue(f"run/{s.name}", str(s.high + 1))
    assert prefs.run_choices().get(s.name) == s.default


@pytest.mark.parametrize("s", CHOICES, ids=lambda s: s.name)
def test_every_layer_offers_the_same_choices(s, panel, capsys):
    offered = [o.value for o in s.all_options()]
    usable = [o.value for o in s.all_options() if o.unavailable is None]
    for value in usable:
        parsed = getattr(_cli(s.flag, value), s.name)
        assert parsed == ([value] if s.cli_many else value)
        panel.set_settings(RunSettings().with_values(**{s.name: value}))
        assert panel.settings().get(s.name) == value
    with pytest.raises(SystemExit):
        _cli(s.flag, "no-such-choice")
    assert ", ".join(offered) in capsys.readouterr().err


def test_the_defaults_agree():
    args = _cli()
    defaults = RunSettings()
    for s in SETTINGS:
        cli_value = getattr(args, s.name)
        assert (cli_value[0] if s.cli_many else cli_value) == defaults.get(s.name) == s.default
    assert decode_session(encode_session(Session(pairs=as_pairs([(1, 2)])))).settings == defaults
    assert RunSettings().get("chunksize") == AUTO


@pytest.mark.parametrize("s", FLAGS, ids=lambda s: s.name)
def test_every_layer_takes_both_values_of_a_flag(s, panel, tmp_path):
    off = "--no-" + s.flag[2:]
    assert getattr(_cli(s.flag), s.name) is True and getattr(_cli(off), s.name) is False
    prefs = AppSettings(QSettings(str(tmp_path / "p.conf"), QSettings.Format.IniFormat))
    for value in (True, False):
        settings = RunSettings().with_values(**{s.name: value})
        panel.set_settings(settings)
        assert panel.settings().get(s.name) is value
        data = encode_session(Session(pairs=as_pairs([(1, 2)]), settings=settings))
        assert decode_session(data).settings.get(s.name) is value
        prefs.save_run_choices(settings)
        assert prefs.run_choices().get(s.name) is value
    doc = json.loads(data)
    doc["settings"][s.name] = "yes"
    with pytest.raises(SessionError, match=f"settings.{s.name} should be true or false"):
        decode_session(json.dumps(doc).encode())
    del doc["settings"][s.name]  # a file written before the setting existed
    assert decode_session(json.dumps(doc).encode()).settings.get(s.name) == s.default


@pytest.mark.parametrize("s", TEXTS, ids=lambda s: s.name)
def test_every_layer_keeps_a_text_setting(s, panel, tmp_path):
    value = "tcp://127.0.0.1:8786" if s.name == "scheduler" else "some text, with a comma"
    assert getattr(_cli(s.flag, value), s.name) == value
    assert getattr(_cli(), s.name) == s.default
    prefs = AppSettings(QSettings(str(tmp_path / "p.conf"), QSettings.Format.IniFormat))
    for v in (value, ""):
        settings = RunSettings().with_values(**{s.name: v})
        panel.set_settings(settings)
        assert panel.settings().get(s.name) == v
        data = encode_session(Session(pairs=as_pairs([(1, 2)]), settings=settings))
        assert decode_session(data).settings.get(s.name) == v
        prefs.save_run_choices(settings)
        assert prefs.run_choices().get(s.name) == v
    # The window trims what was typed around it.
    panel.controls[s.name].setText(f"  {value} ")
    assert panel.settings().get(s.name) == value
    doc = json.loads(data)
    doc["settings"][s.name] = 8786
    with pytest.raises(SessionError, match=f"settings.{s.name} should be a string"):
        decode_session(json.dumps(doc).encode())
    doc["settings"][s.name] = "two\nlines"
    with pytest.raises(SessionError, match=f"settings.{s.name} should be one line"):
        decode_session(json.dumps(doc).encode())
    del doc["settings"][s.name]  # a file written before the setting existed
    assert decode_session(json.dumps(doc).encode()).settings.get(s.name) == s.default


@pytest.mark.parametrize("s", OPTIONAL_TEXTS, ids=lambda s: s.name)
def test_every_layer_keeps_an_optional_text_setting(s, tmp_path):
    value = "3.13"
    assert getattr(_cli(s.flag, value), s.name) == value
    assert getattr(_cli(), s.name) is None
    assert getattr(_cli(s.flag, ""), s.name) is None  # empty on the command line: none
    prefs = AppSettings(QSettings(str(tmp_path / "p.conf"), QSettings.Format.IniFormat))
    for v in (value, None):
        settings = RunSettings().with_values(**{s.name: v})
        data = encode_session(Session(pairs=as_pairs([(1, 2)]), settings=settings))
        assert decode_session(data).settings.get(s.name) == v
        prefs.save_run_choices(settings)
        assert prefs.run_choices().get(s.name) == v
    doc = json.loads(data)
    for bad, said in ((8786, "should be a string or null"), ("two\nlines", "should be one line"),
                      ("  ", "should be .+ or null, not '  '")):
        doc["settings"][s.name] = bad
        with pytest.raises(SessionError, match=f"settings.{s.name} {said}"):
            decode_session(json.dumps(doc).encode())
    del doc["settings"][s.name]  # a file written before the setting existed
    assert decode_session(json.dumps(doc).encode()).settings.get(s.name) is None
