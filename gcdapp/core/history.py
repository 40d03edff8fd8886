"""The runs of a session, and the speedup of each against serial."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from gcdapp.core.events import RunResult
from gcdapp.core.stats import speedup


@dataclass
class RunRecord:
    """One finished run as the session keeps it."""

    run_id: int
    label: str
    fingerprint: str  # of the pairs it ran (gcdapp.core.pairs.pairs_fingerprint)
    result: RunResult

    @property
    def mode(self) -> str:
        return self.result.info.mode

    @property
    def kernel(self) -> str:
        return self.result.info.kernel

    @property
    def completed(self) -> bool:
        return self.result.status == "completed"


@dataclass
class RunHistory:
    """Finished runs in order. Speedups are against the latest completed
    serial run of the same pairs with the same kernel."""

    records: list[RunRecord] = field(default_factory=list)
    _next_id: int = 1

    def __iter__(self) -> Iterator[RunRecord]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)

    def new_id(self) -> int:
        run_id = self._next_id
        self._next_id += 1
        return run_id

    def add(self, record: RunRecord) -> None:
        self.records.append(record)
        self._next_id = max(self._next_id, record.run_id + 1)

    def get(self, run_id: int) -> RunRecord | None:
        return next((r for r in self.records if r.run_id == run_id), None)

    def remove(self, run_id: int) -> None:
        self.records = [r for r in self.records if r.run_id != run_id]

    def clear(self) -> None:
        self.records.clear()

    def baseline(self, record: RunRecord) -> RunRecord | None:
        """The serial run ``record`` is compared with, if there is one: the
        latest of the same pairs and kernel, in the same Python when there
        is one (a run in another interpreter), else in any."""
        candidates = [
            other for other in reversed(self.records)
            if other.mode == "serial" and other.completed
            and other.fingerprint == record.fingerprint and other.kernel == record.kernel
        ]
        python = record.result.python
        same = [other for other in candidates if other.result.python == python]
        return (same or candidates or [None])[0]

    def speedup(self, record: RunRecord) -> float | None:
        if not record.completed:
            return None
        base = self.baseline(record)
        if base is None:
            return None
        return speedup(base.result.wall_s, record.result.wall_s)

    def count_of_mode(self, mode: str) -> int:
        return sum(1 for r in self.records if r.mode == mode)
