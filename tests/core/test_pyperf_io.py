"""pyperf export, checked with pyperf's own command line, and import back."""

import json
import subprocess
import sys

import pytest

from gcdapp.core.engine import run_pairs
from gcdapp.core.events import RunSpec
from gcdapp.core.presets import SEED_NUMBERS
from gcdapp.core.pyperf_io import (
    MARKER, PyperfError, leverage_groups, parse_pyperf, pyperf_text, read_pyperf, run_groups,
    sweep_groups, write_pyperf,
)
from gcdapp.core.run_settings import RunSettings
from gcdapp.core.sweep import Sweep
from gcdapp.core.sweep_result import BASELINE

pyperf = pytest.importorskip("pyperf")


def pyperf_cli(*args):
    return subprocess.run([sys.executable, "-m", "pyperf", *args], capture_output=True,
                          text=True, timeout=120)


def some_runs(repeats=3):
    specs = [RunSpec(mode=m, kernel="euclid", workers=2) for m in ("serial", "threads")]
    return [run_pairs(SEED_NUMBERS, spec) for _ in range(repeats) for spec in specs]


def test_runs_export_passes_pyperf_stats_and_compare_to(tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    write_pyperf(a, run_groups(some_runs(), "f1"))
    write_pyperf(b, run_groups(some_runs(), "f1"))
    stats = pyperf_cli("stats", str(a))
    assert stats.returncode == 0, stats.stderr
    assert "Number of benchmarks: 2" in stats.stdout
    assert "serial" in stats.stdout and "threads ×2" in stats.stdout
    assert "Total number of run: 3" in stats.stdout
    compare = pyperf_cli("compare_to", str(a), str(b))
    assert compare.returncode == 0, compare.stderr
    assert "Geometric mean" in compare.stdout or "Mean +- std dev" in compare.stdout
    shown = pyperf_cli("show", "--metadata", str(a))
    assert shown.returncode == 0, shown.stderr
    for key in ("python_version", "cpu_count", "platform", "kernel: euclid", "workers: 2",
                "chunksize", MARKER):
        assert key in shown.stdout


def test_a_sweep_exports_one_benchmark_per_point_and_the_baseline(tmp_path):
    sweep = Sweep(SEED_NUMBERS, RunSettings().with_values(mode="threads", kernel="euclid",
                                                          repeats=2), (1, 2), order_seed=4)
    result = sweep.execute()
    path = tmp_path / "sweep.json"
    write_pyperf(path, sweep_groups(result, "fp"))
    suite = pyperf.BenchmarkSuite.load(str(path))
    assert suite.get_benchmark_names() == ["serial", "threads ×1", "threads ×2"]
    for bench in suite:
        assert len(bench.get_values()) == 2
    stats = pyperf_cli("stats", str(path))
    assert stats.returncode == 0, stats.stderr
    runs = read_pyperf(path)
    assert len(runs) == 6
    walls = sorted(r.wall_s for r in runs)
    assert walls == sorted(m.wall_s for m in result.measurements)
    assert {r.sweep_round for r in runs} == {1, 2}
    point = next(r for r in runs if r.benchmark == "threads ×2")
    assert point.info.workers == 2 and point.fingerprint == "fp"
    assert sum(m.workers == BASELINE for m in result.measurements) == 2


def test_import_gives_the_runs_back(tmp_path):
    results = some_runs(2)
    path = tmp_path / "runs.json"
    write_pyperf(path, run_groups(results, "abc"))
    back = read_pyperf(path)
    by_mode = sorted(results, key=lambda r: r.info.mode)
    assert [r.info for r in sorted(back, key=lambda r: r.info.mode)] == [r.info for r in by_mode]
    for mine, theirs in zip(sorted(back, key=lambda r: (r.info.mode, r.wall_s)),
                            sorted(results, key=lambda r: (r.info.mode, r.wall_s))):
        assert mine.wall_s == theirs.wall_s
        assert mine.startup_s == theirs.startup_s and mine.shutdown_s == theirs.shutdown_s
        result = mine.to_result()
        assert result.status == "completed" and result.wall_s == theirs.wall_s
        assert len(result.results) == 10 and result.n_done == 0 and len(result.tasks) == 0


def test_groups_that_share_a_name_say_what_differs():
    runs = [run_pairs(SEED_NUMBERS, RunSpec(mode="serial", kernel=k)) for k in ("euclid",
                                                                                  "builtin")]
    names = [g.name for g in run_groups(runs)]
    assert names[0] != names[1] and all(n.startswith("serial [") for n in names)


def test_foreign_and_broken_files_are_refused_with_reasons(tmp_path):
    with pytest.raises(PyperfError, match="not a pyperf JSON file"):
        parse_pyperf(b"{not json", "x.json")
    with pytest.raises(PyperfError, match="not UTF-8"):
        parse_pyperf(b"\xff\xfe", "x.json")
    with pytest.raises(PyperfError, match="not a pyperf JSON file"):
        parse_pyperf(b'{"hello": 1}', "x.json")
    foreign = pyperf.Benchmark([pyperf.Run([0.5], metadata={"name": "theirs"},
                                           collect_metadata=False)])
    path = tmp_path / "foreign.json"
    foreign.dump(str(path))
    with pytest.raises(PyperfError, match="benchmark 'theirs', run 1: not written by gcdapp"):
        read_pyperf(path)
    # a gcdapp file with a field spoiled
    good = json.loads(pyperf_text(run_groups(some_runs(1))))
    good["benchmarks"][0]["metadata"]["workers"] = "two"
    with pytest.raises(PyperfError, match="metadata 'workers' should be a positive int"):
        parse_pyperf(json.dumps(good), "spoiled.json")
    with pytest.raises(PyperfError, match="cannot read"):
        read_pyperf(tmp_path / "missing.json")
    with pytest.raises(PyperfError, match="nothing to export"):
        pyperf_text([])


def test_a_leverage_map_exports_serial_and_the_mode_per_measured_cell(tmp_path):
    from gcdapp.core.leverage import LeverageMap

    result = LeverageMap((3,), (1, 10), ("builtin", "bruteforce"), "threads", rounds=2,
                         ).execute()
    path = tmp_path / "map.json"
    write_pyperf(path, leverage_groups(result))
    suite = pyperf.BenchmarkSuite.load(str(path))
    names = suite.get_benchmark_names()
    assert len(names) == 2 * len(result.measured) == 8
    assert "serial [builtin, 3 digits, chunk 10]" in names
    assert f"threads ×{result.workers} [bruteforce, 3 digits, chunk 1]" in names
    cell = result.cell("builtin", 3, 10)
    bench = suite.get_benchmark(f"threads ×{result.workers} [builtin, 3 digits, chunk 10]")
    assert sorted(bench.get_values()) == sorted(cell.mode_s.values)
    stats = pyperf_cli("stats", str(path))
    assert stats.returncode == 0, stats.stderr
