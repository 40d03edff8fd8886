"""Which interpreter a run's ``python`` setting means: a path, or a version
such as "3.13" (:func:`gcdapp.core.pythons.discovery.select`)."""

from __future__ import annotations

import os
import sys

from gcdapp.core.pythons.discovery import (
    Interpreter, NoSuchPython, _identity, find_pythons, probe_all, select,
)


def is_path(spec: str) -> bool:
    return os.sep in spec or bool(os.altsep and os.altsep in spec) or os.path.exists(spec)


def is_running(path: str) -> bool:
    """Whether ``path`` is the interpreter this process runs on."""
    return bool(sys.executable) and _identity(path) == _identity(sys.executable)


def resolve(spec: str) -> Interpreter:
    """The interpreter ``spec`` names, probed (cached by path and mtime).
    NoSuchPython says what was found instead."""
    spec = spec.strip()
    if not spec:
        raise NoSuchPython("no Python named (an empty path or version)")
    if is_path(spec):
        path = os.path.abspath(os.path.expanduser(spec))
        if not os.path.isfile(path):
            raise NoSuchPython(f"{spec}: no such interpreter file")
        if not os.access(path, os.X_OK):
            raise NoSuchPython(f"{spec}: not an executable file")
        result = probe_all([path])[path]
        return Interpreter(path, ("running",) if is_running(path) else ("user",), result)
    return select(find_pythons(), spec)
