"""Threads: a ``ThreadPoolExecutor`` in this interpreter, under its GIL."""

from __future__ import annotations

import concurrent.futures as cf

from gcdapp.core.backends.base import Backend, shutdown


class ThreadBackend(Backend):
    name = "threads"
    title = "Threads"
    description = (
        "ThreadPoolExecutor: threads share one interpreter, so the GIL lets "
        "only one of them run Python code at a time."
    )

    def create(self, workers, start_method, kernel=None):
        return cf.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="gcd-thread")

    def stop(self, executor, *, terminate):
        """Wait for the pool's threads to end, even when terminating: the
        engine has set the run's stop flag, so a running task ends within a
        few thousand pairs or brute-force candidates, and pending ones are
        dropped. No thread of this run outlives it, so runs never pile up
        threads. (A kernel that never looks at the flag and never returns
        keeps the run waiting; the app ends the process on quit then.)"""
        shutdown(executor, wait=True, cancel_futures=terminate)

    def lane_label(self, pid, thread):
        return thread.replace("gcd-thread_", "thread ")
