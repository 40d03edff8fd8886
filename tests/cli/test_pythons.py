"""``gcdapp-cli pythons``: the table, the JSON, --add/--remove and the
backport offer, run as a real subprocess (settings and cache in the test
sandbox)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

from gcdapp.cli.pythons import COLUMNS
from tests.other_pythons import other_python, skip_or_fail

ROOT = Path(__file__).resolve().parents[2]


def cli(*args, env_extra=None):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "gcdapp.cli", "pythons", *args],
                          capture_output=True, text=True, timeout=240, env=env, cwd=ROOT)


def test_json_lists_the_running_interpreter_with_the_probe_fields():
    proc = cli("--json")
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout)
    running = found[0]
    assert "running" in running["sources"]
    assert running["path"] == sys.executable
    assert running["version"] == ".".join(map(str, sys.version_info[:3]))
    for key in ("implementation", "free_threaded_build", "gil_enabled", "numba", "label",
                "usable", "unusable_reason", "subinterpreters", "executable"):
        assert key in running
    assert set(running["subinterpreters"]) == {"usable", "source", "reason", "missing"}


def test_table_shows_the_pyenv_pythons_and_the_312_verdict():
    py312 = other_python("3.12")
    py313 = other_python("3.13")
    proc = cli()
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["path", "version", "label", "free-threaded", "GIL",
                                "subinterpreters", "numba"] == list(COLUMNS)
    assert set(lines[1]) <= {"─", " "}
    row312 = next(line for line in lines if line.startswith(py312.path + " "))
    row313 = next(line for line in lines if line.startswith(py313.path + " "))
    assert py312.probe.version in row312 and py313.probe.version in row313
    assert "usable" not in row312.replace("unusable", "")
    note312 = next(line for line in lines if line.startswith(py312.path + ": subinterpreters"))
    assert "unusable (" in note312
    assert (f"{sys.executable} (running)") in proc.stdout


def _wrapper(tmp_path) -> str:
    path = tmp_path / "my-python"
    path.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_add_and_remove_a_path(tmp_path):
    config = {"XDG_CONFIG_HOME": str(tmp_path / "config")}
    mine = _wrapper(tmp_path)
    added = cli("--add", mine, "--json", env_extra=config)
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith(f"added {mine}\n")
    listed = json.loads(added.stdout.split("\n", 1)[1])
    entry = next(i for i in listed if i["path"] == mine)
    assert entry["sources"] == ["user"] and entry["usable"]
    removed = cli("--remove", mine, env_extra=config)
    assert removed.returncode == 0 and removed.stdout == f"removed {mine}\n"
    again = cli("--remove", mine, env_extra=config)
    assert again.returncode == 2 and "was not added with --add" in again.stderr


def test_add_refuses_what_is_not_an_interpreter_file(tmp_path):
    proc = cli("--add", str(tmp_path / "nothing"),
               env_extra={"XDG_CONFIG_HOME": str(tmp_path / "config")})
    assert proc.returncode == 2
    assert proc.stderr == f"gcdapp-cli pythons: {tmp_path / 'nothing'}: no such file\n"
    assert not (tmp_path / "config").exists()


def test_install_backport_refusals():
    too_old = cli("--install-backport", sys.executable)
    if sys.version_info < (3, 12):
        assert too_old.returncode == 1
        assert "no subinterpreter backport exists for Python" in too_old.stderr
    missing = cli("--install-backport", "3.80t")
    assert missing.returncode == 2
    assert missing.stderr.startswith("gcdapp-cli pythons: no Python 3.80t found (found: ")


def test_install_backport_for_313_then_it_lists_usable(tmp_path):
    py313 = other_python("3.13")
    cache = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    proc = cli("--install-backport", "3.13", env_extra=cache)
    if "pip failed" in proc.stderr:
        skip_or_fail(f"pip could not install the backport here: {proc.stderr.strip()}")
    assert proc.returncode == 0, proc.stderr
    assert "subinterpreters usable (backport)" in proc.stdout
    listed = {i["path"]: i for i in json.loads(cli("--json", env_extra=cache).stdout)}
    assert listed[py313.path]["subinterpreters"]["usable"] is True
    assert (tmp_path / "cache" / "gcdapp" / "backports").is_dir()
