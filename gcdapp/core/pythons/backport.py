"""The subinterpreter backport (``interpreters-pep-734``) for 3.12 and 3.13.

It is installed with the interpreter's own pip, ``--target`` a directory in
gcdapp's cache (one per ABI, named after the extension suffix, e.g.
``cpython-313-x86_64-linux-gnu``), never into the interpreter's
site-packages. Whoever runs code there puts that directory on PYTHONPATH
(subinterpreters build their ``sys.path`` from the start-up configuration, so
a ``sys.path`` edit in the main interpreter does not reach them).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import platformdirs

PACKAGE = "interpreters-pep-734"
PACKAGE_312 = "interpreters-3-12"  # the compiled low-level modules 3.12 lacks
INSTALL_TIMEOUT_S = 300.0
_STAMP = ".gcdapp-installed"


def packages_needed(version: tuple[int, ...]) -> tuple[str, ...]:
    """What an interpreter of this version needs for InterpreterPoolExecutor."""
    minor = tuple(version[:2])
    if minor >= (3, 14):
        return ()
    if minor == (3, 13):
        return (PACKAGE,)
    if minor == (3, 12):
        return (PACKAGE, PACKAGE_312)
    raise ValueError(f"no subinterpreter backport exists for Python {'.'.join(map(str, minor))} "
                     "(it needs 3.12 or newer)")


def backports_root() -> Path:
    return Path(platformdirs.user_cache_dir("gcdapp", appauthor=False)) / "backports"


def abi_name(ext_suffix: str) -> str:
    """``.cpython-313t-x86_64-linux-gnu.so`` -> ``cpython-313t-x86_64-linux-gnu``."""
    name = ext_suffix.strip(".")
    for ending in (".so", ".pyd"):
        if name.endswith(ending):
            name = name[: -len(ending)]
    name = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)
    return name or "unknown-abi"


def backport_dir(ext_suffix: str) -> Path:
    return backports_root() / abi_name(ext_suffix)


def is_installed(target: Path) -> bool:
    return (target / _STAMP).is_file()


def install_stamp(target: Path) -> int | None:
    """Changes whenever the backport is (re)installed: part of the probe cache key."""
    try:
        return (target / _STAMP).stat().st_mtime_ns
    except OSError:
        return None


def missing_reason(needed: tuple[str, ...], path: str) -> str:
    return (f"the backport is not installed for it: missing {' and '.join(needed)}; "
            f"install with: gcdapp-cli pythons --install-backport {path}")


@dataclass(frozen=True)
class InstallOutcome:
    ok: bool
    target: Path
    packages: tuple[str, ...]
    message: str


def install(python: str, version: tuple[int, ...], ext_suffix: str, *, has_pip: bool,
            timeout: float = INSTALL_TIMEOUT_S) -> InstallOutcome:
    """Install the backport for ``python`` with its own pip, into gcdapp's cache.

    The packages go into a fresh directory first, which replaces the old one
    only once pip succeeded, so a failed install leaves what was there."""
    target = backport_dir(ext_suffix)
    try:
        packages = packages_needed(version)
    except ValueError as exc:
        return InstallOutcome(False, target, (), str(exc))
    if not packages:
        return InstallOutcome(True, target, (), "not needed: Python 3.14 and newer have "
                              "InterpreterPoolExecutor in the standard library")
    if not has_pip:
        return InstallOutcome(False, target, packages, (
            f"{python} has no pip; add it with `{python} -m ensurepip`, then try again"))
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PIP_ROOT_USER_ACTION"] = "ignore"
    cmd = [python, "-s", "-m", "pip", "install", "--disable-pip-version-check", "--no-input",
           "--target", str(fresh), *packages]
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=timeout, env=env, cwd=target.parent)
    except subprocess.TimeoutExpired:
        shutil.rmtree(fresh, ignore_errors=True)
        return InstallOutcome(False, target, packages, f"pip took longer than {timeout:g} s")
    except OSError as exc:
        shutil.rmtree(fresh, ignore_errors=True)
        return InstallOutcome(False, target, packages, f"could not start pip: {exc}")
    if proc.returncode != 0:
        shutil.rmtree(fresh, ignore_errors=True)
        errors = [line for line in proc.stderr.splitlines() if line.startswith("ERROR")]
        detail = "; ".join(errors[-2:]) or proc.stderr.strip()[-300:] or f"status {proc.returncode}"
        return InstallOutcome(False, target, packages, f"pip failed: {detail}")
    (fresh / _STAMP).write_text(" ".join(packages) + "\n", encoding="utf-8")
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.replace(target, old)
    os.replace(fresh, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return InstallOutcome(True, target, packages,
                          f"installed {' and '.join(packages)} into {target}")
