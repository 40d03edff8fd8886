"""The subinterpreter backport: what each version needs, where it goes, and
real installs with the interpreter's own pip into a throwaway cache."""

from __future__ import annotations

import pytest

from gcdapp.core.pythons import backport
from gcdapp.core.pythons.probe import probe
from tests.other_pythons import other_python, skip_or_fail


def test_packages_needed_per_version():
    assert backport.packages_needed((3, 14, 2)) == ()
    assert backport.packages_needed((3, 13, 0)) == ("interpreters-pep-734",)
    assert backport.packages_needed((3, 12, 1)) == ("interpreters-pep-734", "interpreters-3-12")
    with pytest.raises(ValueError, match=r"no subinterpreter backport exists for Python 3\.11"):
        backport.packages_needed((3, 11, 7))


@pytest.mark.parametrize("suffix, name", [
    (".cpython-313-x86_64-linux-gnu.so", "cpython-313-x86_64-linux-gnu"),
    (".cpython-314t-x86_64-linux-gnu.so", "cpython-314t-x86_64-linux-gnu"),
    (".cp313-win_amd64.pyd", "cp313-win_amd64"),
    ("", "unknown-abi"),
    ("../../etc", "____etc"),
])
def test_one_directory_per_abi(suffix, name, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert backport.abi_name(suffix) == name
    assert backport.backport_dir(suffix) == tmp_path / "gcdapp" / "backports" / name


def test_refusals_say_why(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    old = backport.install("/x/python3.11", (3, 11, 7), ".cpython-311-x.so", has_pip=True)
    assert not old.ok and "needs 3.12 or newer" in old.message
    new = backport.install("/x/python3.14", (3, 14, 0), ".cpython-314-x.so", has_pip=True)
    assert new.ok and new.message.startswith("not needed")
    nopip = backport.install("/x/python3.13", (3, 13, 0), ".cpython-313-x.so", has_pip=False)
    assert not nopip.ok
    assert nopip.message == "/x/python3.13 has no pip; add it with `/x/python3.13 -m ensurepip`, then try again"
    assert not (tmp_path / "gcdapp" / "backports" / "cpython-313-x").exists()


def test_a_failed_pip_leaves_the_old_install(tmp_path, monkeypatch):
    found = other_python("3.13")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("PIP_NO_INDEX", "1")  # pip itself refuses: nothing to install from
    monkeypatch.setenv("PIP_FIND_LINKS", "")
    target = backport.backport_dir(found.probe.ext_suffix)
    target.mkdir(parents=True)
    (target / "kept.txt").write_text("old")
    outcome = backport.install(found.path, found.probe.version_info, found.probe.ext_suffix,
                               has_pip=found.probe.pip)
    assert not outcome.ok and outcome.message.startswith("pip failed: ERROR")
    assert (target / "kept.txt").read_text() == "old"
    assert [p.name for p in target.parent.iterdir()] == [target.name]


def _install_or_skip(found, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    outcome = backport.install(found.path, found.probe.version_info, found.probe.ext_suffix,
                               has_pip=found.probe.pip)
    if not outcome.ok:
        skip_or_fail(f"could not install the backport for {found.path}: {outcome.message}")
    assert backport.is_installed(outcome.target)
    assert outcome.target.is_relative_to(tmp_path)
    assert not (found.probe.prefix and (outcome.target / "..").resolve() == found.probe.prefix)
    return outcome


@pytest.mark.slow
def test_install_for_313_makes_subinterpreters_usable(tmp_path, monkeypatch):
    found = other_python("3.13")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    before = probe(found.path).subinterpreters
    outcome = _install_or_skip(found, tmp_path, monkeypatch)
    assert outcome.packages == ("interpreters-pep-734",)
    assert (outcome.target / "interpreters_backport").is_dir()
    after = probe(found.path).subinterpreters
    assert not before.usable and before.missing
    assert after.usable and after.source == "backport", after.reason


@pytest.mark.slow
def test_with_the_backport_on_312_the_probe_reports_the_crash(tmp_path, monkeypatch):
    found = other_python("3.12")
    # Use the backport the sandbox copied from the real cache, else install it.
    if not backport.is_installed(backport.backport_dir(found.probe.ext_suffix)):
        outcome = _install_or_skip(found, tmp_path, monkeypatch)
        assert outcome.packages == ("interpreters-pep-734", "interpreters-3-12")
    sub = probe(found.path).subinterpreters
    if found.probe.version == "3.12.1":  # pyenv's 3.12.1 segfaults importing the backport
        assert not sub.usable and sub.reason == "crashed when tried (SIGSEGV)"
        assert sub.describe() == "unusable (crashed when tried (SIGSEGV))"
    else:
        assert sub.usable or "when tried" in sub.reason
