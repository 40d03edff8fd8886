"""What the fault suites count: pool workers, threads, fds and memory of this
process, and a random seed that is printed so a failure can be replayed."""

from __future__ import annotations

import gc
import os
import random
import threading
import time
from dataclasses import dataclass

import psutil


def fault_seed(name: str) -> random.Random:
    """A random generator for one suite; ``GCDAPP_FAULT_SEED`` replays a run."""
    seed = int(os.environ.get("GCDAPP_FAULT_SEED") or random.randrange(1 << 30))
    print(f"{name}: random seed {seed} (replay with GCDAPP_FAULT_SEED={seed})")
    return random.Random(seed)


def pool_workers() -> list[psutil.Process]:
    """Live pool worker processes under this one: children (spawn, fork) and
    the fork server's children; not the fork server or resource tracker."""
    me = psutil.Process()
    out = []
    for proc in me.children(recursive=True):
        try:
            if proc.status() == psutil.STATUS_ZOMBIE:
                continue
            cmdline = " ".join(proc.cmdline())
            if "multiprocessing.resource_tracker" in cmdline:
                continue
            if "multiprocessing.forkserver" in cmdline and proc.ppid() == me.pid:
                continue  # the fork server itself, a long-lived helper
            out.append(proc)
        except psutil.Error:  # gone meanwhile
            continue
    return out


def wait_for_no_workers(timeout: float = 5.0) -> list[psutil.Process]:
    deadline = time.monotonic() + timeout
    alive = pool_workers()
    while alive and time.monotonic() < deadline:
        time.sleep(0.05)
        alive = pool_workers()
    return alive


@dataclass(frozen=True)
class Usage:
    """This process's countable resources at one moment."""

    workers: int
    threads: tuple[str, ...]  # Python threads' names, sorted
    native_threads: int
    fds: int
    rss: int

    @classmethod
    def now(cls) -> Usage:
        gc.collect()
        me = psutil.Process()
        return cls(
            workers=len(pool_workers()),
            threads=tuple(sorted(t.name for t in threading.enumerate())),
            native_threads=me.num_threads(),
            fds=me.num_fds(),
            rss=me.memory_info().rss,
        )

    def same_counts(self, other: Usage, python_threads: bool = True,
                    at_most: bool = False) -> bool:
        mine = (self.workers, self.native_threads, self.fds)
        theirs = (other.workers, other.native_threads, other.fds)
        if at_most and all(m <= t for m, t in zip(mine, theirs)):
            mine = theirs
        if python_threads:
            mine, theirs = mine + (self.threads,), theirs + (other.threads,)
        return mine == theirs


def settled_usage(baseline: Usage, timeout: float = 10.0, pump=None,
                  python_threads: bool = True, at_most: bool = False) -> Usage:
    """The usage once it matches ``baseline``'s counts, or after ``timeout``
    (worker processes and pool threads take a moment to be reaped).
    ``pump`` is called while waiting (a GUI test processes Qt events).
    Without ``python_threads`` the Python threads' names are not compared
    (each QThread run that ran Python code leaves a ``Dummy-N`` entry in
    :func:`threading.enumerate`; the native thread count still counts it).
    With ``at_most``, counts below the baseline's also settle it: Qt's own
    idle threads (its global thread pool's) may end meanwhile."""
    deadline = time.monotonic() + timeout
    usage = Usage.now()
    while (not usage.same_counts(baseline, python_threads, at_most)
           and time.monotonic() < deadline):
        if pump is not None:
            pump()
        time.sleep(0.05)
        usage = Usage.now()
    return usage
