"""The frozen build (PyInstaller, resources/pyinstaller/): built once per
session into a tmp dir, then its two executables are run the way a user runs
them. Skipped only when PyInstaller is missing; the `test` extra installs it."""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from gcdapp.core.presets import SEED_RESULTS

pytest.importorskip("PyInstaller", reason="PyInstaller is not installed (it is in the test extra)")

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]

ROOT = Path(__file__).resolve().parents[2]


def _load_build_script():
    """resources/pyinstaller/build.py, the script a user runs."""
    path = ROOT / "resources" / "pyinstaller" / "build.py"
    spec = importlib.util.spec_from_file_location("gcdapp_frozen_build", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


frozen_build = _load_build_script()


@pytest.fixture(scope="session")
def frozen_app(tmp_path_factory, request) -> Path:
    where = tmp_path_factory.mktemp("frozen")
    started = time.monotonic()
    app = frozen_build.build(where / "dist", where / "work")
    elapsed = time.monotonic() - started
    size = frozen_build.folder_size(app) / 2**20
    # Shown in the CI log: CI has a time budget, and the bundle's size matters.
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"\nfrozen build: {elapsed:.0f} s, {size:.0f} MiB in {app}")
    return app


def _spec_list(name: str) -> list[str]:
    """A list literal assigned in gcdapp.spec (``excludes``)."""
    tree = ast.parse((ROOT / "resources" / "pyinstaller" / "gcdapp.spec").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"gcdapp.spec assigns no {name}")


def test_the_bundle_excludes_nothing_gcdapp_imports():
    # The spec leaves out modules to keep the bundle lean; an import of one of
    # them would work from source and fail only in the frozen app.
    excluded = set(_spec_list("excludes"))
    imported = set()
    for path in (ROOT / "gcdapp").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported.add(node.module)
                imported.update(f"{node.module}.{alias.name}" for alias in node.names)
    clashes = {m for m in imported if m in excluded or m.split(".")[0] in excluded}
    assert not clashes, f"gcdapp imports {sorted(clashes)}, which gcdapp.spec excludes"


def test_what_the_bundle_leaves_out_on_purpose_only_the_native_kernels_and_dask_import():
    # numba and Dask are left out of the frozen build; only the module behind
    # the native kernels' availability check and the dask backend's modules
    # import them, so nothing else breaks there.
    left_out = set(_spec_list("left_out"))
    assert "numba" in left_out
    importers = set()
    for path in (ROOT / "gcdapp").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module] if isinstance(node, ast.ImportFrom) and node.module
                     else [])
            if any(n.split(".")[0] in left_out for n in names):
                importers.add(path.relative_to(ROOT).as_posix())
    assert importers == {"gcdapp/core/native_jit.py", "gcdapp/core/backends/dask.py",
                         "gcdapp/core/backends/dask_task.py"}


def user_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a user whose home is a tmp dir."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "PYTHON"))}
    env["HOME"] = str(tmp_path / "home")
    for var, sub in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"),
                     ("XDG_CACHE_HOME", "cache"), ("XDG_STATE_HOME", "state")):
        env[var] = str(tmp_path / "home" / sub)
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    env["XDG_RUNTIME_DIR"] = str(runtime)
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def test_bundle_has_both_executables_and_the_icons(frozen_app):
    for name in ("gcdapp", "gcdapp-cli"):
        assert os.access(frozen_app / name, os.X_OK)
    icons = frozen_app / "_internal" / "gcdapp" / "assets" / "icons"
    assert (icons / "gcdapp-256.png").is_file() and (icons / "gcdapp-16.png").is_file()
    # The command line is frozen without Qt; the window brings it.
    assert (frozen_app / "_internal" / "PySide6").is_dir()


@pytest.mark.parametrize("start_method", [None, "forkserver", "spawn"])
def test_frozen_cli_runs_the_seed_on_processes(frozen_app, tmp_path, start_method):
    cmd = [str(frozen_app / "gcdapp-cli"), "run", "--preset", "seed", "--mode", "processes",
           "--workers", "2", "--kernel", "euclid", "--json", "-"]
    if start_method:
        cmd += ["--start-method", start_method]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                          env=user_env(tmp_path), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    assert record["results"] == [1, 1, 5, 1, 32, 1, 14, 9, 1, 9] == list(SEED_RESULTS)
    assert record["mode"] == "processes" and record["workers"] == 2
    assert record["start_method"] == (start_method or "forkserver")
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("kernel", ["bruteforce-native", "euclid-native"])
def test_frozen_cli_refuses_the_native_kernels_saying_why(frozen_app, tmp_path, kernel):
    proc = subprocess.run([str(frozen_app / "gcdapp-cli"), "run", "--preset", "seed",
                           "--mode", "threads", "--kernel", kernel],
                          capture_output=True, text=True, timeout=120,
                          env=user_env(tmp_path), cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert (f"kernel {kernel} is unavailable: numba is not included in the frozen build"
            in proc.stderr)
    assert "Traceback" not in proc.stderr


def _is_multiprocessing_helper(proc: psutil.Process) -> bool:
    """The fork server and the resource tracker: the frozen executable run
    with ``-c 'from multiprocessing.… import main…'``."""
    try:
        cmdline = proc.cmdline()
    except psutil.Error:
        return True  # already gone
    return "-c" in cmdline and cmdline[-1].startswith(("from multiprocessing.", "import sys; from multiprocessing."))


def test_frozen_gui_starts_and_keeps_running_offscreen(frozen_app, tmp_path):
    proc = subprocess.Popen([str(frozen_app / "gcdapp")], env=user_env(tmp_path), cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # The window starts the fork server in the background once it is up.
        deadline = time.monotonic() + 30
        children: list[psutil.Process] = []
        while time.monotonic() < deadline and proc.poll() is None:
            children = psutil.Process(proc.pid).children(recursive=True)
            if any(_is_multiprocessing_helper(c) for c in children):
                break
            time.sleep(0.2)
        time.sleep(2)  # and keeps running
        assert proc.poll() is None, f"the GUI exited with {proc.returncode}:\n{proc.communicate()[1]}"
        children = psutil.Process(proc.pid).children(recursive=True)
        assert children, "the fork server did not start"
        # Every process the window started is a multiprocessing helper that
        # freeze_support() diverted, not a second copy of the window.
        others = [c.cmdline() for c in children if not _is_multiprocessing_helper(c)]
        assert not others, others
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    assert "Traceback" not in err, err


def test_frozen_cli_installs_a_desktop_entry_for_the_frozen_gui(frozen_app, tmp_path):
    env = user_env(tmp_path)
    proc = subprocess.run([str(frozen_app / "gcdapp-cli"), "install-desktop"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    entry = Path(env["XDG_DATA_HOME"]) / "applications" / "gcdapp.desktop"
    lines = dict(line.split("=", 1) for line in entry.read_text().splitlines() if "=" in line)
    assert lines["Exec"] == str(frozen_app / "gcdapp")  # tmp paths have no reserved characters
    assert Path(lines["Icon"]).is_file()
    validator = shutil.which("desktop-file-validate")
    if validator:
        check = subprocess.run([validator, "--no-hints", str(entry)], capture_output=True, text=True)
        assert check.returncode == 0 and not check.stdout.strip(), check.stdout + check.stderr


def test_frozen_cli_lists_pythons(frozen_app, tmp_path):
    # The probe script ships as source in the bundle and runs in other interpreters.
    proc = subprocess.run([str(frozen_app / "gcdapp-cli"), "pythons", "--json"],
                          env=user_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout)
    assert not any("running" in item["sources"] for item in found)  # the bundle is no Python
    assert any(item["error"] is None and item["version"] for item in found), found
    assert not any(item["error"] and "could not be started" in item["error"] for item in found)
