"""Discovery: where interpreters are found, how duplicates merge, and the
real pyenv interpreters found and probed."""

from __future__ import annotations

import os
import stat
import sys
import venv

import pytest

from gcdapp.core.pythons.cache import ProbeCache
from gcdapp.core.pythons.discovery import (
    NoSuchPython, find_candidates, find_pythons, path_pythons, select,
)
from gcdapp.core.pythons.user_paths import add_user_path
from tests.other_pythons import discovered, other_python


def wrapper(directory, name) -> str:
    """An executable that runs this interpreter: a real python under another name."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """No PATH pythons, an empty pyenv and uv, settings and cache in tmp."""
    for var in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "pyenv"))
    monkeypatch.setenv("UV_PYTHON_INSTALL_DIR", str(tmp_path / "uv"))
    monkeypatch.setenv("PATH", os.pathsep.join([str(tmp_path / "bin"), "/usr/bin", "/bin"]))
    (tmp_path / "bin").mkdir()
    return tmp_path


def test_path_finds_python3_x_and_3_xt_only(tmp_path):
    bin_dir = tmp_path / "bin"
    wanted = [wrapper(bin_dir, "python3.13"), wrapper(bin_dir, "python3.14t")]
    for other in ("python3", "python3.13-config", "python", "python3.x", "python3.13d"):
        wrapper(bin_dir, other)
    (bin_dir / "python3.12").write_text("not executable")
    assert path_pythons(str(bin_dir)) == wanted
    assert path_pythons(str(bin_dir), skip=(bin_dir,)) == []


def test_sources_pyenv_uv_path_user_and_running(isolated, monkeypatch):
    pyenv_py = wrapper(isolated / "pyenv" / "versions" / "3.99.0" / "bin", "python3")
    wrapper(isolated / "pyenv" / "shims", "python3.99")  # a shim: skipped
    wrapper(isolated / "other-pyenv" / "shims", "python3.99")  # another root's shims too
    (isolated / "other-pyenv" / "versions").mkdir()
    uv_py = wrapper(isolated / "uv" / "cpython-3.98.0-linux-x86_64-gnu" / "bin", "python3")
    path_py = wrapper(isolated / "bin", "python3.97t")
    user_py = wrapper(isolated / "mine", "python")
    extra_py = wrapper(isolated / "extra", "python")
    add_user_path(user_py)
    monkeypatch.setenv("PATH", os.pathsep.join([str(isolated / "pyenv" / "shims"),
                                                str(isolated / "other-pyenv" / "shims"),
                                                os.environ["PATH"]]))
    found = {c.path: c.sources for c in find_candidates([extra_py])}
    assert found[pyenv_py] == ("pyenv",)
    assert found[uv_py] == ("uv",)
    assert found[path_py] == ("PATH",)
    assert found[user_py] == ("user",)
    assert found[extra_py] == ("user",)
    assert "running" in found[sys.executable]
    assert not any("shims" in path for path in found)
    assert user_py not in {c.path for c in find_candidates(include_user_settings=False)}


def test_one_interpreter_found_twice_is_listed_once(isolated):
    real = wrapper(isolated / "bin", "python3.96")
    link = isolated / "bin" / "python3.96t"
    link.symlink_to(real)
    via_dir_link = isolated / "bin-link"
    via_dir_link.symlink_to(isolated / "bin")
    found = find_candidates([str(link), str(via_dir_link / "python3.96")])
    mine = [c for c in found if os.path.realpath(c.path) == real]
    assert len(mine) == 1 and mine[0].sources == ("PATH", "user")


def test_a_venv_is_its_own_entry_beside_its_base(isolated):
    env_dir = isolated / "env"
    venv.create(env_dir, with_pip=False, symlinks=True)
    env_py = str(env_dir / "bin" / "python")
    base_py = os.path.realpath(env_py)
    found = find_pythons([env_py, base_py], include_user_settings=False)
    by_path = {i.path: i for i in found}
    assert env_py in by_path and base_py in by_path
    assert by_path[env_py].probe.is_venv
    assert by_path[env_py].probe.prefix == str(env_dir)
    assert not by_path[base_py].probe.is_venv


def test_find_pythons_probes_once_then_uses_the_cache(isolated):
    exe = wrapper(isolated / "bin", "python3.95")
    cache = ProbeCache(isolated / "cache.json")
    first = {i.path: i for i in find_pythons(cache=cache)}
    assert first[exe].usable and first[exe].sources == ("PATH",)
    # Same size and mtime, now printing garbage: only a cached answer says usable.
    st = os.stat(exe)
    garbage = "#!/bin/sh\necho garbage\n"
    with open(exe, "w") as handle:
        handle.write(garbage.ljust(st.st_size - 1, "#") + "\n")
    os.utime(exe, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert os.stat(exe).st_size == st.st_size
    cached = {i.path: i for i in find_pythons(cache=ProbeCache(isolated / "cache.json"))}
    assert cached[exe].usable
    fresh = {i.path: i for i in find_pythons(cache=cache, refresh=True)}
    assert not fresh[exe].usable
    assert fresh[exe].probe.unusable_reason == "probe failed: printed no probe answer (got 'garbage')"


def test_running_interpreter_comes_first_and_unusable_ones_last(isolated):
    wrapper(isolated / "bin", "python3.94")
    bad = isolated / "bin" / "python3.93"
    bad.write_text("#!/bin/sh\nexit 4\n")
    bad.chmod(0o755)
    found = find_pythons(cache=ProbeCache(isolated / "cache.json"))
    assert found[0].is_running and found[0].usable
    assert found[-1].path == str(bad)
    assert found[-1].probe.unusable_reason == "probe failed: exited with status 4"


def test_select_by_version_path_and_free_threaded(isolated):
    found = find_pythons(cache=ProbeCache(isolated / "cache.json"))
    running = found[0]
    major_minor = ".".join(map(str, sys.version_info[:2]))
    assert select(found, sys.executable) is running
    assert select(found, major_minor).probe.version_info[:2] == sys.version_info[:2]
    with pytest.raises(NoSuchPython, match=r"no Python 3\.80t found \(found: "):
        select(found, "3.80t")
    with pytest.raises(NoSuchPython, match="neither a path nor a version"):
        select(found, "three")
    with pytest.raises(NoSuchPython, match="is not among the interpreters found"):
        select(found, str(isolated / "nope" / "python"))


# ---- live: this machine's interpreters ---------------------------------------

def test_pyenv_pythons_are_found_and_probed():
    for version in ("3.12", "3.13"):
        found = other_python(version)
        assert found.probe.ok and found.usable
        assert found.probe.version_info[:2] == tuple(map(int, version.split(".")))
        assert found.label == found.probe.version
        assert found.probe.numba is False or found.probe.numba is True


def test_every_interpreter_found_has_a_verdict():
    for item in discovered():
        assert item.usable or item.probe.unusable_reason
        assert item.probe.subinterpreters.usable or item.probe.subinterpreters.reason
        assert item.to_json()["label"] == item.label
