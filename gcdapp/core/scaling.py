"""How speedup grows with workers: Amdahl's law, the Universal Scalability
Law, the Karp–Flatt serial fraction, and fits of the first two to measured
points.

Both laws give 1× at one worker, so they describe speedup against a serial
run of the same work (an engine's own start-up shows as serial fraction):

- Amdahl: ``S(n) = 1 / (f + (1 - f) / n)``, serial fraction ``f``;
- USL (Gunther): ``S(n) = n / (1 + σ (n - 1) + κ n (n - 1))``: ``σ``
  contention, ``κ`` coherency; ``κ > 0`` makes speedup peak and fall.

Fits use :func:`scipy.optimize.curve_fit` with each point weighted by its
spread (standard deviation of the speedup) and every parameter bounded to
``[0, 1]``. scipy is imported inside the fitting functions only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

#: The confidence level of the serial fraction's interval.
CONFIDENCE = 0.95
#: A point whose speedup has no measured spread (one repeat) is weighted as
#: if its standard deviation were this share of its speedup.
SPREAD_FLOOR = 0.01


def amdahl(n, f):
    """Amdahl's speedup on ``n`` workers with serial fraction ``f``."""
    return 1.0 / (f + (1.0 - f) / n)


def usl(n, sigma, kappa):
    """The Universal Scalability Law's speedup on ``n`` workers."""
    return n / (1.0 + sigma * (n - 1.0) + kappa * n * (n - 1.0))


def karp_flatt(speedup: float, workers: int) -> float | None:
    """The experimentally determined serial fraction ``(1/S - 1/p) / (1 - 1/p)``
    (None at one worker, or without a positive speedup)."""
    if workers <= 1 or not speedup or speedup <= 0:
        return None
    return (1.0 / speedup - 1.0 / workers) / (1.0 - 1.0 / workers)


@dataclass(frozen=True)
class FitPoint:
    """One point to fit: the median speedup at ``workers``, with its standard
    deviation (0 when unknown), and whether its timings are unstable."""

    workers: int
    speedup: float
    stdev: float = 0.0
    unstable: bool = False


@dataclass(frozen=True)
class AmdahlFit:
    serial_fraction: float
    #: the confidence interval (low, high) at :data:`CONFIDENCE`, clipped to
    #: [0, 1]; None when the points cannot bound it (no degree of freedom)
    ci: tuple[float, float] | None
    n_points: int
    #: the workers of fitted points whose timings were unstable
    unstable_workers: tuple[int, ...] = ()
    #: the interval's half width before clipping: ``f ± half_width``
    half_width: float | None = None

    def predict(self, n):
        return amdahl(n, self.serial_fraction)


@dataclass(frozen=True)
class USLFit:
    sigma: float
    kappa: float
    n_points: int
    unstable_workers: tuple[int, ...] = ()
    #: standard errors of sigma and kappa (None when not defined)
    sigma_se: float | None = None
    kappa_se: float | None = None

    @property
    def peak_workers(self) -> float | None:
        """Where the fitted curve peaks, ``sqrt((1 - σ) / κ)`` (None if κ = 0)."""
        if self.kappa <= 0:
            return None
        return math.sqrt(max(0.0, 1.0 - self.sigma) / self.kappa)

    def predict(self, n):
        return usl(n, self.sigma, self.kappa)


def _arrays(points: Sequence[FitPoint]):
    import numpy as np

    n = np.array([p.workers for p in points], dtype=float)
    s = np.array([p.speedup for p in points], dtype=float)
    floor = SPREAD_FLOOR * np.abs(s)
    sd = np.array([p.stdev for p in points], dtype=float)
    sd = np.where(np.isfinite(sd) & (sd > floor), sd, np.maximum(floor, 1e-9))
    return n, s, sd


def _usable(points: Sequence[FitPoint]) -> list[FitPoint]:
    return [p for p in points
            if p.workers >= 1 and p.speedup is not None and math.isfinite(p.speedup)
            and p.speedup > 0]


def _curve_fit(model, n, s, sd, p0, upper):
    import warnings

    from scipy.optimize import OptimizeWarning, curve_fit

    with warnings.catch_warnings():
        # too few points leave the covariance undefined: reported as None
        warnings.simplefilter("ignore", OptimizeWarning)
        return curve_fit(model, n, s, p0=p0, sigma=sd, absolute_sigma=False,
                         bounds=([0.0] * len(p0), upper))


def fit_amdahl(points: Sequence[FitPoint]) -> AmdahlFit | None:
    """The serial fraction that best explains ``points`` (None without a
    point at more than one worker: one worker says nothing about it).

    Give it the points within the usable cores: Amdahl's law assumes every
    worker has a core of its own."""
    points = _usable(points)
    if not any(p.workers > 1 for p in points):
        return None
    # Student's t quantile; scipy.special, loaded by scipy.optimize anyway
    # (scipy.stats would cost most of a second more to import)
    from scipy.special import stdtrit

    n, s, sd = _arrays(points)
    popt, pcov = _curve_fit(amdahl, n, s, sd, [0.1], [1.0])
    f = float(popt[0])
    dof = len(points) - 1
    var = float(pcov[0, 0]) if pcov.size else math.inf
    ci = half = None
    if dof >= 1 and math.isfinite(var) and var >= 0:
        half = float(stdtrit(dof, 0.5 + CONFIDENCE / 2)) * math.sqrt(var)
        ci = (max(0.0, f - half), min(1.0, f + half))
    return AmdahlFit(f, ci, len(points), tuple(p.workers for p in points if p.unstable), half)


def fit_usl(points: Sequence[FitPoint]) -> USLFit | None:
    """σ and κ that best explain ``points`` (None with fewer than two worker
    counts above one: two parameters need two informative points)."""
    points = _usable(points)
    if len({p.workers for p in points if p.workers > 1}) < 2:
        return None
    n, s, sd = _arrays(points)
    popt, pcov = _curve_fit(usl, n, s, sd, [0.05, 0.001], [1.0, 1.0])
    errors = [None, None]
    if len(points) > 2:
        for i in (0, 1):
            v = float(pcov[i, i])
            errors[i] = math.sqrt(v) if math.isfinite(v) and v >= 0 else None
    return USLFit(float(popt[0]), float(popt[1]), len(points),
                  tuple(p.workers for p in points if p.unstable), errors[0], errors[1])
