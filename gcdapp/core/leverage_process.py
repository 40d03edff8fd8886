"""A leverage map measured in a child process of this interpreter.

:class:`LeverageMapProcess` takes the same arguments as
:class:`~gcdapp.core.leverage.LeverageMap` and behaves like it (build it to
check everything, :meth:`~LeverageMapProcess.execute` on the thread that
waits for it, :meth:`~LeverageMapProcess.cancel` from any other, the same
observer calls and results), but the map itself runs in a spawned child
process of the same Python, exactly as ``gcdapp-cli leverage`` runs it: the
serial baseline in the child's main thread, the chosen mode's pools started
from there. The calling process only waits on a pipe.

Why: a map keeps the thread that executes it busy in Python for most of its
time (the serial baseline, calibrating the kernels, generating each cell's
pairs, collecting each run's tasks). In the window that thread shares the
GIL with the GUI thread, and on a loaded machine every hand-over of the GIL
waits for the operating system to schedule the holder again: measured, the
event loop stalled for 60-140 ms. In its own process the map holds no lock
the window needs.

The child reports each event over the pipe (the map so far after each cell:
a few kilobytes); ``run_observer`` is not forwarded (an observer's per-run
events stay in the child, which has none). Cancel asks the child to cancel
its map, which keeps every finished cell, as in process.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import threading

from gcdapp.core.leverage import LeverageMap, LeverageObserver
from gcdapp.core.leverage_result import LeverageResult

__all__ = ["LeverageMapProcess"]


class _PipeObserver(LeverageObserver):
    """In the child: every event of the map down the pipe."""

    def __init__(self, conn):
        self.conn = conn

    def map_started(self, keys):
        self.conn.send(("map_started", keys))

    def cell_started(self, key, progress):
        self.conn.send(("cell_started", key, progress))

    def cell_finished(self, cell, result, progress):
        # The cell with its runs (whole: the window shows them when it is
        # clicked), the map so far without anyone's: each run crosses once.
        self.conn.send(("cell_finished", cell, _without_runs(result), progress))


def _without_runs(result: LeverageResult) -> LeverageResult:
    return dataclasses.replace(
        result, cells=tuple(dataclasses.replace(c, runs=()) for c in result.cells))


def _with_runs(result: LeverageResult, runs: dict) -> LeverageResult:
    """``result`` with each cell's runs as its ``cell_finished`` brought them."""
    return dataclasses.replace(result, cells=tuple(
        dataclasses.replace(c, runs=runs.get(c.key, ())) for c in result.cells))


def _listen(conn, lmap: LeverageMap) -> None:
    """In the child: cancel the map when the parent asks, or goes away."""
    try:
        while conn.recv() != "cancel":
            pass
    except (EOFError, OSError):
        pass
    lmap.cancel()


def _child_main(conn, args: tuple, kwargs: dict) -> None:
    try:
        lmap = LeverageMap(*args, observer=_PipeObserver(conn), **kwargs)
        threading.Thread(target=_listen, args=(conn, lmap), daemon=True).start()
        result = lmap.execute()
    except BaseException as exc:  # reported to the parent as the map's failure
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("map_finished", _without_runs(result)))


class LeverageMapProcess:
    """A :class:`~gcdapp.core.leverage.LeverageMap` run in a child process;
    see the module docstring."""

    #: How often :meth:`execute` looks for a cancel while it waits (s).
    POLL_S = 0.05

    def __init__(self, *args, observer: LeverageObserver | None = None, **kwargs):
        if len(args) > 4:  # LeverageMap's fifth positional argument is the observer
            observer, args = args[4], args[:4]
        # Built here too: it checks every value (RunSetupError) and answers
        # keys, progress and the map so far before the child reports.
        self._local = LeverageMap(*args, **kwargs)
        self._args, self._kwargs = args, kwargs
        self.observer = observer or LeverageObserver()
        self._result: LeverageResult | None = None
        self._progress = self._local.progress()
        self._cancelled = False
        self._started = False

    def __getattr__(self, name):  # keys, mode, workers, digits, ...: the map's own
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._local, name)

    def cancel(self) -> None:
        """Ask the child to stop; every finished cell is kept. Any thread."""
        self._cancelled = True

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def progress(self):
        return self._progress

    def result(self) -> LeverageResult:
        """The map so far (as the child last reported it), or as it ended."""
        return self._result if self._result is not None else self._local.result()

    def execute(self) -> LeverageResult:
        if self._started:
            raise RuntimeError("a LeverageMap executes once; build a new one")
        self._started = True
        if self._cancelled:  # cancelled before it began: no process to start
            self._local.observer = self.observer
            self._local.cancel()
            return self._local.execute()
        ctx = multiprocessing.get_context("spawn")  # never fork a GUI process
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_child_main, args=(child, self._args, self._kwargs),
                           name="gcdapp-leverage-map")
        proc.start()
        child.close()
        asked = False
        runs: dict = {}  # each cell's runs, by key, as the child sent them
        final: LeverageResult | None = None
        error: str | None = None
        try:
            while True:
                if self._cancelled and not asked:
                    parent.send("cancel")
                    asked = True
                if not parent.poll(self.POLL_S):
                    continue
                try:
                    message = parent.recv()
                except EOFError:
                    error = f"the map's process ended (exit code {proc.exitcode})"
                    break
                kind = message[0]
                if kind == "map_started":
                    self.observer.map_started(message[1])
                elif kind == "cell_started":
                    self._progress = message[2]
                    self.observer.cell_started(message[1], message[2])
                elif kind == "cell_finished":
                    _, cell, so_far, self._progress = message
                    runs[cell.key] = cell.runs
                    self._result = _with_runs(so_far, runs)
                    self.observer.cell_finished(cell, self._result, self._progress)
                elif kind == "map_finished":
                    final = _with_runs(message[1], runs)
                    break
                else:
                    error = message[1]
                    break
        finally:
            parent.close()
            proc.join(5)
            if proc.is_alive():
                proc.terminate()
                proc.join()
        if final is None:
            final = dataclasses.replace(self.result(), status="failed",
                                        error=error or "the map's process stopped")
        self._result = final
        self.observer.map_finished(final)
        return final
