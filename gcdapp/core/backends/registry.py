"""The backends by name, in display order, each imported when first asked for.

Built-ins are registered as ``"module:Class"`` strings, so importing this
module imports no backend; :func:`get` imports a backend's module the first
time its name is asked for and keeps one instance. Anything registered with
:func:`register` is listed after the built-ins, and the engine, the CLI and
the window's mode list take it like any other.
"""

from __future__ import annotations

import importlib
import threading

from gcdapp.core.backends.base import Backend

_BUILTINS = {
    "serial": "gcdapp.core.backends.serial:SerialBackend",
    "threads": "gcdapp.core.backends.threads:ThreadBackend",
    "processes": "gcdapp.core.backends.processes:ProcessBackend",
    "interpreters": "gcdapp.core.backends.interpreters:InterpreterBackend",
    "dask": "gcdapp.core.backends.dask:DaskBackend",
}

_targets: dict[str, object] = dict(_BUILTINS)
_instances: dict[str, Backend] = {}
_lock = threading.RLock()


def names() -> tuple[str, ...]:
    """Every registered mode, built-ins first, then in registration order."""
    return tuple(_targets)


def _unknown(name: str) -> ValueError:
    return ValueError(f"unknown mode {name!r}; choose one of {', '.join(_targets)}")


def _check_target(name: str, target) -> None:
    if isinstance(target, str):
        module, _, attr = target.partition(":")
        if module and attr:
            return
    elif isinstance(target, Backend) or (
        isinstance(target, type) and issubclass(target, Backend)
    ):
        return
    raise TypeError(
        f"backend {name!r} must be a Backend subclass or instance, or a "
        f"'module:Class' string, not {target!r}"
    )


def _load(name: str, target) -> Backend:
    if isinstance(target, str):
        module, _, attr = target.partition(":")
        target = getattr(importlib.import_module(module), attr)
    backend = target() if isinstance(target, type) else target
    if not isinstance(backend, Backend):
        raise TypeError(f"backend {name!r} is {backend!r}, not a Backend")
    if backend.name != name:
        backend.name = name  # the registered name is the mode's name
    return backend


def get(name: str) -> Backend:
    """The backend called ``name``, imported and built on first use."""
    backend = _instances.get(name)
    if backend is not None:
        return backend
    with _lock:
        if name in _instances:
            return _instances[name]
        if name not in _targets:
            raise _unknown(name)
        backend = _instances[name] = _load(name, _targets[name])
        return backend


def available(name: str) -> bool:
    """Whether ``name`` is registered and can run here."""
    return name in _targets and get(name).capabilities.available


def register(name: str, target, *, replace: bool = False) -> None:
    """Add a backend: a :class:`Backend` subclass or instance, or a
    ``"module:Class"`` string imported on first use. A name already taken
    needs ``replace=True`` (and keeps its place in :func:`names`)."""
    if not isinstance(name, str) or not name:
        raise ValueError(f"a mode's name must be a non-empty string, not {name!r}")
    _check_target(name, target)
    with _lock:
        if name in _targets and not replace:
            raise ValueError(f"mode {name!r} is already registered; pass replace=True")
        _targets[name] = target
        _instances.pop(name, None)


def unregister(name: str) -> None:
    """Remove a backend registered under ``name``."""
    with _lock:
        if name not in _targets:
            raise _unknown(name)
        del _targets[name]
        _instances.pop(name, None)
