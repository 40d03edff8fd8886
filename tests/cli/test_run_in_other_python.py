"""``gcdapp-cli run --python`` and ``sweep --python``: real runs in pyenv's
3.12 and 3.13, as a user types them."""

from __future__ import annotations

import json
import platform
import sys

from gcdapp.core.presets import SEED_RESULTS
from tests.cli.test_cli import cli
from tests.other_pythons import other_python


def test_interpreters_and_serial_in_the_313_host_report_the_hosts_python():
    python = other_python("3.13")
    proc = cli("run", "--preset", "seed", "--mode", "serial,interpreters", "--python", "3.13",
               "--workers", "2", "--kernel", "euclid", "--json", "-")
    assert proc.returncode == 0, proc.stderr
    records = json.loads(proc.stdout)
    assert [r["mode"] for r in records] == ["serial", "interpreters"]
    for record in records:
        assert record["results"] == list(SEED_RESULTS)
        assert record["python"]["version"] == python.probe.version == "3.13.0"
        assert record["python"]["executable"] == python.probe.executable
        assert record["python"]["free_threaded_build"] is False
        assert record["python"]["gil_enabled"] is True
        assert record["python"]["label"] == "3.13.0"


def test_the_table_names_the_python_it_ran_in():
    python = other_python("3.12")
    proc = cli("run", "--preset", "seed", "--mode", "processes", "--python", python.path,
               "--workers", "2", "--kernel", "euclid")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == (
        f"preset seed: 10 pairs, kernel euclid, Python {python.probe.version}")


def test_interpreters_in_312_are_refused_with_the_probes_reason():
    other_python("3.12")
    proc = cli("run", "--preset", "seed", "--mode", "interpreters", "--python", "3.12")
    assert proc.returncode == 2
    assert "interpreters: Interpreters mode is unavailable: subinterpreters in Python 3.12" \
        in proc.stderr


def test_an_unknown_python_is_refused_by_name():
    proc = cli("run", "--preset", "seed", "--python", "2.5")
    assert proc.returncode == 2
    assert "no Python 2.5 found (found: " in proc.stderr


def test_without_python_a_run_reports_this_interpreter():
    proc = cli("run", "--preset", "seed", "--mode", "serial", "--kernel", "euclid",
               "--json", "-")
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    assert record["python"]["version"] == platform.python_version()
    assert record["python"]["executable"] == sys.executable


def test_a_sweep_runs_in_the_312_host():
    python = other_python("3.12")
    proc = cli("sweep", "--preset", "seed", "--mode", "threads", "--workers", "1,2",
               "--kernel", "euclid", "--python", "3.12", "--json", "-")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["status"] == "completed"
    assert python.probe.version


def test_a_sweep_refuses_a_python_it_cannot_find():
    proc = cli("sweep", "--preset", "seed", "--mode", "threads", "--workers", "1,2",
               "--python", "/no/such/python3")
    assert proc.returncode == 2
    assert "/no/such/python3: no such interpreter file" in proc.stderr
