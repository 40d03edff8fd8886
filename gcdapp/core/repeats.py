"""Repeated runs of the same settings, summarised, and whether to trust them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from gcdapp.core.history import RunRecord
from gcdapp.core.stats import Summary


@dataclass(frozen=True)
class RepeatGroup:
    """The completed runs of one mode, workers, kernel and chunk size over
    the same pairs, and their wall times' statistics."""

    label: str  # "threads ×2"
    records: tuple[RunRecord, ...]
    walls: Summary

    def describe(self) -> str:
        """``threads ×2: median 0.412 s over 5 runs (± 3 %)``."""
        w = self.walls
        return (f"{self.label}: median {w.median:.3f} s over {w.n} runs "
                f"(± {w.spread:.0%})")


def _key(record: RunRecord) -> tuple:
    info = record.result.info
    return (record.fingerprint, info.mode, info.workers, info.kernel, info.chunksize,
            info.start_method)


def repeat_groups(records: Iterable[RunRecord]) -> list[RepeatGroup]:
    """Completed runs grouped by their settings, in order of first run."""
    groups: dict[tuple, list[RunRecord]] = {}
    for record in records:
        if record.completed:
            groups.setdefault(_key(record), []).append(record)
    out = []
    for members in groups.values():
        info = members[0].result.info
        label = info.mode + (f" ×{info.workers}" if info.workers > 1 else "")
        out.append(RepeatGroup(label, tuple(members),
                               Summary.of([r.result.wall_s for r in members])))
    return out


def stability_report(records: Iterable[RunRecord]) -> tuple[str, str] | None:
    """For a job's runs: ``("warning", text)`` when a repeated group is
    unstable by pyperf's rules, ``("info", text)`` summarising the groups
    otherwise; None when nothing was repeated."""
    repeated = [g for g in repeat_groups(records) if g.walls.n > 1]
    if not repeated:
        return None
    unstable = [g for g in repeated if g.walls.unstable]
    if unstable:
        text = " ".join(
            f"{g.label} is unstable over {g.walls.n} runs: {'; '.join(g.walls.instability())}."
            for g in unstable)
        return "warning", (text + " These timings cannot be trusted: use more repeats, "
                                  "a warm-up run, or a quieter machine.")
    return "info", "Stable: " + "; ".join(g.describe() for g in repeated) + "."
