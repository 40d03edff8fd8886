"""The engine: submits GCD work to a backend's executor and streams completed
tasks, in completion order, to an observer.

A :class:`Run` is used once: build it (which validates everything and raises
:class:`RunSetupError` with every problem), call :meth:`Run.execute` on the
thread that should drive the pool, and call :meth:`Run.cancel` from any other
thread to stop it.

Inside: :mod:`.backend_choice` (which backend, in which Python), :mod:`.checks` (what may run), :mod:`.chunks` (tasks and their
size), :mod:`.scheduling` (keeping the executor fed), :mod:`.collection`
(results, the task log and batches), :mod:`.failure` (what went wrong, and
its message) and :mod:`.run` (one run, start to end).
"""

from gcdapp.core.engine.backend_choice import backend_for
from gcdapp.core.engine.checks import RunSetupError, check_run
from gcdapp.core.engine.chunks import MAX_AUTO_CHUNK, auto_chunksize
from gcdapp.core.engine.failure import RunFailure
from gcdapp.core.engine.run import DEFAULT_FLUSH_INTERVAL, Run, run_pairs

__all__ = [
    "DEFAULT_FLUSH_INTERVAL",
    "MAX_AUTO_CHUNK",
    "Run",
    "RunFailure",
    "RunSetupError",
    "auto_chunksize",
    "backend_for",
    "check_run",
    "run_pairs",
]
