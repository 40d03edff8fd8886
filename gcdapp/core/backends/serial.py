"""Serial: one pair after another in the calling thread."""

from __future__ import annotations

from gcdapp.core.backends.base import Backend, Capabilities, InlineExecutor


class SerialBackend(Backend):
    name = "serial"
    title = "Serial"
    description = "One pair after another in the calling thread: the baseline."
    warm_up_needed = False  # the calling thread is already running

    def probe_capabilities(self):
        return Capabilities(max_workers=1)

    def create(self, workers, start_method, kernel=None):
        return InlineExecutor()

    def max_inflight(self, workers):
        return 1  # each submit runs the task; the engine reports between tasks

    def lane_label(self, pid, thread):
        return "serial"
