"""The executors a host runs, built with its interpreter's own
``concurrent.futures``, and the only functions it hands them.

Tasks are named on the wire (``"run_packed"``), never pickled functions:
:data:`FUNCTIONS` maps the names to :mod:`gcdapp.core.tasks`' functions, so
a host only ever runs gcdapp's core functions. Subinterpreters in particular
never receive a function from ``__main__`` (the 3.13 backport hangs forever
on one instead of failing): :func:`check_sendable` refuses it first.
"""

from __future__ import annotations

import concurrent.futures as cf
import importlib
import multiprocessing
import sys

from gcdapp.core import tasks

#: What a parent may ask a host to run, by name.
FUNCTIONS = {
    "run_chunk": tasks.run_chunk,
    "run_packed": tasks.run_packed,
    "warm_up": tasks.warm_up,
}
#: Modes a host runs.
MODES = ("serial", "threads", "processes", "interpreters")
#: Modules a host's fork server imports once, so workers fork with them loaded.
FORKSERVER_PRELOAD = ["gcdapp.core.tasks", "gcdapp.core.kernels"]
_SENDABLE_PREFIX = "gcdapp.core."


class HostRefused(ValueError):
    """A host cannot run what it was asked (the reason is the message)."""


def check_sendable(module: str, what: str) -> None:
    """Refuse anything but gcdapp's core modules as a task or kernel sent to
    workers (``__main__`` first of all: see the module docstring)."""
    if module == "__main__" or module == "__mp_main__":
        raise HostRefused(f"{what} is defined in __main__; only functions of gcdapp's core "
                          "modules are sent to workers in another Python")
    if not module.startswith(_SENDABLE_PREFIX):
        raise HostRefused(f"{what} comes from {module}; only functions of gcdapp's core "
                          "modules are sent to workers in another Python")


def interpreter_pool_class():
    """``InterpreterPoolExecutor``: the standard library's (3.14+), else the
    ``interpreters-pep-734`` backport's (3.12, 3.13; its directory is on
    PYTHONPATH). HostRefused says why neither can be had."""
    found = getattr(cf, "InterpreterPoolExecutor", None)
    if found is not None:
        return found
    try:
        from interpreters_backport.concurrent.futures import InterpreterPoolExecutor
    except ImportError as exc:
        version = ".".join(map(str, sys.version_info[:3]))
        raise HostRefused(f"Python {version} has no InterpreterPoolExecutor: the "
                          f"interpreters-pep-734 backport cannot be imported ({exc})") from None
    return InterpreterPoolExecutor


def _enlarge_pool_pipes(executor) -> None:
    """Give the pool's own pipes (tasks out, outcomes back) the host's pipe
    size, so that a chunk's 160 kB goes to a worker in one write, not in
    three waits for it to read. Where the pool keeps them elsewhere (another
    Python's ``concurrent.futures``), they stay as they are."""
    from gcdapp.core.host.protocol import enlarge_pipe

    for queue_name, end in (("_call_queue", "_writer"), ("_result_queue", "_reader")):
        connection = getattr(getattr(executor, queue_name, None), end, None)
        try:
            fd = connection.fileno()
        except Exception:
            continue
        enlarge_pipe(fd)


def make_executor(mode: str, workers: int, start_method: str | None, kernel) -> cf.Executor:
    """The executor for ``mode``; ``kernel`` is a ``(module, qualname)``
    reference (:func:`gcdapp.core.tasks.kernel_reference`)."""
    if not (isinstance(kernel, tuple) and len(kernel) == 2
            and all(isinstance(part, str) for part in kernel)):
        raise HostRefused(f"the kernel must be named as (module, qualname), not {kernel!r}")
    check_sendable(kernel[0], f"kernel {kernel[1]}")
    if mode not in MODES:
        raise HostRefused(f"a host runs {', '.join(MODES)}, not {mode!r}")
    if type(workers) is not int or workers < 1:
        raise HostRefused(f"workers must be a whole number ≥ 1, not {workers!r}")
    try:
        importlib.import_module(kernel[0])
    except Exception as exc:
        raise HostRefused(f"the kernel's module {kernel[0]} cannot be imported here: "
                          f"{type(exc).__name__}: {exc}") from None
    if mode in ("serial", "threads"):
        # In the host's own interpreter: the kernel is installed once for all
        # threads (tasks.run_chunk falls back to it).
        tasks.install_kernel(kernel)
        if mode == "serial":
            return cf.ThreadPoolExecutor(max_workers=1, thread_name_prefix="serial")
        return cf.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="gcd-thread")
    if mode == "processes":
        methods = multiprocessing.get_all_start_methods()
        method = start_method or ("forkserver" if "forkserver" in methods else "spawn")
        if method not in methods:
            raise HostRefused(f"start method {method!r} is not available here; "
                              f"choose one of {', '.join(methods)}")
        context = multiprocessing.get_context(method)
        if method == "forkserver":
            context.set_forkserver_preload(FORKSERVER_PRELOAD)
        executor = cf.ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                          initializer=tasks.install_kernel, initargs=(kernel,))
        _enlarge_pool_pipes(executor)
        return executor
    pool = interpreter_pool_class()
    for function in (tasks.install_kernel, *FUNCTIONS.values()):
        check_sendable(function.__module__, f"function {function.__qualname__}")
    return pool(max_workers=workers, initializer=tasks.install_kernel, initargs=(kernel,))
