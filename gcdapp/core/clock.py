"""The one clock assumption: where worker and parent times meet.

Workers stamp ``time.perf_counter_ns`` in their own thread, interpreter or
process; the parent stamps the same clock. On Linux (``CLOCK_MONOTONIC``)
and macOS, ``perf_counter`` is a system-wide monotonic clock, so a worker's
stamp and the parent's compare directly: the offset between them is 0.

A backend whose workers run on other hosts would supply a per-lane offset
(the worker's clock minus the parent's, in nanoseconds) here; nothing else
in gcdapp converts worker times. Standard library only: worker processes
import :mod:`gcdapp.core.tasks`, which does not need this module, but the
engine does, and it must stay cheap.
"""

from __future__ import annotations

#: Worker clock minus parent clock, in ns, for workers on this machine.
LOCAL_OFFSET_NS = 0


def worker_offset_ns(lane: int) -> int:
    """The worker clock's offset from the parent's for ``lane`` (ns): 0 on
    this machine, where ``perf_counter`` is system-wide."""
    return LOCAL_OFFSET_NS


def run_seconds(worker_ns: int, t0_ns: int, offset_ns: int = LOCAL_OFFSET_NS) -> float:
    """A worker's ``perf_counter_ns`` stamp as seconds since the run's start
    ``t0_ns`` on the parent's clock."""
    return (worker_ns - offset_ns - t0_ns) / 1e9
