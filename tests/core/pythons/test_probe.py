"""The probe: its parsing (including a free-threaded build's answer), real
probes of this and other interpreters, and interpreters that misbehave —
real executables that print garbage, hang, crash or fail."""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import stat
import subprocess
import sys
import sysconfig

import pytest

from gcdapp.core.pythons import backport, probe_script
from gcdapp.core.pythons.label import label
from gcdapp.core.pythons.probe import (
    ProbeOutputError, ProbeResult, Subinterpreters, parse_facts, parse_probe_output, probe,
)
from tests.other_pythons import free_threaded_python, other_python

# What a free-threaded 3.14 build prints (the shape probe_script.facts() gives).
FREE_THREADED_ANSWER = probe_script.MARKER + json.dumps({
    "version": "3.14.2", "version_info": [3, 14, 2], "implementation": "cpython",
    "executable": "/opt/py314t/bin/python3.14t", "prefix": "/opt/py314t",
    "base_prefix": "/opt/py314t", "free_threaded_build": True, "gil_enabled": False,
    "ext_suffix": ".cpython-314t-x86_64-linux-gnu.so", "numba": False, "pip": True,
})


def script(tmp_path, name: str, body: str) -> str:
    path = tmp_path / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_parse_free_threaded_answer():
    facts = parse_facts("some warning a site hook printed\n" + FREE_THREADED_ANSWER + "\n")
    assert facts["version_info"] == (3, 14, 2)
    assert facts["free_threaded_build"] is True
    assert facts["gil_enabled"] is False
    result = ProbeResult(path="/opt/py314t/bin/python3.14t",
                         subinterpreters=Subinterpreters(True, "stdlib"), **facts)
    assert result.usable
    assert label(result) == "3.14.2t free-threaded, GIL off"
    again = ProbeResult.from_json(json.loads(json.dumps(result.to_json())))
    assert again == result


@pytest.mark.parametrize("stdout, message", [
    ("", "printed no probe answer (got 'nothing')"),
    ("Python 3.13.0\n", "printed no probe answer (got 'Python 3.13.0')"),
    (probe_script.MARKER + "{not json\n", "printed a damaged probe answer"),
    (probe_script.MARKER + "[1, 2]\n", "not an object"),
    (FREE_THREADED_ANSWER + "\n" + FREE_THREADED_ANSWER + "\n", "printed no probe answer"),
])
def test_garbage_is_refused_with_the_reason(stdout, message):
    with pytest.raises(ProbeOutputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_facts(stdout)


@pytest.mark.parametrize("field, value", [
    ("version_info", [3, 14]), ("version_info", [3, "14", 2]), ("gil_enabled", 0),
    ("free_threaded_build", "yes"), ("version", None), ("numba", 1),
])
def test_a_bad_field_is_named(field, value):
    data = json.loads(FREE_THREADED_ANSWER[len(probe_script.MARKER):])
    data[field] = value
    with pytest.raises(ProbeOutputError, match=f"bad field '{field}'"):
        parse_facts(probe_script.MARKER + json.dumps(data))


def test_parse_probe_output_returns_the_object():
    assert parse_probe_output(probe_script.MARKER + '{"ok": true}')["ok"] is True


def test_probe_of_the_running_interpreter_matches_what_it_says_itself():
    result = probe(sys.executable)
    assert result.ok, result.error
    assert result.version == platform.python_version()
    assert result.version_info == tuple(sys.version_info[:3])
    assert result.implementation == sys.implementation.name
    assert result.free_threaded_build == bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
    assert result.ext_suffix == sysconfig.get_config_var("EXT_SUFFIX")
    assert result.numba == (importlib.util.find_spec("numba") is not None)
    assert result.prefix == sys.prefix
    assert result.usable and result.unusable_reason is None
    if sys.version_info < (3, 12):
        assert not result.subinterpreters.usable
        assert "needs Python 3.12 or newer" in result.subinterpreters.reason


def test_garbage_printing_interpreter_is_a_failed_probe(tmp_path):
    result = probe(script(tmp_path, "python3.99", "echo 'hello from a fake'"))
    assert result.error == "printed no probe answer (got 'hello from a fake')"
    assert not result.usable
    assert result.unusable_reason.startswith("probe failed: printed no probe answer")
    assert label(result) == "unknown (probe failed)"


def test_hanging_interpreter_times_out(tmp_path):
    result = probe(script(tmp_path, "python3.98", "exec sleep 30"), facts_timeout=0.5)
    assert result.error == "timed out after 0.5 s"


def test_crashing_interpreter_is_reported_with_its_signal(tmp_path):
    result = probe(script(tmp_path, "python3.97", "kill -SEGV $$"))
    assert result.error == "crashed (SIGSEGV)"


def test_failing_interpreter_gives_its_status_and_last_error_line(tmp_path):
    result = probe(script(tmp_path, "python3.96", "echo first >&2; echo 'boom: bad' >&2; exit 3"))
    assert result.error == "exited with status 3: boom: bad"


def test_missing_or_non_executable_file(tmp_path):
    assert probe(tmp_path / "nope").error.startswith("could not be started")
    plain = tmp_path / "plain"
    plain.write_text("x")
    assert probe(plain).error.startswith("could not be started")


def test_too_old_interpreter_is_unusable_with_its_version():
    old = ProbeResult(path="/x", version="3.10.13", version_info=(3, 10, 13),
                      implementation="cpython")
    assert old.unusable_reason == "too old: Python 3.10.13 (gcdapp needs 3.11 or newer)"


def test_other_implementations_are_unusable():
    pypy = ProbeResult(path="/x", version="3.10.14", version_info=(3, 10, 14),
                       implementation="pypy")
    assert pypy.unusable_reason == "pypy is not supported (CPython only)"


def test_from_json_refuses_damaged_entries():
    good = probe(sys.executable).to_json()
    for broken in ({}, {**good, "path": 3}, {**good, "subinterpreters": None},
                   {**good, "version_info": [3]}, {**good, "gil_enabled": "no"}):
        with pytest.raises(ValueError):
            ProbeResult.from_json(broken)


# ---- live: the pyenv interpreters, found through discovery -----------------

def test_probe_of_python_313():
    found = other_python("3.13")
    result = probe(found.path)
    assert result.ok and result.version_info[:2] == (3, 13)
    assert label(result) == result.version
    sub = result.subinterpreters
    if backport.is_installed(backport.backport_dir(result.ext_suffix)):
        assert sub.usable and sub.source == "backport", sub.reason
    else:
        assert not sub.usable and sub.missing == ("interpreters-pep-734",)
        assert sub.reason == (
            "the backport is not installed for it: missing interpreters-pep-734; "
            f"install with: gcdapp-cli pythons --install-backport {found.path}")


def test_on_312_subinterpreters_are_reported_unusable_with_the_reason():
    found = other_python("3.12")
    result = probe(found.path)
    assert result.ok and result.usable
    sub = result.subinterpreters
    installed = backport.is_installed(backport.backport_dir(result.ext_suffix))
    if not installed:
        assert not sub.usable
        assert "missing interpreters-pep-734 and interpreters-3-12" in sub.reason
    elif result.version == "3.12.1":  # pyenv's 3.12.1 segfaults importing the backport
        assert not sub.usable and sub.reason == "crashed when tried (SIGSEGV)"
    else:
        assert sub.usable or "when tried" in sub.reason


def _fake_backport(tmp_path, monkeypatch, result, body):
    """A backport for ``result``'s ABI, in a throwaway cache, whose import runs ``body``."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    target = backport.backport_dir(result.ext_suffix)
    package = target / "interpreters_backport" / "concurrent" / "futures"
    package.mkdir(parents=True)
    for init in (target / "interpreters_backport", target / "interpreters_backport" / "concurrent"):
        (init / "__init__.py").write_text("")
    (package / "__init__.py").write_text(body)
    (target / ".gcdapp-installed").write_text("fake\n")


def test_a_subinterpreter_crash_stays_in_its_own_process(tmp_path, monkeypatch):
    found = other_python("3.13")
    _fake_backport(tmp_path, monkeypatch, found.probe,
                   "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n")
    result = probe(found.path)
    assert result.ok  # the facts probe is untouched by the crash
    assert not result.subinterpreters.usable
    assert result.subinterpreters.reason == "crashed when tried (SIGSEGV)"
    assert result.subinterpreters.describe() == "unusable (crashed when tried (SIGSEGV))"


def test_a_hanging_backport_is_cut_off(tmp_path, monkeypatch):
    found = other_python("3.13")
    _fake_backport(tmp_path, monkeypatch, found.probe, "import time\ntime.sleep(60)\n")
    result = probe(found.path, subinterpreters_timeout=1.0)
    assert result.subinterpreters.reason == "hung when tried (no answer after 1 s)"


def test_a_broken_backport_gives_its_error(tmp_path, monkeypatch):
    found = other_python("3.13")
    _fake_backport(tmp_path, monkeypatch, found.probe, "raise RuntimeError('half installed')\n")
    result = probe(found.path)
    assert result.subinterpreters.reason == "failed when tried: RuntimeError: half installed"


def test_probe_script_never_looks_in_the_working_directory(tmp_path, monkeypatch):
    (tmp_path / "numba.py").write_text("raise SystemExit('imported from cwd')\n")
    (tmp_path / "platform.py").write_text("raise SystemExit('imported from cwd')\n")
    monkeypatch.chdir(tmp_path)
    result = probe(sys.executable)
    assert result.ok, result.error
    assert result.numba == (importlib.util.find_spec("numba") is not None)
    assert os.getcwd() == str(tmp_path)


def test_a_free_threaded_build_is_probed_as_one():
    found = free_threaded_python()  # skips, saying so, where there is none (as here)
    result = probe(found.path)
    assert result.ok and result.free_threaded_build
    direct = subprocess.run([found.path, "-E", "-c", "import sys; print(sys._is_gil_enabled())"],
                            capture_output=True, text=True, timeout=30, check=True)
    assert result.gil_enabled == (direct.stdout.strip() == "True")
    assert label(result) == f"{result.version}t free-threaded, GIL {'on' if result.gil_enabled else 'off'}"
