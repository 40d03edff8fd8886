"""``gcdapp-cli sweep``, run as a real subprocess the way a user runs it."""

import json
import subprocess
import sys

import pytest

from gcdapp.cli.main import build_parser


def cli(*args):
    return subprocess.run([sys.executable, "-m", "gcdapp.cli", *args],
                          capture_output=True, text=True, timeout=240)


def test_a_sweep_prints_the_table_the_fits_and_a_finding(tmp_path):
    out, perf = tmp_path / "sweep.json", tmp_path / "sweep.pyperf.json"
    proc = cli("sweep", "--preset", "seed", "--mode", "threads", "--kernel", "euclid",
               "--workers", "1-3", "--repeat", "2", "--order-seed", "9",
               "--json", str(out), "--pyperf", str(perf))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("preset seed: 10 pairs, kernel euclid, threads against serial")
    assert lines[1].split()[:3] == ["workers", "wall", "(median)"]
    assert lines[3].startswith("serial") and "baseline" in lines[3]
    assert [line.split()[0] for line in lines[4:7]] == ["1", "2", "3"]
    assert any(line.startswith("Amdahl (points within") for line in lines)
    assert any(line.startswith("USL (every point): σ = ") for line in lines)
    data = json.loads(out.read_text())
    assert lines[-1] == data["finding"]
    assert data["mode"] == "threads" and data["order_seed"] == 9 and data["status"] == "completed"
    assert [p["workers"] for p in data["points"]] == [1, 2, 3]
    for p in data["points"]:
        assert {"workers", "speedup_median", "speedup_min", "speedup_max", "unstable"} <= set(p)
    assert {"serial_fraction", "ci"} <= set(data["amdahl"])
    assert {"sigma", "kappa"} <= set(data["usl"])
    stats = subprocess.run([sys.executable, "-m", "pyperf", "stats", str(perf)],
                           capture_output=True, text=True, timeout=120)
    assert stats.returncode == 0, stats.stderr
    assert "Number of benchmarks: 4" in stats.stdout


def test_json_to_stdout_is_only_json():
    proc = cli("sweep", "--preset", "seed", "--mode", "threads", "--kernel", "builtin",
               "--workers", "1,2", "--json", "-")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert [p["workers"] for p in data["points"]] == [1, 2]
    assert data["repeats"] == 1 and data["usl"] is None  # one count above 1: no USL


@pytest.mark.parametrize("args, message", [
    (["--mode", "serial"], "serial mode always uses one worker"),
    (["--mode", "threads,processes"], "a sweep takes one mode, got threads, processes"),
    (["--workers", "0,2"], "worker count '0': must be ≥ 1"),
    (["--workers", "3-1"], "worker range '3-1' is empty"),
    (["--workers", "1-999"], "at most 256 workers"),
    (["--workers", ","], "no worker counts"),
    (["--kernel", "nope"], "unknown kernel 'nope'"),
])
def test_bad_settings_are_refused_before_anything_runs(args, message):
    proc = cli("sweep", "--preset", "seed", *args)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert proc.stdout == ""


def test_bad_input_lines_are_listed(tmp_path):
    path = tmp_path / "pairs.txt"
    path.write_text("12 18\nabc 5\n")
    proc = cli("sweep", str(path), "--mode", "threads", "--workers", "1,2")
    assert proc.returncode == 2
    assert "line 2" in proc.stderr and "nothing was run" in proc.stderr


def test_the_sweep_takes_the_schemas_common_flags_and_its_own_workers_list():
    args = build_parser().parse_args(["sweep", "--preset", "seed", "--workers", "1-3,6",
                                      "--chunksize", "5", "--repeat", "4", "--warm-up"])
    assert args.workers == [1, 2, 3, 6]
    assert (args.chunksize, args.repeats, args.warm_up, args.interleave) == (5, 4, True, True)
    assert build_parser().parse_args(["sweep", "--preset", "seed"]).workers is None


def test_ctrl_c_prints_the_points_so_far_and_exits_130(tmp_path):
    import signal
    import time

    path = tmp_path / "heavy.txt"
    path.write_text("1999993 2000003\n" * 12)  # about 1 s of brute force per serial run
    proc = subprocess.Popen(
        [sys.executable, "-m", "gcdapp.cli", "sweep", str(path), "--mode", "processes",
         "--workers", "1,2", "--repeat", "30", "--json", str(tmp_path / "s.json")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(6)  # long enough for a few runs; the whole sweep takes minutes
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "interrupted; the points measured so far follow" in err
    assert "workers  wall (median)" in out
    data = json.loads((tmp_path / "s.json").read_text())
    assert data["status"] == "cancelled"
