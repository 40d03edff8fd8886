"""A sweep's points from its measured runs, the fits, the sentence and JSON."""

import json

import pytest

from gcdapp.core.events import RunInfo
from gcdapp.core.scaling import amdahl, usl
from gcdapp.core.sweep_result import BASELINE, Measurement, build_result, make_points


def info(workers):
    mode = "serial" if workers == BASELINE else "processes"
    return RunInfo(mode, "bruteforce", max(1, workers), 1, None, 10, 10)


def measurements(speedup_of, workers=(1, 2, 3, 4), rounds=3, base=1.0, drift=(1.0, 1.3, 0.8)):
    """Each round's runs slowed alike by that round's drift."""
    out = []
    for r in range(rounds):
        out.append(Measurement(BASELINE, r, info(BASELINE), base * drift[r]))
        for n in workers:
            out.append(Measurement(n, r, info(n), base * drift[r] / speedup_of(n)))
    return out


def result(ms, cores=2, status="completed"):
    return build_result(mode="processes", kernel="bruteforce", n_pairs=10, cores=cores,
                        repeats=3, status=status, measurements=ms, order_seed=5)


def test_speedups_pair_each_point_with_its_rounds_baseline():
    # the drift of ±30 % between rounds cancels in the paired ratio
    base, points = make_points(measurements(lambda n: amdahl(n, 0.1)), cores=2)
    assert base.values == (1.0, 1.3, 0.8)
    assert [p.workers for p in points] == [1, 2, 3, 4]
    for p in points:
        assert p.speedup == pytest.approx(amdahl(p.workers, 0.1))
        assert p.speedups.stdev == pytest.approx(0, abs=1e-12)
        assert p.walls.n == 3 and not p.unstable  # the walls drift; the speedups do not
    assert [p.oversubscribed for p in points] == [False, False, True, True]
    assert points[1].karp_flatt == pytest.approx(0.1)


def test_a_point_without_its_rounds_baseline_waits_for_it():
    ms = [Measurement(2, 0, info(2), 0.5), Measurement(BASELINE, 1, info(BASELINE), 1.0),
          Measurement(2, 1, info(2), 0.4)]
    _, (point,) = make_points(ms, cores=2)
    assert point.speedups.values == (2.5,)
    _, (alone,) = make_points(ms[:1], cores=2)
    assert alone.speedups is None and alone.speedup is None


def test_unstable_points_are_flagged_and_the_sentence_says_so():
    ms = measurements(lambda n: amdahl(n, 0.05))
    ms = [m if not (m.workers == 2 and m.round == 1) else
          Measurement(2, 1, m.info, m.wall_s * 3) for m in ms]  # one wild run at 2 workers
    r = result(ms)
    assert [p.workers for p in r.points if p.unstable] == [2]
    assert "standard deviation" in r.points[1].instability[0]
    assert "×" in r.points[1].instability[0]  # speedups, not seconds
    assert r.amdahl.unstable_workers == (2,)
    assert "Timings at 2 workers are unstable by pyperf's rules: the fit is less certain." \
        in r.finding()


def test_the_sentence_for_a_curve_that_falls_beyond_the_cores():
    # peaks at 2 workers on 2 cores, then falls
    r = result(measurements(lambda n: {1: 0.98, 2: 1.92, 3: 1.7, 4: 1.5}[n]))
    text = r.finding()
    assert text.startswith(f"Serial fraction {100 * r.amdahl.serial_fraction:.0f} % (")
    assert "Beyond 2 workers, speedup falls: this machine has 2 cores." in text
    assert r.usl.kappa > 0


def test_the_sentence_for_growth_flat_and_no_gain():
    grows = result(measurements(lambda n: amdahl(n, 0.05)), cores=8)
    assert "Speedup still grows at 4 workers" in grows.finding()
    flat = result(measurements(lambda n: min(n, 2) * 0.95))
    assert "Beyond 2 workers, speedup stays flat at about 1.90×: this machine has 2 cores." \
        in flat.finding()
    loses = result(measurements(lambda n: 0.7))
    assert "No worker count beats serial" in loses.finding()
    cut = result(measurements(lambda n: amdahl(n, 0.05), rounds=1, drift=(1,)),
                 status="cancelled")
    assert cut.finding().endswith("The sweep was cancelled before its last round.")
    assert result([]).finding() == "No point measured yet."


def test_json_has_the_issue_shape():
    r = result(measurements(lambda n: usl(n, 0.05, 0.05)))
    data = json.loads(json.dumps(r.to_json()))
    assert data["mode"] == "processes"
    for p in data["points"]:
        for key in ("workers", "speedup_median", "speedup_min", "speedup_max", "unstable",
                    "oversubscribed", "karp_flatt"):
            assert key in p
        assert p["speedup_min"] <= p["speedup_median"] <= p["speedup_max"]
        assert len(p["wall_s"]["values"]) == 3
    assert set(data["amdahl"]) >= {"serial_fraction", "ci"}
    lo, hi = data["amdahl"]["ci"]
    assert lo <= data["amdahl"]["serial_fraction"] <= hi
    assert set(data["usl"]) >= {"sigma", "kappa"}
    assert data["baseline"]["wall_s"]["median"] == 1.0
    assert data["order_seed"] == 5 and data["finding"] == r.finding()


def test_no_fit_is_null_in_json():
    r = result(measurements(lambda n: 1.0, workers=(1,)))
    data = r.to_json()
    assert data["amdahl"] is None and data["usl"] is None


def test_without_scipy_the_points_stay_and_the_fits_say_why(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "scipy", None)  # import scipy raises ImportError
    monkeypatch.setitem(sys.modules, "scipy.optimize", None)
    monkeypatch.setitem(sys.modules, "scipy.stats", None)
    r = result(measurements(lambda n: amdahl(n, 0.1)))
    assert len(r.points) == 4 and r.amdahl is None and r.usl is None
    assert r.fit_error.startswith("no fits: they need scipy")
    assert "No fits: they need scipy" in r.finding()
    assert r.to_json()["fit_error"] == r.fit_error
