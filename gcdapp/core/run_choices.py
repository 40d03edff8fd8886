"""The run settings a window shows: a :class:`RunSpec` and a repeat count."""

from __future__ import annotations

from dataclasses import dataclass, replace

from gcdapp.core.events import RunSpec


@dataclass(frozen=True)
class RunChoices:
    """What the run panel shows. ``workers`` and ``start_method`` are kept
    even for modes that ignore them, so switching back finds them again."""

    spec: RunSpec = RunSpec()
    repeats: int = 1

    def run_spec(self) -> RunSpec:
        """The spec as it runs: no worker count for a mode with fixed
        workers, no start method for a mode that starts no processes."""
        from gcdapp.core import backends

        if self.spec.mode not in backends.names():
            return self.spec
        caps = backends.get(self.spec.mode).capabilities
        return replace(
            self.spec,
            workers=None if caps.max_workers == 1 else self.spec.workers,
            start_method=self.spec.start_method if caps.start_methods else None,
        )
