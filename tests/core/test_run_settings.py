"""The run-settings schema: one description of every setting."""

from __future__ import annotations

from dataclasses import fields

import pytest

from gcdapp.core.backends import Capabilities
from gcdapp.core.events import RunSpec
from gcdapp.core.run_settings import (
    AUTO,
    BY_NAME,
    SETTINGS,
    RunSettings,
    check_settings,
    settings_from_text,
    setting,
    spec_field_names,
)


def test_every_spec_field_has_exactly_one_setting():
    in_spec = {s.name for s in SETTINGS if s.in_spec}
    assert in_spec == spec_field_names()
    assert len(BY_NAME) == len(SETTINGS)
    others = {s.name for s in SETTINGS if not s.in_spec}
    assert others == {"repeats", "warm_up", "interleave"}
    assert others == {f.name for f in fields(RunSettings)} - {"spec"}


def test_defaults_are_the_run_spec_defaults():
    spec = RunSpec()
    for s in SETTINGS:
        if s.in_spec:
            assert getattr(spec, s.name) == s.default, s.name
    assert RunSettings().repeats == setting("repeats").default


@pytest.mark.parametrize("s", [s for s in SETTINGS if s.kind == "count"], ids=lambda s: s.name)
def test_counts_accept_their_limits_and_refuse_one_beyond(s):
    assert s.problem(s.low) is None
    assert s.problem(s.high) is None
    for bad in (s.low - 1, s.high + 1, 2.0, True, "3"):
        reason = s.problem(bad)
        assert reason is not None and s.title.lower() in reason, bad
    assert s.from_text(str(s.high)) == s.high
    with pytest.raises(ValueError):
        s.from_text(str(s.high + 1))
    with pytest.raises(ValueError):
        s.from_text("many")
    assert s.from_json(s.low) == s.low
    with pytest.raises(ValueError, match=f"should be at most {s.high:,}, not {s.high + 1:,}"):
        s.from_json(s.high + 1)
    with pytest.raises(ValueError, match=f"should be at least {s.low:,}, not {s.low - 1:,}"):
        s.from_json(s.low - 1)


def test_auto_round_trips_through_text_and_json():
    workers, chunk = setting("workers"), setting("chunksize")
    assert workers.from_text(workers.to_text(None)) is None
    assert chunk.from_text(chunk.to_text(AUTO)) == AUTO
    with pytest.raises(ValueError):
        chunk.from_text("0")  # "auto" is written as such
    # gcdapp 0.1 wrote auto as 0 in its preferences: they still read.
    old = settings_from_text({"workers": "0", "chunksize": "0", "repeats": "0"})
    assert old.spec.workers is None and old.spec.chunksize == AUTO and old.repeats == 1
    assert chunk.to_json(AUTO) == AUTO and workers.to_json(None) is None
    assert chunk.from_json(AUTO) == AUTO and workers.from_json(None) is None
    with pytest.raises(ValueError):
        setting("repeats").from_json(None)  # repeats has no auto


def test_messages_name_the_setting_and_the_limits():
    problems = check_settings(RunSpec(workers=0, chunksize=0))
    assert "workers must be between 1 and 256, got 0" in problems
    assert "chunk size must be 'auto' or between 1 and 1,000,000, got 0" in problems


def test_an_optional_choice_takes_none_and_checks_offers():
    caps = Capabilities(start_methods=("spawn", "forkserver"), default_start_method="spawn")
    assert check_settings(RunSpec(start_method=None), caps) == []
    assert check_settings(RunSpec(start_method="spawn"), caps) == []
    (problem,) = check_settings(RunSpec(start_method="teleport"), caps)
    assert problem == ("start method 'teleport' is not available here; "
                       "choose one of spawn, forkserver")


def test_run_settings_get_and_set_every_setting():
    settings = RunSettings().with_values(workers=3, repeats=4, chunksize=10)
    assert settings.get("workers") == 3 and settings.spec.workers == 3
    assert settings.get("repeats") == 4 and settings.repeats == 4
    assert RunSettings.from_values(settings.values()) == settings


def test_run_spec_leaves_unused_settings_at_their_default():
    settings = RunSettings().with_values(mode="serial", workers=3, start_method="spawn")
    spec = settings.run_spec(Capabilities(max_workers=1))
    assert spec.workers is None and spec.start_method is None and spec.mode == "serial"
    assert settings.spec.workers == 3  # kept for when the mode changes back


def test_flags_read_from_text_and_json_and_refuse_anything_else():
    warm = setting("warm_up")
    assert warm.from_text("true") is True and warm.from_text("No") is False
    assert warm.from_text(warm.to_text(True)) is True
    with pytest.raises(ValueError, match="not true or false"):
        warm.from_text("maybe")
    assert warm.from_json(False) is False
    with pytest.raises(ValueError, match="should be true or false, not an integer"):
        warm.from_json(1)
    assert setting("interleave").default is True and warm.default is False
