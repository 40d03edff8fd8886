"""A real cluster as a user runs one: ``dask scheduler`` and two ``dask
worker`` processes on 127.0.0.1, started by the venv's ``dask`` command;
the engine and the CLI run against ``--scheduler tcp://127.0.0.1:PORT``."""

from __future__ import annotations

import json
import math
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("distributed")

from distributed import Client  # noqa: E402

from gcdapp.core.backends import dask as dask_backend  # noqa: E402
from gcdapp.core.engine import Run, run_pairs  # noqa: E402
from gcdapp.core.events import NullObserver, RunSpec  # noqa: E402
from gcdapp.core.generate import generate_pairs  # noqa: E402
from tests.conftest import SHARED_PIDS, wait_no_pool_processes  # noqa: E402

DASK = str(Path(sys.executable).with_name("dask"))
ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env() -> dict:
    # Workers import this worktree's gcdapp (and tests), as the test does.
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path}


def _worker(address: str, name: str) -> subprocess.Popen:
    # No nanny: killing this process is losing the worker (a nanny would
    # start it again).
    return subprocess.Popen(
        [DASK, "worker", address, "--nthreads", "1", "--no-dashboard", "--no-nanny",
         "--host", "127.0.0.1", "--name", name],
        env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_for_workers(address: str, n: int) -> list[str]:
    with Client(address, timeout=30) as client:
        client.wait_for_workers(n, timeout=60)
        return sorted(client.scheduler_info(n_workers=-1)["workers"])


def _stop(procs) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@pytest.fixture(scope="module")
def scheduler():
    if not os.path.exists(DASK):
        pytest.skip(f"no dask command at {DASK}")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs = [subprocess.Popen(
        [DASK, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    procs += [_worker(address, f"w{i}") for i in range(2)]
    SHARED_PIDS.update(p.pid for p in procs)
    try:
        workers = _wait_for_workers(address, 2)
        yield address, workers
    finally:
        dask_backend.close_clusters()
        _stop(procs)
        SHARED_PIDS.difference_update(p.pid for p in procs)
    assert wait_no_pool_processes(10) == []


def test_the_engine_runs_on_a_named_scheduler_with_a_lane_per_worker(scheduler):
    address, workers = scheduler
    pairs = generate_pairs(20_000, 6, 3)
    result = run_pairs(pairs, RunSpec(mode="dask", scheduler=address, kernel="euclid",
                                      chunksize=250))
    assert result.status == "completed", result.error
    assert result.result_list() == [math.gcd(int(a), int(b)) for a, b in pairs.tolist()]
    cluster = result.info.cluster
    assert cluster.scheduler == address and not cluster.local
    assert list(cluster.workers) == workers
    # The worker count comes from the scheduler's workers, not this machine.
    assert result.info.workers == 2
    assert sorted(result.tasks.lanes) == workers
    assert not cluster.clock_corrected  # both workers are on this host


def test_the_cli_runs_on_a_named_scheduler_and_reports_the_cluster(scheduler):
    address, workers = scheduler
    proc = subprocess.run(
        [sys.executable, "-m", "gcdapp.cli", "run", "--generate", "2000", "--digits", "6", "--seed", "5",
         "--mode", "dask", "--scheduler", address, "--kernel", "euclid", "--json", "-"],
        capture_output=True, text=True, timeout=120, env=_env())
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    assert record["mode"] == "dask" and record["workers"] == 2
    assert record["cluster"]["scheduler"] == address
    assert record["cluster"]["workers"] == workers
    assert record["cluster"]["local"] is False
    pairs = generate_pairs(2000, 6, 5)
    assert record["results"] == [math.gcd(int(a), int(b)) for a, b in pairs.tolist()]
    assert sorted(lane["label"] for lane in record["lanes"]) == workers


def test_a_lost_worker_is_reported_and_the_run_still_completes(scheduler):
    # Last: it kills a third worker of its own.
    address, workers = scheduler
    doomed = _worker(address, "doomed")
    SHARED_PIDS.add(doomed.pid)
    try:
        doomed_address = (set(_wait_for_workers(address, 3)) - set(workers)).pop()

        class KillOnFirstTask(NullObserver):
            killed_at = None

            def tasks_completed(self, batch):
                lanes = {batch.lanes[i] for i in batch.lane.tolist()}
                if self.killed_at is None and doomed_address in lanes:
                    doomed.kill()  # mid-run: it has its next task by now
                    self.killed_at = batch.n_pairs

        observer = KillOnFirstTask()
        pairs = generate_pairs(150, 5, 9)
        result = Run(pairs, RunSpec(mode="dask", scheduler=address, kernel="euclid",
                                    chunksize=1), observer, kernel=_SLOW).execute()
        assert observer.killed_at is not None, "the doomed worker ran no task"
        assert result.status == "completed", result.error
        assert result.result_list() == [math.gcd(int(a), int(b)) for a, b in pairs.tolist()]
        lost = [n for n in result.notes if n.startswith(f"worker {doomed_address} lost; ")]
        assert lost and lost[0].endswith("re-run"), result.notes
    finally:
        doomed.kill()
        doomed.wait(10)
        SHARED_PIDS.discard(doomed.pid)


def _slow_kernel():
    from gcdapp.core.kernels import Kernel
    from tests.core import faulty_kernels

    return Kernel("slow", faulty_kernels.slow, "slow", "20 ms a pair")


_SLOW = _slow_kernel()
