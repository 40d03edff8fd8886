"""Runs in other Pythons (pyenv's 3.12 and 3.13, found by discovery):
results, refusals, cancel, a killed host and a host that prints garbage.
Real hosts, real pools; skipped with the reason when an interpreter is
missing (failures with GCDAPP_REQUIRE_OTHER_PYTHON=1)."""

from __future__ import annotations

import signal
import stat
import threading

import numpy as np
import psutil
import pytest

from gcdapp.core.engine import Run, RunSetupError, backend_for, check_run
from gcdapp.core.events import NullObserver, RunSpec
from gcdapp.core.kernels import KERNELS, Kernel
from gcdapp.core.presets import SEED_RESULTS, get_preset
from tests.conftest import wait_no_pool_processes
from tests.other_pythons import discovered, other_python, skip_or_fail

SEED = get_preset("seed").array()
HOST_MODES = ("serial", "threads", "processes", "interpreters")


def _host_pids() -> list[int]:
    out = []
    for child in psutil.Process().children(recursive=True):
        try:
            if "gcdapp.core.host.server" in " ".join(child.cmdline()):
                out.append(child.pid)
        except psutil.Error:
            pass
    return out


@pytest.mark.parametrize("version", ["3.12", "3.13"])
def test_seed_pairs_give_the_seeds_results_in_every_usable_mode(version):
    python = other_python(version)
    ran = []
    for mode in HOST_MODES:
        spec = RunSpec(mode=mode, python=version, workers=2)
        backend = backend_for(spec)
        if not backend.capabilities.available:
            continue
        result = Run(SEED, spec).execute()
        assert result.status == "completed", (mode, result.error)
        assert result.result_list() == list(SEED_RESULTS)
        assert result.info.mode == mode  # the mode's own name, not "host"
        assert result.python.version == python.probe.version
        assert result.python.executable == python.probe.executable
        assert result.python_label == python.label
        assert result.info.python.version == python.probe.version
        # the anatomy is measured as for any isolated backend
        assert np.isfinite(result.tasks.cpu_s).all() and (result.tasks.bytes_in > 0).all()
        ran.append(mode)
    assert {"serial", "threads", "processes"} <= set(ran)
    if python.probe.subinterpreters.usable:
        assert "interpreters" in ran


def test_interpreters_run_in_the_313_host_with_one_lane_per_interpreter():
    python = other_python("3.13")
    if not python.probe.subinterpreters.usable:
        pytest.fail(f"the 3.13 probe says subinterpreters are "
                    f"{python.probe.subinterpreters.describe()}; prepare them with "
                    "gcdapp-cli pythons --install-backport 3.13")
    result = Run(SEED, RunSpec(mode="interpreters", python="3.13", workers=2)).execute()
    assert result.status == "completed", result.error
    assert result.result_list() == list(SEED_RESULTS)
    assert len(result.tasks.lanes) == 2
    assert all(lane.startswith("interpreter ") for lane in result.tasks.lanes)


def test_on_312_interpreters_are_refused_before_the_run_with_the_probes_reason():
    python = other_python("3.12")
    assert not python.probe.subinterpreters.usable
    reason = python.probe.subinterpreters.reason
    spec = RunSpec(mode="interpreters", python="3.12")
    problems = check_run(SEED, spec)
    assert any("Interpreters mode is unavailable" in p and reason in p for p in problems)
    with pytest.raises(RunSetupError, match="subinterpreters in Python 3.12"):
        Run(SEED, spec)
    assert _host_pids() == []  # nothing was started


def test_an_unknown_python_is_refused_with_what_was_found():
    problems = check_run(SEED, RunSpec(mode="serial", python="2.5"))
    assert len(problems) == 1 and problems[0].startswith("no Python 2.5 found (found: ")
    problems = check_run(SEED, RunSpec(mode="serial", python="/no/such/python3"))
    assert problems == ["/no/such/python3: no such interpreter file"]


def test_a_too_old_interpreter_is_refused_with_the_reason():
    old = [i for i in discovered() if i.probe.ok and i.probe.version_info[:2] < (3, 11)]
    if not old:
        skip_or_fail("needs a Python older than 3.11 (pyenv's 3.10, say) to refuse")
    python = old[0]
    problems = check_run(SEED, RunSpec(mode="serial", python=python.path))
    assert any(f"too old: Python {python.probe.version}" in p for p in problems), problems


def test_an_interpreter_that_fails_its_probe_is_refused_with_the_reason(tmp_path):
    fake = tmp_path / "python3"
    fake.write_text("#!/bin/sh\necho 'not a python'\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    problems = check_run(SEED, RunSpec(mode="threads", python=str(fake)))
    assert problems == [
        f"Threads mode is unavailable: Python at {fake} cannot be used: probe failed: "
        "printed no probe answer (got 'not a python')"]


def test_native_kernels_are_refused_where_the_host_has_no_numba():
    python = other_python("3.12")
    if python.probe.numba:
        pytest.skip("this 3.12 has numba")
    problems = check_run(SEED, RunSpec(mode="threads", kernel="euclid-native", python="3.12"))
    assert any("has no numba" in p for p in problems), problems


def test_a_kernel_from_main_never_reaches_a_host():
    other_python("3.13")

    def mine(pair):
        return 1
    mine.__module__ = "__main__"
    kernel = Kernel("mine", mine, "Mine", "defined in __main__")
    result = Run(SEED, RunSpec(mode="interpreters", python="3.13", workers=1),
                 kernel=kernel).execute()
    assert result.status == "failed" and result.n_done == 0
    assert "cannot be found by name, so it cannot run in another Python" in result.error


class _OnFirstBatch(NullObserver):
    def __init__(self, action):
        self.action = action
        self.fired = False

    def tasks_completed(self, batch):
        if not self.fired:
            self.fired = True
            self.action()


def test_cancel_mid_run_leaves_no_process_behind():
    other_python("3.12")
    pairs = np.repeat(SEED, 3, axis=0)
    seen: list[int] = []
    holder = {}

    def cancel():
        for host in _host_pids():  # the host and everything under it
            seen.append(host)
            seen.extend(p.pid for p in psutil.Process(host).children(recursive=True))
        holder["run"].cancel()
    run = holder["run"] = Run(pairs, RunSpec(mode="processes", python="3.12", workers=2,
                                             chunksize=1), _OnFirstBatch(cancel))
    result = run.execute()
    assert result.status == "cancelled"
    assert 0 < result.n_done < len(pairs)
    # the host, its fork server and its two workers (and perhaps a resource tracker)
    assert len(seen) >= 4
    assert wait_no_pool_processes(timeout=1.0) == []
    assert [pid for pid in seen if _alive(pid)] == []


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_killing_the_host_mid_run_fails_clearly_and_keeps_what_completed():
    python = other_python("3.12")
    pairs = np.repeat(SEED, 3, axis=0)

    def kill_host():
        (pid,) = _host_pids()
        psutil.Process(pid).send_signal(signal.SIGKILL)
    result = Run(pairs, RunSpec(mode="serial", python="3.12", chunksize=1),
                 _OnFirstBatch(kill_host)).execute()
    assert result.status == "failed"
    assert result.error.startswith(
        f"the Python {python.probe.version} host ended abruptly (killed by SIGKILL)")
    assert f"of {len(pairs)} pairs had completed and are kept" in result.error
    assert result.n_done >= 1
    expected = list(SEED_RESULTS) * 3
    assert all(got == expected[i] for i, got in enumerate(result.result_list())
               if got is not None)


def _garbage_wrapper(tmp_path, real: str, after_records: int) -> str:
    """An interpreter file that runs ``real``, but as a host relays only its
    first ``after_records`` records, then writes a traceback's first line."""
    path = tmp_path / "python-noisy"
    path.write_text(f"""#!{real}
import os, subprocess, sys
REAL = {real!r}
if "gcdapp.core.host.server" not in sys.argv:
    os.execv(REAL, [REAL, *sys.argv[1:]])
proc = subprocess.Popen([REAL, *sys.argv[1:]], stdout=subprocess.PIPE, bufsize=0)
out = proc.stdout
def exact(n):
    data = b""
    while len(data) < n:
        chunk = out.read(n - len(data))
        if not chunk:
            sys.exit(1)
        data += chunk
    return data
for _ in range({after_records}):
    header = exact(8)
    os.write(1, header + exact(int.from_bytes(header[4:], "big")))
os.write(1, b"Traceback (most recent call last):\\n")
proc.wait()
""")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_garbage_from_the_host_fails_clearly_and_keeps_what_completed(tmp_path):
    python = other_python("3.12")
    # ready, the warm-up's one answer, then three tasks' outcomes
    noisy = _garbage_wrapper(tmp_path, python.path, after_records=5)
    result = Run(SEED, RunSpec(mode="serial", kernel="euclid", python=noisy, chunksize=1)
                 ).execute()
    assert result.status == "failed"
    assert ("sent something that is not a gcdapp record: "
            "b'Traceback (most recent call last):\\n'") in result.error
    assert result.n_done == 3
    assert [v for v in result.result_list() if v is not None] == list(SEED_RESULTS[:3])


def test_garbage_before_the_first_record_means_the_run_could_not_start(tmp_path):
    python = other_python("3.12")
    noisy = _garbage_wrapper(tmp_path, python.path, after_records=0)
    result = Run(SEED, RunSpec(mode="threads", kernel="euclid", python=noisy)).execute()
    assert result.status == "failed" and result.n_done == 0
    assert result.error.startswith("the run could not start")
    assert "not a gcdapp record: b'Traceback" in result.error


def test_the_running_interpreter_named_as_python_runs_in_process():
    import sys

    from gcdapp.core import backends

    spec = RunSpec(mode="threads", python=sys.executable)
    assert backend_for(spec) is backends.get("threads")
    result = Run(SEED, spec).execute()
    assert result.result_list() == list(SEED_RESULTS)
    assert result.python.executable == sys.executable


def test_a_prepared_backend_runs_on_a_spare_host_and_ends_its_spares():
    from gcdapp.core.backends import host

    other_python("3.12")
    spec = RunSpec(mode="processes", python="3.12", workers=2, kernel="euclid")
    backend = backend_for(spec)

    class Watch(NullObserver):
        seen: list[int] = []

        def pool_ready(self, startup_s):
            self.seen.extend(_host_pids())
    backend.prepare(None)
    try:
        spare = backend._spare
        assert spare is not None and spare.poll() is None
        result = Run(SEED, spec, Watch()).execute()
        assert result.status == "completed" and result.result_list() == list(SEED_RESULTS)
        assert Watch.seen == [spare.pid]  # the run took the spare, fork server and all
        backend._spare_thread.join()
        assert backend._spare.poll() is None and backend._spare.pid != spare.pid
    finally:
        backend._prepared = None
        if backend._spare_thread is not None:
            backend._spare_thread.join()
        host._end_spares()
    assert wait_no_pool_processes(timeout=1.0) == []
