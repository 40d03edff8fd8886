"""The CLI, run as a real subprocess the way a user runs it."""

import json
import subprocess
import sys

import pytest

from gcdapp.core.presets import SEED_NUMBERS, SEED_RESULTS


def cli(*args, stdin=None, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "gcdapp.cli", *args],
        input=stdin, capture_output=True, text=True, timeout=240, cwd=cwd,
    )


def test_seed_preset_in_three_modes_reports_speedup_and_json(tmp_path):
    out = tmp_path / "runs.json"
    proc = cli("run", "--preset", "seed", "--mode", "serial,threads,processes",
               "--workers", "2", "--kernel", "euclid", "--repeat", "2", "--json", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "speedup" in proc.stdout and "1.00×" in proc.stdout
    records = json.loads(out.read_text())
    assert [r["mode"] for r in records] == ["serial", "threads", "processes"]
    for record in records:
        for key in ("mode", "workers", "kernel", "chunksize", "n_pairs", "results",
                    "wall_s", "runs", "startup_s"):
            assert key in record
        assert record["results"] == list(SEED_RESULTS)
        assert len(record["runs"]) == 2
        assert record["wall_s"] == pytest.approx(sorted(record["runs"])[0] / 2 + sorted(record["runs"])[1] / 2)
        assert record["n_pairs"] == 10 and record["kernel"] == "euclid"
    assert records[0]["speedup"] == 1.0
    # why: each mode's breakdown (its median repeat's, summed over tasks)
    keys = {"compute_s", "wait_s", "queue_s", "transfer_s", "pickle_s", "unpickle_s",
            "startup_s", "shutdown_s", "bytes_in", "bytes_out"}
    for record in records:
        b = record["breakdown"]
        assert set(b) == keys
        assert all(v >= 0 for v in b.values()) and b["compute_s"] > 0
        assert 0 <= record["wait_share"] <= 1
        assert b["startup_s"] in record["startup_runs"]
    serial, threads, processes = (r["breakdown"] for r in records)
    assert serial["bytes_in"] == threads["bytes_in"] == 0 and serial["pickle_s"] == 0
    assert processes["bytes_in"] > 0 and processes["bytes_out"] > 0
    assert processes["pickle_s"] > 0 and processes["unpickle_s"] > 0
    # the pool's start-up and shutdown, per run; per worker where it is known
    for record in records:
        assert len(record["shutdown_runs"]) == 2 and all(s >= 0 for s in record["shutdown_runs"])
        assert record["shutdown_s"] == pytest.approx(sorted(record["shutdown_runs"])[0] / 2
                                                     + sorted(record["shutdown_runs"])[1] / 2)
        assert len(record["lane_startup_runs"]) == 2
    processes = records[2]
    assert processes["shutdown_s"] > 0
    for lanes in processes["lane_startup_runs"]:
        assert 1 <= len(lanes) <= 2 and all(0 < s <= max(processes["runs"]) for s in lanes)
    assert all(s is None for lanes in records[1]["lane_startup_runs"] for s in lanes)


def test_one_mode_writes_one_object_to_stdout():
    proc = cli("run", "--preset", "seed", "--mode", "threads", "--chunksize", "1",
               "--kernel", "bruteforce", "--json", "-")
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    assert record["mode"] == "threads" and record["chunksize"] == 1
    assert record["results"] == list(SEED_RESULTS)


def test_reads_a_file_and_stdin(tmp_path):
    path = tmp_path / "pairs.csv"
    path.write_text("a,b\n12,18\n7,21\n")
    proc = cli("run", str(path), "--mode", "serial", "--kernel", "euclid", "--json", "-")
    assert json.loads(proc.stdout)["results"] == [6, 7]
    block = "NUMBERS = [\n" + "".join(f"    ({a}, {b}),\n" for a, b in SEED_NUMBERS) + "]\n"
    proc = cli("run", "-", "--mode", "serial", "--kernel", "builtin", "--json", "-", stdin=block)
    assert json.loads(proc.stdout)["results"] == list(SEED_RESULTS)


def test_generate_is_reproducible():
    args = ("run", "--generate", "50", "--digits", "6", "--seed", "9", "--mode", "serial",
            "--kernel", "euclid", "--json", "-")
    first, second = cli(*args), cli(*args)
    assert json.loads(first.stdout)["results"] == json.loads(second.stdout)["results"]
    assert json.loads(first.stdout)["n_pairs"] == 50


def test_bad_input_exits_2_with_line_numbers_and_no_results(tmp_path):
    proc = cli("run", "-", "--mode", "serial", "--json", "-", stdin="1,2\n3,x\n4 5 6\n")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "line 2: 'x' is not an integer" in proc.stderr
    assert "line 3: expected 2 integers, found 3" in proc.stderr


def test_domain_errors_exit_2():
    proc = cli("run", "-", "--mode", "serial", "--kernel", "bruteforce", stdin="0,4\n3,9\n")
    assert proc.returncode == 2
    assert "pair 1 (0, 4): bruteforce needs a ≥ 1 and b ≥ 1" in proc.stderr


def test_missing_file_and_bad_options_exit_2(tmp_path):
    proc = cli("run", str(tmp_path / "nope.csv"))
    assert proc.returncode == 2 and "nope.csv" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert cli("run", "--preset", "seed", "--mode", "gpu").returncode == 2
    assert cli("run", "--preset", "seed", "--chunksize", "0").returncode == 2


def test_a_failed_run_exits_1_with_a_message_not_a_traceback(tmp_path):
    # A worker that is killed mid-run: the pool breaks, the CLI explains.
    script = tmp_path / "kill.py"
    script.write_text(
        "import sys\n"
        "sys.path.insert(0, %r)\n"
        "from gcdapp.cli.main import main\n"
        "import gcdapp.core.kernels as k, tests.core.faulty_kernels as f\n"
        "k.KERNELS['euclid'] = f.DIES\n"
        "if __name__ == '__main__':\n"
        "    sys.exit(main(['run', '-', '--mode', 'processes', '--kernel', 'euclid',"
        " '--chunksize', '1', '--workers', '2']))\n" % str(__import__('pathlib').Path(__file__).resolve().parents[2])
    )
    proc = subprocess.run([sys.executable, str(script)], input="4,6\n13,5\n8,12\n",
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert "processes run failed" in proc.stderr and "exit code 3" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_console_script_is_installed():
    import shutil

    exe = shutil.which("gcdapp-cli", path=str(__import__("pathlib").Path(sys.executable).parent))
    assert exe, "gcdapp-cli is not installed beside this Python"
    proc = subprocess.run([exe, "run", "--preset", "seed", "--mode", "serial", "--kernel",
                           "builtin", "--json", "-"], capture_output=True, text=True, timeout=60)
    assert json.loads(proc.stdout)["results"] == list(SEED_RESULTS)


@pytest.mark.timeout(120)
def test_a_named_pipe_as_input_is_refused_not_waited_on(tmp_path):
    import os

    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    proc = cli("run", str(pipe), "--mode", "serial", "--kernel", "euclid")
    assert proc.returncode == 2
    assert ("pipe.csv is not a regular file (it is a named pipe); gcdapp opens only files"
            in proc.stderr)
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_repeats_report_their_spread_and_whether_to_trust_them(tmp_path):
    out = tmp_path / "r.json"
    proc = cli("run", "--preset", "seed", "--mode", "serial,threads", "--kernel", "euclid",
               "--repeat", "3", "--warm-up", "--no-interleave", "--json", str(out))
    assert proc.returncode == 0, proc.stderr
    records = json.loads(out.read_text())
    for record in records:
        assert len(record["runs"]) == 3  # the warm-up is not among them
        assert record["min_s"] <= record["wall_s"] <= record["max_s"]
        assert record["stdev_s"] >= 0 and record["mean_s"] > 0
        assert isinstance(record["unstable"], bool)
        assert record["unstable"] == bool(record["instability"])
        warning = f"warning: {record['mode']} is unstable over 3 runs"
        assert (warning in proc.stdout) == record["unstable"]
    assert "± (sd)" in proc.stdout


def test_json_and_the_table_carry_the_findings_and_the_bound(tmp_path):
    out = tmp_path / "f.json"
    proc = cli("run", "--preset", "seed", "--mode", "serial,threads", "--workers", "2",
               "--kernel", "euclid", "--json", str(out))
    assert proc.returncode == 0, proc.stderr
    serial, threads = json.loads(out.read_text())
    for record in (serial, threads):
        assert isinstance(record["bound_speedup"], float) and record["bound_speedup"] > 0
        assert record["findings"] and all(isinstance(t, str) and t for t in record["findings"])
        assert record["findings"][-1].startswith("Recommendation: ")
    assert serial["findings"][0].startswith("Serial: ")
    from gcdapp.core.findings import times

    assert threads["findings"][0].startswith(
        f"Threads ×2: {times(threads['speedup'])} serial, of a possible "
        f"{times(threads['bound_speedup'])}.")
    # under the table: the comparison of the modes, one line each
    lines = proc.stdout.splitlines()
    at = lines.index("findings:")
    assert lines.index(next(l for l in lines if l.startswith("threads "))) < at
    assert lines[at + 1].startswith("- Serial: ") and lines[at + 2].startswith("- Threads ×2: ")
    assert any(line.startswith("- Recommendation: ") for line in lines[at:])
    # alone, threads have no serial reference: no bound, and the findings say so
    proc = cli("run", "--preset", "seed", "--mode", "threads", "--kernel", "euclid", "--json", "-")
    record = json.loads(proc.stdout)
    assert record["bound_speedup"] is None
    assert "No serial run of these pairs" in record["findings"][0]
