"""Interpreters the user adds by path, kept in a small JSON settings file."""

from __future__ import annotations

import sys

import pytest

from gcdapp.core.pythons.user_paths import (
    UserPathsError, add_user_path, default_settings_path, load_user_paths, remove_user_path,
)


def test_add_load_remove(tmp_path):
    settings = tmp_path / "pythons.json"
    assert load_user_paths(settings) == []
    assert add_user_path(sys.executable, settings) == sys.executable
    add_user_path(sys.executable, settings)  # once only
    assert load_user_paths(settings) == [sys.executable]
    assert remove_user_path(sys.executable, settings)
    assert not remove_user_path(sys.executable, settings)
    assert load_user_paths(settings) == []


def test_bad_paths_are_refused_with_the_reason(tmp_path):
    settings = tmp_path / "pythons.json"
    with pytest.raises(UserPathsError, match="no such file"):
        add_user_path(str(tmp_path / "missing"), settings)
    with pytest.raises(UserPathsError, match="not a file"):
        add_user_path(str(tmp_path), settings)
    plain = tmp_path / "plain"
    plain.write_text("")
    plain.chmod(0o644)
    with pytest.raises(UserPathsError, match="not executable"):
        add_user_path(str(plain), settings)
    assert not settings.exists()


def test_damaged_settings_read_as_none_and_are_left_alone(tmp_path):
    settings = tmp_path / "pythons.json"
    for text in ("{broken", '{"paths": "x"}', "[1]"):
        settings.write_text(text)
        assert load_user_paths(settings) == []
        assert settings.read_text() == text
    settings.write_text('{"format": 1, "paths": ["/a", 3, ""]}')
    assert load_user_paths(settings) == ["/a"]


def test_default_file_is_in_the_user_config_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert default_settings_path() == tmp_path / "gcdapp" / "pythons.json"
    add_user_path(sys.executable)
    assert load_user_paths() == [sys.executable]
