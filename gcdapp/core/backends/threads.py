"""Threads: a ``ThreadPoolExecutor`` in this interpreter, under its GIL."""

from __future__ import annotations

import concurrent.futures as cf

from gcdapp.core.backends.base import Backend


class ThreadBackend(Backend):
    name = "threads"
    title = "Threads"
    description = (
        "ThreadPoolExecutor: threads share one interpreter, so the GIL lets "
        "only one of them run Python code at a time."
    )

    def create(self, workers, start_method, kernel=None):
        return cf.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="gcd-thread")

    def lane_label(self, pid, thread):
        return thread.replace("gcd-thread_", "thread ")
