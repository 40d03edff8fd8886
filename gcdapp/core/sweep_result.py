"""What a worker sweep measured: its points, the fits, one sentence, JSON.

Each measured run of a sweep is a :class:`Measurement`, in a *round* (the
sweep runs every worker count and the serial baseline once per round). A
point's speedup in a round is the baseline's wall time in that round over
the point's: the two ran close together, so drift in this machine's speed
mostly cancels. A :class:`SweepPoint` is the median of those speedups, with
their spread; the fits (:mod:`gcdapp.core.scaling`) are made from the
points.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from gcdapp.core.events import RunInfo
from gcdapp.core.scaling import CONFIDENCE, AmdahlFit, FitPoint, USLFit, fit_amdahl, fit_usl, karp_flatt
from gcdapp.core.stats import Summary

#: A later point this much slower than the best (median speedup) "falls".
FALL = 0.05

#: A serial fraction's interval wider than ± this is given as its range.
WIDE_CI = 0.25

#: The baseline's ``workers`` in a :class:`Measurement` (it runs serially).
BASELINE = 0


@dataclass(frozen=True)
class Measurement:
    """One measured run of a sweep: a point (``workers``) or the serial
    baseline (``workers == BASELINE``), in round ``round``."""

    workers: int
    round: int
    info: RunInfo
    wall_s: float
    startup_s: float = 0.0
    shutdown_s: float = 0.0

    @property
    def baseline(self) -> bool:
        return self.workers == BASELINE


@dataclass(frozen=True)
class SweepPoint:
    """Speedup at one worker count, against the sweep's serial baseline."""

    workers: int
    info: RunInfo  # of its first run: the chunk size it got, etc.
    walls: Summary  # its wall times (seconds)
    speedups: Summary | None  # per round with a baseline; None before any
    oversubscribed: bool  # more workers than usable cores
    #: why its speedup cannot be trusted: pyperf's rules on its per-round
    #: speedups (paired with the baseline, so drift that slows both cancels)
    instability: tuple[str, ...] = ()

    @property
    def unstable(self) -> bool:
        return bool(self.instability)

    @property
    def speedup(self) -> float | None:
        return None if self.speedups is None else self.speedups.median

    @property
    def karp_flatt(self) -> float | None:
        return None if self.speedup is None else karp_flatt(self.speedup, self.workers)

    def fit_point(self) -> FitPoint:
        return FitPoint(self.workers, self.speedups.median, self.speedups.stdev, self.unstable)


def _times(value: float) -> str:
    return f"{value:.2f}×"


def _speedups(baseline: dict[int, float], walls: dict[int, float]) -> list[float]:
    return [baseline[r] / w for r, w in walls.items() if r in baseline and w > 0]


def make_points(measurements: Iterable[Measurement], cores: int) -> tuple[Summary | None,
                                                                           list[SweepPoint]]:
    """The baseline's wall times and the points, by worker count."""
    baseline: dict[int, float] = {}
    by_workers: dict[int, list[Measurement]] = {}
    for m in measurements:
        if m.baseline:
            baseline[m.round] = m.wall_s
        else:
            by_workers.setdefault(m.workers, []).append(m)
    points = []
    for workers in sorted(by_workers):
        runs = by_workers[workers]
        walls = Summary.of([m.wall_s for m in runs])
        ratios = _speedups(baseline, {m.round: m.wall_s for m in runs})
        speedups = Summary.of(ratios) if ratios else None
        points.append(SweepPoint(
            workers=workers, info=runs[0].info, walls=walls, speedups=speedups,
            oversubscribed=workers > cores,
            instability=tuple(speedups.instability(_times)) if speedups else (),
        ))
    base = Summary.of(list(baseline.values())) if baseline else None
    return base, points


@dataclass(frozen=True)
class SweepResult:
    """A sweep's points and fits; partial when cancelled or failed."""

    mode: str
    kernel: str
    n_pairs: int
    cores: int  # usable cores when it ran
    repeats: int  # rounds asked for
    status: str  # "completed", "cancelled", "failed"
    baseline: Summary | None
    points: tuple[SweepPoint, ...]
    amdahl: AmdahlFit | None
    usl: USLFit | None
    measurements: tuple[Measurement, ...] = field(default=(), repr=False)
    error: str | None = None
    order_seed: int | None = None
    #: why there are no fits at all (scipy missing), or None
    fit_error: str | None = None

    @property
    def baseline_instability(self) -> tuple[str, ...]:
        return tuple(self.baseline.instability()) if self.baseline else ()

    def finding(self) -> str:
        return describe(self)

    def to_json(self) -> dict:
        return sweep_json(self)


#: Why a sweep has no fits where scipy is missing (the frozen build leaves it out).
NO_SCIPY = "no fits: they need scipy (python -m pip install scipy)"


def fits(points: Sequence[SweepPoint], cores: int) -> tuple[AmdahlFit | None, USLFit | None]:
    """Amdahl over the points within the usable cores (its law assumes a core
    per worker); the USL, which models contention, over every point.
    ImportError without scipy."""
    measured = [p.fit_point() for p in points if p.speedups is not None]
    within = [p for p in measured if p.workers <= cores]
    return fit_amdahl(within), fit_usl(measured)


def build_result(*, mode: str, kernel: str, n_pairs: int, cores: int, repeats: int,
                 status: str, measurements: Sequence[Measurement], error: str | None = None,
                 order_seed: int | None = None) -> SweepResult:
    baseline, points = make_points(measurements, cores)
    fit_error = None
    try:
        amdahl_fit, usl_fit = fits(points, cores)
    except ImportError:
        amdahl_fit = usl_fit = None
        fit_error = NO_SCIPY
    return SweepResult(mode, kernel, n_pairs, cores, repeats, status, baseline, tuple(points),
                       amdahl_fit, usl_fit, tuple(measurements), error, order_seed, fit_error)


# -- the sentence -------------------------------------------------------------------

def _pct(value: float) -> str:
    return f"{100 * value:.0f} %"


def _workers(values: Sequence[int]) -> str:
    words = [str(v) for v in values]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def describe(result: SweepResult) -> str:
    """One findings sentence or three: ``Serial fraction 4 % (±2 %). Beyond 2
    workers, speedup falls: this machine has 2 cores.``"""
    points = [p for p in result.points if p.speedup is not None]
    if not points:
        return "No point measured yet."
    parts = []
    a = result.amdahl
    if a is not None:
        if a.ci is None:
            spread = "no interval from one point"
        elif a.half_width <= WIDE_CI:
            spread = f"±{_pct(a.half_width)}"
        else:
            spread = (f"anywhere from {_pct(a.ci[0])} to {_pct(a.ci[1])}: too few or too "
                      "noisy points to pin it down")
        parts.append(f"Serial fraction {_pct(a.serial_fraction)} ({spread}).")
    best = max(points, key=lambda p: p.speedup)
    later = [p for p in points if p.workers > best.workers]
    cores = f"this machine has {result.cores} core{'s' if result.cores != 1 else ''}"
    if best.speedup < 1:
        parts.append(f"No worker count beats serial (best {best.speedup:.2f}× at "
                     f"{best.workers}): {result.mode} does not pay for this work.")
    elif later and later[-1].speedup < best.speedup * (1 - FALL):
        why = f": {cores}." if best.workers == result.cores else "."
        if best.workers != result.cores and result.usl is not None and result.usl.kappa > 0:
            why = f" (USL κ = {result.usl.kappa:.3f})."
        parts.append(f"Beyond {best.workers} worker{'s' if best.workers != 1 else ''}, "
                     f"speedup falls{why}")
    elif later:
        parts.append(f"Beyond {best.workers} workers, speedup stays flat at about "
                     f"{best.speedup:.2f}×" + (f": {cores}." if best.workers >= result.cores
                                               else "."))
    else:
        parts.append(f"Speedup still grows at {best.workers} workers ({best.speedup:.2f}×).")
    unstable = [p.workers for p in points if p.unstable]
    if unstable:
        parts.append(f"Timings at {_workers(unstable)} workers are unstable by pyperf's rules: "
                     "the fit is less certain.")
    if result.baseline_instability:
        parts.append("The serial baseline is unstable by pyperf's rules: every speedup is "
                     "less certain.")
    if result.fit_error:
        parts.append(result.fit_error[0].upper() + result.fit_error[1:] + ".")
    if result.status != "completed":
        parts.append(f"The sweep was {result.status} before its last round.")
    return " ".join(parts)


# -- JSON ------------------------------------------------------------------------------

def _summary(s: Summary | None) -> dict | None:
    return None if s is None else s.as_json()


def sweep_json(result: SweepResult) -> dict:
    """``{"mode", "points": [{"workers", "speedup_median", "speedup_min",
    "speedup_max", "unstable", ...}], "amdahl": {"serial_fraction", "ci"},
    "usl": {"sigma", "kappa"}, ...}``; a fit that could not be made is null."""
    a, u = result.amdahl, result.usl
    return {
        "mode": result.mode,
        "kernel": result.kernel,
        "n_pairs": result.n_pairs,
        "cores": result.cores,
        "repeats": result.repeats,
        "status": result.status,
        "error": result.error,
        "order_seed": result.order_seed,
        "fit_error": result.fit_error,
        "baseline": {"mode": "serial", "wall_s": _summary(result.baseline),
                     "unstable": bool(result.baseline_instability),
                     "instability": list(result.baseline_instability)},
        "points": [{
            "workers": p.workers,
            "speedup_median": p.speedup,
            "speedup_min": p.speedups.min if p.speedups else None,
            "speedup_max": p.speedups.max if p.speedups else None,
            "speedup": _summary(p.speedups),
            "unstable": p.unstable,
            "instability": list(p.instability),
            "oversubscribed": p.oversubscribed,
            "karp_flatt": p.karp_flatt,
            "chunksize": p.info.chunksize,
            "wall_s": _summary(p.walls),
        } for p in result.points],
        "amdahl": None if a is None else {
            "serial_fraction": a.serial_fraction,
            "ci": None if a.ci is None else list(a.ci), "half_width": a.half_width,
            "confidence": CONFIDENCE, "n_points": a.n_points,
            "unstable_workers": list(a.unstable_workers),
        },
        "usl": None if u is None else {
            "sigma": u.sigma, "kappa": u.kappa, "sigma_se": u.sigma_se, "kappa_se": u.kappa_se,
            "peak_workers": u.peak_workers, "n_points": u.n_points,
            "unstable_workers": list(u.unstable_workers),
        },
        "finding": result.finding(),
    }
