"""A run's stop flag, as the kernels running in this thread see it.

A thread cannot be interrupted in the middle of a Python function, so a
cancelled threads or serial run stops cooperatively: the engine passes its
run's flag (a ``threading.Event``) with every task, :func:`gcdapp.core.tasks.run_chunk`
makes it the current thread's flag while the task runs, and a long kernel
(the brute force) calls :func:`current` once per pair and looks at the flag
every few thousand iterations, raising :class:`Cancelled` when it is set.

Worker processes have no flag (they are terminated instead): :func:`current`
returns None there and a kernel skips the check. Standard library only:
worker processes import this module.
"""

from __future__ import annotations

import threading


class Cancelled(BaseException):
    """Raised by a kernel whose run was asked to stop.

    A ``BaseException``, like ``asyncio.CancelledError``: a kernel's own
    ``except Exception`` does not swallow it, and it is never mistaken for the
    kernel's error."""


_local = threading.local()


def current():
    """This thread's stop flag (an object with ``is_set()``), or None."""
    return getattr(_local, "flag", None)


def install(flag) -> None:
    """Make ``flag`` this thread's stop flag (None: no flag)."""
    _local.flag = flag
