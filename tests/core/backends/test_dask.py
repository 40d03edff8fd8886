"""The dask backend on a real local cluster (one, shared by this module's
tests): results, lanes, reuse, numpy shipping, cancel, a raising task, the
listening sockets, and a scheduler that cannot be reached."""

from __future__ import annotations

import os
import socket
import threading
import time

import numpy as np
import psutil
import pytest

pytest.importorskip("distributed")

from distributed import Client  # noqa: E402

from gcdapp.core import backends  # noqa: E402
from gcdapp.core.backends import dask as dask_backend  # noqa: E402
from gcdapp.core.engine import Run, run_pairs  # noqa: E402
from gcdapp.core.events import NullObserver, RunSpec  # noqa: E402
from gcdapp.core.presets import SEED_NUMBERS, SEED_RESULTS  # noqa: E402
from tests.conftest import SHARED_PIDS, _is_mp_helper, wait_no_pool_processes  # noqa: E402
from tests.core import faulty_kernels  # noqa: E402

LOOPBACK = {"127.0.0.1", "::1"}
DASHBOARD_PORT = 8787  # Dask's default


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def listening() -> list[tuple[int, str, int]]:
    """(pid, address, port) of every listening socket of this process tree."""
    me = psutil.Process()
    out = []
    for proc in [me, *me.children(recursive=True)]:
        try:
            for conn in proc.net_connections(kind="inet"):
                if conn.status == psutil.CONN_LISTEN:
                    out.append((proc.pid, conn.laddr.ip, conn.laddr.port))
        except psutil.Error:
            continue
    return out


@pytest.fixture(scope="module")
def seed_run():
    """The seed pairs on a fresh two-worker local cluster, which the
    module's tests then share; closed (every process gone) at the end."""
    dask_backend.close_clusters()
    before = {p.pid for p in psutil.Process().children()}
    result = run_pairs(SEED_NUMBERS, RunSpec(mode="dask", workers=2))
    started = {p.pid for p in psutil.Process().children()
               if p.pid not in before and not _is_mp_helper(p)}
    SHARED_PIDS.update(started)
    yield result
    dask_backend.close_clusters()
    SHARED_PIDS.difference_update(started)
    assert wait_no_pool_processes(10) == []


def test_the_seed_pairs_in_dask_mode_return_the_seeds_results(seed_run):
    assert seed_run.status == "completed", seed_run.error
    assert seed_run.result_list() == list(SEED_RESULTS)
    cluster = seed_run.info.cluster
    assert cluster.local and cluster.scheduler.startswith("tcp://127.0.0.1:")
    assert len(cluster.workers) == 2 and seed_run.info.workers == 2
    # One lane per worker thread, labelled by the worker's address.
    assert set(seed_run.tasks.lanes) <= set(cluster.workers)
    assert not cluster.clock_corrected and cluster.dashboard is None


def test_the_local_cluster_is_started_once_and_reused_while_the_worker_count_holds(seed_run):
    first = seed_run.info.cluster
    assert first.start_s > 0  # its start-up, reported apart from the run
    again = run_pairs([(12, 18), (7, 5)], RunSpec(mode="dask", workers=2, kernel="euclid"))
    assert again.status == "completed" and again.result_list() == [6, 1]
    assert again.info.cluster.scheduler == first.scheduler
    assert again.info.cluster.start_s == 0.0
    assert again.wall_s < first.start_s + seed_run.wall_s  # start-up not in the run


def test_chunks_travel_as_int64_arrays_and_results_come_back_as_arrays(seed_run):
    from gcdapp.core.kernels import get_kernel

    backend = backends.get("dask").for_spec(RunSpec(mode="dask", workers=2))
    backend.attach(2)
    call = backend.chunk_call(get_kernel("euclid").func)
    pairs = np.array([[12, 18], [21, 14], [9, 6]] * 20, dtype=np.int64)
    fn, args = call(0, pairs)
    assert isinstance(args[1], np.ndarray) and args[1].dtype == np.int64
    with Client(seed_run.info.cluster.scheduler, timeout=10) as client:
        outcome = client.submit(fn, *args, pure=False).result()
    results = outcome[1]
    assert isinstance(results, np.ndarray) and results.dtype == np.int64
    assert results.tolist() == [6, 7, 3] * 20
    assert outcome[5] in seed_run.info.cluster.workers  # its lane: the worker's address


def test_a_refill_goes_to_the_scheduler_as_one_map_and_keeps_the_task_prefix(seed_run):
    from gcdapp.core.kernels import get_kernel

    backend = backends.get("dask").for_spec(RunSpec(mode="dask", workers=2))
    backend.attach(2)
    executor = backend.create(2, None, get_kernel("euclid").func)
    call = backend.chunk_call(get_kernel("euclid").func)
    pairs = np.array([[12, 18], [21, 14], [9, 6], [7, 5]], dtype=np.int64)
    calls = [call(begin, pairs[begin:begin + 2]) for begin in (0, 2)]
    futures = backend.submit_calls(executor, calls[0][0], [args for _, args in calls])
    outcomes = [future.result(timeout=30) for future in futures]
    assert [o[0] for o in outcomes] == [0, 2]  # in the order given
    assert [o[1].tolist() for o in outcomes] == [[6, 7], [3, 1]]
    assert all(f.key.startswith(dask_backend.TASK_PREFIX) for f in executor._futures)
    assert len(executor._futures) == 2  # cancel on stop finds them


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="no niceness on this OS")
def test_the_local_clusters_workers_run_below_this_process_priority(seed_run):
    with Client(seed_run.info.cluster.scheduler, timeout=10) as client:
        niceness = client.run(os.getpriority, os.PRIO_PROCESS, 0)
    assert set(niceness.values()) == {dask_backend.LOCAL_WORKER_NICENESS}
    assert os.getpriority(os.PRIO_PROCESS, 0) < dask_backend.LOCAL_WORKER_NICENESS


def test_nothing_listens_beyond_loopback_nor_on_the_dashboard_port(seed_run):
    seen = []

    class Look(NullObserver):
        def tasks_completed(self, batch):
            if not seen:
                seen.extend(listening())  # during the run

    pairs = [(10**6 + 3, 10**6 + 7)] * 40
    result = run_pairs(pairs, RunSpec(mode="dask", workers=2, kernel="euclid", chunksize=1),
                       Look())
    assert result.status == "completed"
    assert seen, "no listening socket found: the cluster is not in this process tree"
    assert {address for _, address, _ in seen} <= LOOPBACK, seen
    assert DASHBOARD_PORT not in {port for _, _, port in seen}, seen
    # The scheduler and both workers are among them.
    ports = {port for _, _, port in seen}
    for address in [result.info.cluster.scheduler, *result.info.cluster.workers]:
        assert int(address.rsplit(":", 1)[1]) in ports


def test_cancel_stops_pending_and_running_tasks(seed_run):
    # Hours of brute force per pair: only a cancel ends these tasks.
    pairs = [(10**12 + 39, 10**12 + 61)] * 6
    run = Run(pairs, RunSpec(mode="dask", workers=2, chunksize=1))
    out = {}
    thread = threading.Thread(target=lambda: out.setdefault("result", run.execute()))
    with Client(run.info.cluster.scheduler, timeout=10) as client:

        def executing() -> int:
            counts = client.run(lambda dask_worker: len(dask_worker.state.executing))
            return sum(counts.values())

        thread.start()
        deadline = time.monotonic() + 60
        while executing() < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert executing() == 2  # both workers are inside a task
        t0 = time.monotonic()
        run.cancel()
        thread.join(30)
        took = time.monotonic() - t0
        assert not thread.is_alive()
        result = out["result"]
        assert result.status == "cancelled" and result.n_done == 0
        # No task keeps running on a worker, and none is left pending.
        deadline = time.monotonic() + 10
        while (executing() or client.processing() != {w: () for w in client.processing()}) \
                and time.monotonic() < deadline:
            time.sleep(0.05)
        assert executing() == 0
        assert all(not tasks for tasks in client.processing().values())
    print(f"cancel returned in {took:.3f} s")


def test_a_task_that_raises_ends_the_run_naming_the_pair(seed_run):
    pairs = [(4, 6), (8, 12), (faulty_kernels.TRIGGER, 5), (9, 6)]
    result = Run(pairs, RunSpec(mode="dask", workers=2, kernel="euclid", chunksize=1),
                 kernel=faulty_kernels.RAISES).execute()
    assert result.status == "failed"
    assert result.error == ("pair 3 (13, 5) raised ZeroDivisionError: boom on purpose "
                            "in kernel raises")
    assert 2 in result.failed_pairs


def test_an_unreachable_scheduler_fails_with_a_clear_message():
    port = _free_port()  # nothing listens there
    address = f"tcp://127.0.0.1:{port}"
    result = run_pairs(SEED_NUMBERS, RunSpec(mode="dask", scheduler=address))
    assert result.status == "failed" and result.n_done == 0
    assert result.error.startswith(
        f"the run could not start: ClusterError: cannot reach the Dask scheduler at {address} "
        f"within {dask_backend.CONNECT_TIMEOUT_S:g} s")


def test_a_scheduler_that_is_neither_an_address_nor_a_file_is_refused(tmp_path):
    missing = str(tmp_path / "scheduler.json")
    result = run_pairs(SEED_NUMBERS, RunSpec(mode="dask", scheduler=missing))
    assert result.status == "failed"
    assert (f"scheduler {missing!r} is neither an address (tcp://host:port) nor a "
            "scheduler file that exists") in result.error


def test_tls_files_that_do_not_exist_are_named(tmp_path):
    ca = str(tmp_path / "ca.pem")
    result = run_pairs(SEED_NUMBERS, RunSpec(mode="dask", scheduler="tls://127.0.0.1:1",
                                             tls=f"{ca},{ca}"))
    assert result.status == "failed"
    assert f"tls: no certificate file {ca!r}" in result.error


def test_the_cli_runs_and_sweeps_dask_on_the_local_cluster(seed_run, capsys):
    import json

    from gcdapp.cli.main import main

    assert main(["run", "--preset", "seed", "--mode", "dask", "--workers", "2",
                 "--kernel", "euclid", "--json", "-"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["results"] == list(SEED_RESULTS)
    assert record["cluster"] == {**seed_run.info.cluster.to_json(), "start_s": 0.0}
    assert main(["sweep", "--preset", "seed", "--mode", "dask", "--workers", "2",
                 "--kernel", "euclid", "--json", "-"]) == 0
    sweep = json.loads(capsys.readouterr().out)
    assert sweep["mode"] == "dask" and sweep["status"] == "completed", sweep["error"]
    assert [p["workers"] for p in sweep["points"]] == [2]


def test_the_findings_explain_a_local_cluster_on_these_cores(seed_run):
    from gcdapp.core.findings import run_findings
    from gcdapp.core.history import RunHistory, RunRecord
    from gcdapp.core.pairs import as_pairs, pairs_fingerprint

    fingerprint = pairs_fingerprint(as_pairs(SEED_NUMBERS))
    history = RunHistory()
    serial = run_pairs(SEED_NUMBERS, RunSpec(mode="serial"))
    history.add(RunRecord(history.new_id(), "serial", fingerprint, serial))
    record = RunRecord(history.new_id(), "dask", fingerprint, seed_run)
    history.add(record)
    on_two = [f.text for f in run_findings(record, history, cores=2) if f.kind == "cluster"]
    assert on_two == [
        "Dask ×2 on 2 usable cores: the scheduler and the client (both in this process) "
        "compete with the 2 workers for those cores, so every task also waits for them and "
        "the run stays well below 2× serial; a cluster pays off on more cores or other "
        "machines."]
    # With cores to spare, nothing to explain.
    assert not [f for f in run_findings(record, history, cores=8) if f.kind == "cluster"]


def test_the_dashboard_listens_on_loopback_only_and_is_linked(seed_run):
    # Last: a cluster with the dashboard replaces the shared one.
    result = run_pairs([(12, 18)], RunSpec(mode="dask", workers=2, kernel="euclid",
                                           dashboard=True))
    assert result.status == "completed"
    cluster = result.info.cluster
    assert cluster.scheduler != seed_run.info.cluster.scheduler  # a new cluster
    seen = listening()
    assert {address for _, address, _ in seen} <= LOOPBACK, seen
    try:
        import bokeh  # noqa: F401
    except ImportError:
        assert cluster.dashboard is None
        assert "the Dask dashboard needs bokeh (pip install bokeh); it is off" in result.notes
    else:
        assert cluster.dashboard.startswith("http://127.0.0.1:")
        port = int(cluster.dashboard.split(":")[2].split("/")[0])
        assert port in {p for _, _, p in seen}
    dask_backend.close_clusters()  # its processes are this test's own
    assert wait_no_pool_processes(10) == []
