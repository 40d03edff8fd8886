"""Interpreters the user added by hand, kept in a small JSON file in the user
config directory (the window keeps its own list in QSettings and passes it
to discovery)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import platformdirs

from gcdapp.core.atomic import atomic_write_text

FORMAT = 1


def default_settings_path() -> Path:
    return Path(platformdirs.user_config_dir("gcdapp", appauthor=False)) / "pythons.json"


class UserPathsError(ValueError):
    pass


def load_user_paths(settings: str | os.PathLike | None = None) -> list[str]:
    """The added paths; an unreadable or damaged file reads as none (it is
    left untouched until the next change)."""
    path = Path(settings) if settings is not None else default_settings_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    paths = data.get("paths") if isinstance(data, dict) else None
    if not isinstance(paths, list):
        return []
    return [p for p in paths if isinstance(p, str) and p]


def _save(paths: list[str], settings: str | os.PathLike | None) -> None:
    path = Path(settings) if settings is not None else default_settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, json.dumps({"format": FORMAT, "paths": paths}, indent=1) + "\n")


def check_interpreter_file(path: str) -> str:
    """The absolute path if it names an executable regular file, else
    UserPathsError saying what is wrong with it."""
    full = os.path.abspath(os.path.expanduser(path))
    if not os.path.exists(full):
        raise UserPathsError(f"{path}: no such file")
    if not os.path.isfile(full):
        raise UserPathsError(f"{path}: not a file")
    if not os.access(full, os.X_OK):
        raise UserPathsError(f"{path}: not executable")
    return full


def add_user_path(path: str, settings: str | os.PathLike | None = None) -> str:
    full = check_interpreter_file(path)
    paths = load_user_paths(settings)
    if full not in paths:
        paths.append(full)
        _save(paths, settings)
    return full


def remove_user_path(path: str, settings: str | os.PathLike | None = None) -> bool:
    full = os.path.abspath(os.path.expanduser(path))
    paths = load_user_paths(settings)
    kept = [p for p in paths if p not in (path, full)]
    if kept == paths:
        return False
    _save(kept, settings)
    return True
