"""Facts about the running interpreter and machine."""

from __future__ import annotations

import os
import sys


def usable_cores() -> int:
    """Cores this process may run on (CPU affinity where the OS exposes it)."""
    if hasattr(os, "sched_getaffinity"):
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except OSError:
            pass
    return max(1, os.cpu_count() or 1)


def gil_enabled() -> bool:
    """Whether this interpreter runs with the GIL (always True before 3.13t)."""
    check = getattr(sys, "_is_gil_enabled", None)
    return True if check is None else bool(check())
