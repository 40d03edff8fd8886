"""Interpreters: an ``InterpreterPoolExecutor`` (Python 3.14+), isolated
interpreters in this process, each with its own GIL."""

from __future__ import annotations

import concurrent.futures as cf
import sys

from gcdapp.core.backends.base import Backend, Capabilities
from gcdapp.core.tasks import install_kernel, kernel_reference


class InterpreterBackend(Backend):
    name = "interpreters"
    title = "Interpreters"
    description = (
        "InterpreterPoolExecutor: isolated interpreters in one process, each "
        "with its own GIL (Python 3.14 or newer)."
    )

    def probe_capabilities(self):
        reason = None
        if not hasattr(cf, "InterpreterPoolExecutor"):
            version = ".".join(map(str, sys.version_info[:2]))
            reason = f"needs Python 3.14 or newer; this is Python {version}"
        return Capabilities(isolated=True, unavailable_reason=reason)

    def create(self, workers, start_method, kernel=None):
        return cf.InterpreterPoolExecutor(  # type: ignore[attr-defined]
            max_workers=workers, initializer=install_kernel, initargs=(kernel_reference(kernel),)
        )

    def lane_label(self, pid, thread):
        return f"interpreter {thread}"
