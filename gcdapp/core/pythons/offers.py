"""What a discovered interpreter offers a run: which modes and kernels can
work there, and why not when they cannot.

The worker host runs serial, threads, processes and interpreters in another
interpreter (native kernels where it has numba); everything else runs only
in the Python gcdapp itself runs on. ``None`` as the interpreter means that
one: its own backends and kernels say what it can do.
"""

from __future__ import annotations

from gcdapp.core.pythons.discovery import Interpreter

#: The modes the worker host runs in another interpreter.
HOST_MODES = ("serial", "threads", "processes", "interpreters")


def is_other(interpreter: Interpreter | None) -> bool:
    """An interpreter other than the running one."""
    return interpreter is not None and not interpreter.is_running


def mode_reason(interpreter: Interpreter | None, mode: str) -> str | None:
    """Why ``mode`` cannot run in ``interpreter`` (None: it can)."""
    if not is_other(interpreter):
        from gcdapp.core.backends import registry

        if mode not in registry.names():
            return f"unknown mode {mode!r}"
        return registry.get(mode).capabilities.unavailable_reason
    probe = interpreter.probe
    if probe.unusable_reason is not None:
        return f"{interpreter.label} is unusable: {probe.unusable_reason}"
    if mode not in HOST_MODES:
        return (f"runs only in the Python gcdapp runs on; in {interpreter.label} gcdapp "
                f"runs {', '.join(HOST_MODES)}")
    if mode == "interpreters" and not probe.subinterpreters.usable:
        return f"in {interpreter.label}, subinterpreters: {probe.subinterpreters.describe()}"
    return None


def kernel_reason(interpreter: Interpreter | None, kernel: str) -> str | None:
    """Why ``kernel`` cannot run in ``interpreter`` (None: it can)."""
    from gcdapp.core.kernels import KERNELS

    known = KERNELS.get(kernel)
    if known is None:
        return f"unknown kernel {kernel!r}"
    if not is_other(interpreter):
        return known.unavailable_reason
    if known.native and not interpreter.probe.numba:
        return f"numba is not installed in {interpreter.label} ({interpreter.path})"
    return None


#: Where the window offers to install the backport: 3.13. (On 3.12 it needs
#: a compiled part too, which segfaults at import on pyenv's 3.12.1; the
#: command line still installs it there for whoever wants to try.)
BACKPORT_OFFERED = (3, 13)


def backport_missing(interpreter: Interpreter | None) -> bool:
    """A 3.13 that lacks only the subinterpreter backport, which gcdapp can
    install for it."""
    if not is_other(interpreter) or not interpreter.usable:
        return False
    if tuple(interpreter.probe.version_info[:2]) != BACKPORT_OFFERED:
        return False
    sub = interpreter.probe.subinterpreters
    return not sub.usable and bool(sub.missing)


def free_threaded(interpreters: list[Interpreter]) -> Interpreter | None:
    """The first usable free-threaded build with the GIL off, else with it on."""
    builds = [i for i in interpreters if i.usable and i.probe.free_threaded_build]
    builds.sort(key=lambda i: i.probe.gil_enabled)
    return builds[0] if builds else None


def with_interpreters(interpreters: list[Interpreter]) -> Interpreter | None:
    """The first usable interpreter (in discovery's order: the running one,
    then newest first) where subinterpreters work."""
    for item in interpreters:
        if item.usable and item.probe.subinterpreters.usable:
            return item
    return None
