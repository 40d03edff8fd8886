"""The probe cache: reused while the interpreter file and the backport are
unchanged, dropped when either changes, never trusted when damaged."""

from __future__ import annotations

import json
import os
import stat
import sys

from gcdapp.core.pythons import backport
from gcdapp.core.pythons.cache import ProbeCache
from gcdapp.core.pythons.probe import ProbeResult, probe


def wrapper(tmp_path, name="python3.90") -> str:
    """A real interpreter behind a script of its own, so its mtime is ours to change."""
    path = tmp_path / name
    path.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_round_trip_through_the_file(tmp_path):
    exe = wrapper(tmp_path)
    result = probe(exe)
    assert result.ok, result.error
    cache = ProbeCache(tmp_path / "c" / "pythons.json")
    assert cache.get(exe) is None
    cache.put(result)
    cache.save()
    assert ProbeCache(tmp_path / "c" / "pythons.json").get(exe) == result


def test_a_changed_interpreter_file_is_probed_again(tmp_path):
    exe = wrapper(tmp_path)
    cache = ProbeCache(tmp_path / "pythons.json")
    cache.put(probe(exe))
    st = os.stat(exe)
    os.utime(exe, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert cache.get(exe) is None
    cache.put(probe(exe))
    assert cache.get(exe) is not None
    with open(exe, "a") as handle:
        handle.write("# grown\n")
    os.utime(exe, ns=(st.st_atime_ns, os.stat(exe).st_mtime_ns))
    assert cache.get(exe) is None  # size changed


def test_installing_the_backport_invalidates(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    exe = wrapper(tmp_path)
    result = probe(exe)
    cache = ProbeCache()
    cache.put(result)
    assert cache.get(exe) == result
    target = backport.backport_dir(result.ext_suffix)
    target.mkdir(parents=True)
    (target / ".gcdapp-installed").write_text("x\n")
    assert cache.get(exe) is None


def test_timeouts_are_not_cached_but_crashes_are(tmp_path):
    exe = wrapper(tmp_path)
    cache = ProbeCache(tmp_path / "pythons.json")
    cache.put(ProbeResult(path=exe, error="timed out after 10 s"))
    assert cache.get(exe) is None
    cache.put(ProbeResult(path=exe, error="crashed (SIGSEGV)"))
    assert cache.get(exe).error == "crashed (SIGSEGV)"


def test_damaged_cache_files_are_ignored_and_rewritten(tmp_path):
    exe = wrapper(tmp_path)
    path = tmp_path / "pythons.json"
    for text in ("{not json", "[]", '{"format": 99, "entries": {}}',
                 json.dumps({"format": 1, "entries": {exe: {"file": [1, 2], "result": 5}}})):
        path.write_text(text)
        cache = ProbeCache(path)
        assert cache.get(exe) is None
    good = probe(exe)
    cache.put(good)
    cache.save()
    assert json.loads(path.read_text())["format"] == 1
    assert ProbeCache(path).get(exe) == good


def test_entry_with_a_damaged_result_is_a_miss(tmp_path):
    exe = wrapper(tmp_path)
    path = tmp_path / "pythons.json"
    cache = ProbeCache(path)
    cache.put(probe(exe))
    cache.save()
    data = json.loads(path.read_text())
    data["entries"][exe]["result"]["version_info"] = "3.11"
    path.write_text(json.dumps(data))
    assert ProbeCache(path).get(exe) is None


def test_a_gone_interpreter_is_a_miss(tmp_path):
    exe = wrapper(tmp_path)
    cache = ProbeCache(tmp_path / "pythons.json")
    cache.put(probe(exe))
    os.unlink(exe)
    assert cache.get(exe) is None
