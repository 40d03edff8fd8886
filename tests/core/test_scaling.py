"""The scaling laws and their fits, on synthetic data with known parameters."""

import math

import numpy as np
import pytest

from gcdapp.core.scaling import (
    FitPoint, amdahl, fit_amdahl, fit_usl, karp_flatt, usl,
)

WORKERS = (1, 2, 3, 4, 6, 8)


def noisy(model, params, rng, noise=0.02, workers=WORKERS):
    """Median-like points: the model times (1 + N(0, noise)), with that spread."""
    out = []
    for n in workers:
        true = model(n, *params)
        out.append(FitPoint(n, true * (1 + rng.normal(0, noise)), true * noise))
    return out


def test_the_laws_at_their_limits():
    assert amdahl(1, 0.3) == 1.0 and amdahl(4, 0.0) == 4.0
    assert amdahl(1e9, 0.25) == pytest.approx(4.0)  # 1 / f
    assert usl(1, 0.2, 0.1) == 1.0 and usl(5, 0.0, 0.0) == 5.0
    assert usl(3, 0.2, 0.0) == pytest.approx(amdahl(3, 0.2))  # κ = 0 is Amdahl


def test_karp_flatt_recovers_amdahls_serial_fraction():
    for f in (0.0, 0.05, 0.3):
        for n in (2, 4, 16):
            assert karp_flatt(amdahl(n, f), n) == pytest.approx(f, abs=1e-12)
    assert karp_flatt(1.0, 1) is None and karp_flatt(0.0, 4) is None


@pytest.mark.parametrize("f", [0.02, 0.05, 0.15, 0.4])
@pytest.mark.parametrize("seed", range(5))
def test_amdahl_fit_recovers_the_serial_fraction_within_two_points(f, seed):
    rng = np.random.default_rng(seed)
    fit = fit_amdahl(noisy(amdahl, (f,), rng))
    assert abs(fit.serial_fraction - f) <= 0.02
    lo, hi = fit.ci
    assert 0 <= lo <= fit.serial_fraction <= hi <= 1
    assert fit.n_points == len(WORKERS)


def test_the_interval_narrows_with_less_noise():
    f = 0.1
    wide = fit_amdahl(noisy(amdahl, (f,), np.random.default_rng(3), noise=0.05))
    narrow = fit_amdahl(noisy(amdahl, (f,), np.random.default_rng(3), noise=0.005))
    assert narrow.half_width < wide.half_width


@pytest.mark.parametrize("seed", range(5))
def test_usl_detects_kappa_when_speedup_falls(seed):
    rng = np.random.default_rng(seed)
    points = noisy(usl, (0.05, 0.04), rng)
    speedups = [p.speedup for p in points]
    assert speedups[-1] < max(speedups)  # the data really falls
    fit = fit_usl(points)
    assert fit.kappa > 0.01
    assert fit.kappa == pytest.approx(0.04, abs=0.015)
    assert 2 <= fit.peak_workers <= 8


def test_usl_finds_no_coherency_in_amdahl_data():
    rng = np.random.default_rng(7)
    fit = fit_usl(noisy(amdahl, (0.1,), rng, noise=0.01))
    assert fit.kappa < 0.005
    assert fit.sigma == pytest.approx(0.1, abs=0.03)


def test_fits_weight_points_by_their_spread():
    exact = [FitPoint(n, amdahl(n, 0.1), 0.01) for n in (1, 2, 3, 4)]
    # one wild point: trusted (small spread) it drags the fit; doubted, it barely moves it
    trusted = exact + [FitPoint(6, 1.5, 0.01)]
    doubted = exact + [FitPoint(6, 1.5, 2.0)]
    pulled = fit_amdahl(trusted).serial_fraction
    kept = fit_amdahl(doubted).serial_fraction
    assert abs(kept - 0.1) < 0.01 < abs(pulled - 0.1)


def test_parameters_stay_within_their_bounds():
    slower = [FitPoint(n, 0.8, 0.01) for n in (1, 2, 3, 4)]  # nothing pays
    assert fit_amdahl(slower).serial_fraction == pytest.approx(1.0)
    superlinear = [FitPoint(n, 1.2 * n, 0.01) for n in (1, 2, 3, 4)]
    usl_fit = fit_usl(superlinear)
    assert fit_amdahl(superlinear).serial_fraction == pytest.approx(0.0, abs=1e-6)
    assert usl_fit.sigma >= 0 and usl_fit.kappa >= 0


def test_too_few_points_give_no_fit_or_no_interval():
    assert fit_amdahl([FitPoint(1, 1.0)]) is None  # one worker says nothing
    one = fit_amdahl([FitPoint(2, amdahl(2, 0.2))])
    assert one.serial_fraction == pytest.approx(0.2, abs=1e-6) and one.ci is None
    assert fit_usl([FitPoint(1, 1.0), FitPoint(2, 1.8)]) is None
    assert fit_usl([FitPoint(2, 1.8), FitPoint(3, 2.4)]) is not None


def test_unstable_points_are_named_by_the_fit():
    points = [FitPoint(1, 1.0), FitPoint(2, 1.8, 0.1, unstable=True), FitPoint(3, 2.4)]
    assert fit_amdahl(points).unstable_workers == (2,)
    assert fit_usl(points).unstable_workers == (2,)


def test_one_repeat_points_without_spread_are_still_fitted():
    points = [FitPoint(n, amdahl(n, 0.07), 0.0) for n in (1, 2, 3, 4)]
    assert fit_amdahl(points).serial_fraction == pytest.approx(0.07, abs=1e-4)
    assert not math.isnan(fit_usl(points).sigma)


def test_scipy_and_pyperf_load_only_when_used():
    import subprocess
    import sys

    code = ("import sys, gcdapp.core.scaling, gcdapp.core.sweep, gcdapp.core.pyperf_io, "
            "gcdapp.cli.sweep; print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'scipy', 'pyperf'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
