"""``gcdapp-cli leverage``, run as a real subprocess the way a user runs it."""

import json
import subprocess
import sys


def cli(*args):
    return subprocess.run([sys.executable, "-m", "gcdapp.cli", *args],
                          capture_output=True, text=True, timeout=240)


def test_a_map_prints_the_grid_and_writes_json(tmp_path):
    out = tmp_path / "map.json"
    proc = cli("leverage", "--digits", "3,20", "--chunksize", "10,100", "--kernel",
               "bruteforce,builtin", "--repeat", "1", "--json", str(out))
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert text.startswith("leverage map: processes ×")
    assert "bruteforce: speedup of processes" in text and "builtin: speedup of processes" in text
    grid = [line for line in text.splitlines() if line.startswith("20 digits")]
    assert grid[0].split()[2:] == ["skipped", "skipped"]  # brute force: 20 digits
    data = json.loads(out.read_text())
    assert len(data["cells"]) == 8 and data["status"] == "completed"
    for cell in data["cells"]:
        assert {"digits", "chunksize", "kernel", "speedup", "compute_s", "transfer_s"} <= set(cell)
    measured = [c for c in data["cells"] if c["skipped"] is None]
    assert len(measured) == 6 and all(c["speedup"] > 0 for c in measured)
    assert text.rstrip().splitlines()[-1] == data["finding"]


def test_json_to_stdout_is_only_json():
    proc = cli("leverage", "--digits", "3", "--chunksize", "100", "--kernel", "builtin",
               "--mode", "threads", "--json", "-")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["mode"] == "threads" and [c["chunksize"] for c in data["cells"]] == [100]


def test_bad_values_get_clear_messages():
    proc = cli("leverage", "--mode", "serial", "--kernel", "nope")
    assert proc.returncode == 2
    assert "serial is the baseline" in proc.stderr and "unknown kernel 'nope'" in proc.stderr
    proc = cli("leverage", "--chunksize", "1,x")
    assert proc.returncode == 2 and "chunk size 'x'" in proc.stderr
