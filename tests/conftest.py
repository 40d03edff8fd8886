"""Shared fixtures: keep the user's home untouched, and fail any test that
leaves a pool process behind."""

from __future__ import annotations

import os
import shutil
import tempfile
import time

import platformdirs
import psutil
import pytest

# The subinterpreter backports prepared in the real cache (.ci/run runs
# `gcdapp-cli pythons --install-backport 3.13`) are copied into the sandbox.
_REAL_BACKPORTS = os.path.join(platformdirs.user_cache_dir("gcdapp", appauthor=False), "backports")

# Anything persistent (settings, autosave) must land in a throwaway place.
# Set before any Qt import so QStandardPaths/QSettings see it.
_SANDBOX = tempfile.mkdtemp(prefix="gcdapp-tests-")
for _var, _sub in (
    ("XDG_CONFIG_HOME", "config"),
    ("XDG_DATA_HOME", "data"),
    ("XDG_CACHE_HOME", "cache"),
    ("XDG_STATE_HOME", "state"),
    ("XDG_RUNTIME_DIR", "runtime"),
):
    os.environ[_var] = os.path.join(_SANDBOX, _sub)
    os.makedirs(os.environ[_var], mode=0o700, exist_ok=True)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if os.path.isdir(_REAL_BACKPORTS):
    for _abi in os.listdir(_REAL_BACKPORTS):
        if not _abi.startswith("."):  # an install in progress or an old copy
            shutil.copytree(os.path.join(_REAL_BACKPORTS, _abi),
                            os.path.join(_SANDBOX, "cache", "gcdapp", "backports", _abi),
                            symlinks=True)

# multiprocessing's own long-lived helpers may outlive a run; nothing else may.
_HELPER_MARKERS = ("multiprocessing.resource_tracker", "multiprocessing.forkserver")


def _is_mp_helper(proc: psutil.Process) -> bool:
    try:
        cmdline = " ".join(proc.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return True  # already gone
    return any(marker in cmdline for marker in _HELPER_MARKERS)


#: Processes a module's fixture keeps for several tests (a shared Dask
#: cluster): neither they nor their descendants count as left behind until
#: the fixture lets them go (and checks that they are gone).
SHARED_PIDS: set[int] = set()


def _is_shared(proc: psutil.Process) -> bool:
    if not SHARED_PIDS:
        return False
    try:
        return proc.pid in SHARED_PIDS or any(p.pid in SHARED_PIDS for p in proc.parents())
    except psutil.Error:
        return True  # already gone


def pool_processes() -> list[psutil.Process]:
    """Descendants of this process other than multiprocessing's helpers
    (and the processes of a shared fixture, :data:`SHARED_PIDS`)."""
    out = []
    for child in psutil.Process().children(recursive=True):
        try:
            if child.status() == psutil.STATUS_ZOMBIE:
                continue
        except psutil.NoSuchProcess:
            continue
        if not _is_mp_helper(child) and not _is_shared(child):
            out.append(child)
    return out


def wait_no_pool_processes(timeout: float = 3.0) -> list[psutil.Process]:
    """Wait until no pool process remains; return those still alive."""
    deadline = time.monotonic() + timeout
    alive = pool_processes()
    while alive and time.monotonic() < deadline:
        time.sleep(0.05)
        alive = pool_processes()
    return alive


@pytest.fixture(autouse=True)
def _no_leftover_pool_processes():
    yield
    alive = wait_no_pool_processes()
    if alive:
        details = []
        for proc in alive:
            try:
                details.append(f"{proc.pid}: {' '.join(proc.cmdline())[:120]}")
            except psutil.Error:
                details.append(str(proc.pid))
            proc.kill()
        pytest.fail("test left pool processes alive:\n" + "\n".join(details))
