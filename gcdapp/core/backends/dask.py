"""Dask: tasks on a Dask distributed cluster, through
``Client.get_executor(pure=False)`` (``pure=True`` would merge identical
calls into one task).

By default the cluster is a ``LocalCluster`` on this machine, one worker
process with one thread per requested worker, listening on 127.0.0.1 only
and with its dashboard off. It starts when a run first needs it, is reused
by later runs while the worker count and the dashboard choice stay the
same, and is closed by :func:`close_clusters` (the window calls it on quit;
``atexit`` calls it too), leaving no process behind. The run setting
``scheduler`` names another cluster instead (``tcp://host:8786``, or a
scheduler file): the worker count and the lanes then come from its workers.

``distributed`` is imported only here, and only when a dask run is built:
probing this backend's capabilities imports nothing. Chunks travel as int64
numpy arrays and results come back as arrays
(:mod:`gcdapp.core.backends.dask_task`).
"""

from __future__ import annotations

import atexit
import concurrent.futures as cf
import copy
import importlib.util
import logging
import os
import socket
import sys
import threading
import uuid
from time import perf_counter, perf_counter_ns

from gcdapp.core.backends.base import Backend, Capabilities, shutdown
from gcdapp.core.system import usable_cores
from gcdapp.core.tasks import kernel_reference

#: How long connecting to a named scheduler (or starting a local cluster's
#: workers) may take before the run fails with a clear message.
CONNECT_TIMEOUT_S = 3.0
LOCAL_START_TIMEOUT_S = 60.0
#: The prefix of the keys Dask gives this backend's tasks (the function's name).
TASK_PREFIX = "run_dask_chunk-"
_LOOPBACK = "127.0.0.1"


class ClusterError(RuntimeError):
    """The cluster cannot be started or reached; the message says why."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((_LOOPBACK, 0))
        return sock.getsockname()[1]


class _Cluster:
    """A connection to a cluster: its client and, for a local cluster, the
    ``LocalCluster`` gcdapp started."""

    def __init__(self, key: tuple, client, local_cluster=None, dashboard=None, start_s=0.0):
        self.key = key
        self.client = client
        self.local_cluster = local_cluster
        self.dashboard = dashboard
        #: start-up not yet reported by a run (the first run reports it)
        self.unreported_start_s = start_s
        #: worker address -> (clock offset in ns, on another host)
        self.offsets: dict[str, tuple[int, bool]] = {}
        self.notes: list[str] = []

    @property
    def local(self) -> bool:
        return self.local_cluster is not None

    @property
    def scheduler(self) -> str:
        return self.client.scheduler.address

    def workers(self) -> dict[str, int]:
        """Each worker's address and thread count, as the scheduler knows them."""
        info = self.client.scheduler_info()
        if "n_workers" in info:  # newer distributed lists only some workers by default
            info = self.client.scheduler_info(n_workers=-1)
        return {addr: int(w.get("nthreads", 1)) for addr, w in info["workers"].items()}

    def estimate_offsets(self) -> None:
        """Each new worker's clock offset, from one round trip: its
        ``perf_counter_ns`` against the midpoint of the call here. Applied
        only to workers on another host (this machine's clock is
        system-wide, so there the estimate is only noise)."""
        from gcdapp.core.backends.dask_task import clock_probe

        known = set(self.offsets)
        if set(self.workers()) <= known:
            return
        before = perf_counter_ns()
        replies = self.client.run(clock_probe)
        after = perf_counter_ns()
        here = socket.gethostname()
        for address, (worker_ns, host, _pid) in replies.items():
            if address not in known:
                offset = worker_ns - (before + after) // 2
                self.offsets[address] = (offset, host != here)

    def alive(self) -> bool:
        return self.client.status == "running"

    def close(self) -> None:
        try:
            self.client.close(timeout=5)
        except Exception:
            pass
        if self.local_cluster is not None:
            try:
                self.local_cluster.close(timeout=10)
            except Exception:
                pass


_clusters: dict[tuple, _Cluster] = {}
_lock = threading.RLock()
_atexit_registered = False


def close_clusters() -> None:
    """Close every cluster connection, and every local cluster gcdapp
    started (its worker processes end). Safe to call again."""
    with _lock:
        clusters = list(_clusters.values())
        _clusters.clear()
    for cluster in clusters:
        cluster.close()


def local_cluster_running() -> bool:
    with _lock:
        return any(c.local for c in _clusters.values())


def _register_atexit() -> None:
    global _atexit_registered
    if not _atexit_registered:
        _atexit_registered = True
        atexit.register(close_clusters)


def _security(tls: str):
    """Dask ``Security`` from ``"ca,cert[,key]"`` certificate files."""
    from distributed.security import Security

    files = [part.strip() for part in tls.split(",") if part.strip()]
    if len(files) not in (2, 3):
        raise ClusterError(
            f"tls should be 'ca-file,cert-file[,key-file]' (two or three files), got {tls!r}")
    for path in files:
        if not os.path.isfile(path):
            raise ClusterError(f"tls: no certificate file {path!r}")
    ca, cert, key = (files + [None])[:3]
    return Security(tls_ca_file=ca, tls_client_cert=cert, tls_client_key=key,
                    require_encryption=True)


#: Dask settings for the local cluster gcdapp starts: every submitted task
#: goes to a worker at once (the engine keeps only a few dozen in flight), so
#: no worker idles waiting for the scheduler between tasks; and no
#: statistical profiler sampling the workers' threads every 10 ms.
_LOCAL_CONFIG = {
    "distributed.scheduler.worker-saturation": float("inf"),
    "distributed.worker.profile.enabled": False,
}


#: The niceness of the local cluster's worker processes (POSIX; the window
#: and the scheduler in this process stay at 0). Measured on 2 cores during a
#: 1M-pair run from the window: the longest GUI stall 127 ms at 0, 54 ms at 5.
LOCAL_WORKER_NICENESS = 5


def _worker_priority_plugin():
    from gcdapp.core.backends.dask_task import WorkerPriority

    return WorkerPriority


def _start_local(workers: int, dashboard: bool) -> _Cluster:
    import dask
    from distributed import Client, LocalCluster

    key = ("local", workers, dashboard)
    dashboard_address = f"{_LOOPBACK}:{_free_port()}" if dashboard else None
    # With the dashboard off the scheduler still serves a small HTTP API
    # (health, metrics), on its default dashboard port 8787 unless told:
    # put it on a free loopback port instead.
    scheduler_kwargs = {} if dashboard else {"dashboard": False,
                                             "dashboard_address": f"{_LOOPBACK}:0"}
    t0 = perf_counter()
    with dask.config.set(_LOCAL_CONFIG):  # read by the scheduler, and the workers' nannies
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, host=_LOOPBACK,
            scheduler_port=0, dashboard_address=dashboard_address,
            worker_dashboard_address=None, silence_logs=logging.ERROR,
            scheduler_kwargs=scheduler_kwargs,
        )
    try:
        # Results come straight from the workers, not through the scheduler
        # (which runs in this process and would handle every byte twice).
        client = Client(cluster, timeout=LOCAL_START_TIMEOUT_S, direct_to_workers=True)
        client.wait_for_workers(workers, timeout=LOCAL_START_TIMEOUT_S)
        # Below the window in the CPU's queue: on a machine the workers fill,
        # the GUI thread (and this process's scheduler) still get their turn.
        client.register_plugin(_worker_priority_plugin()(LOCAL_WORKER_NICENESS),
                               name="gcdapp-worker-priority")
    except BaseException:
        cluster.close()
        raise
    link = None
    if dashboard:
        link = cluster.dashboard_link if importlib.util.find_spec("bokeh") else None
    handle = _Cluster(key, client, cluster, link, perf_counter() - t0)
    if dashboard and link is None:
        handle.notes.append("the Dask dashboard needs bokeh (pip install bokeh); it is off")
    return handle


def _connect(scheduler: str, tls: str) -> _Cluster:
    from distributed import Client

    key = ("scheduler", scheduler, tls)
    kwargs = {"timeout": CONNECT_TIMEOUT_S}
    if tls:
        kwargs["security"] = _security(tls)
    if "://" in scheduler:
        target = scheduler
    elif os.path.isfile(scheduler):
        kwargs["scheduler_file"], target = scheduler, None
    else:
        raise ClusterError(
            f"scheduler {scheduler!r} is neither an address (tcp://host:port) "
            "nor a scheduler file that exists")
    t0 = perf_counter()
    try:
        client = Client(target, **kwargs) if target else Client(**kwargs)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(
            f"cannot reach the Dask scheduler at {scheduler} within "
            f"{CONNECT_TIMEOUT_S:g} s ({type(exc).__name__}: {exc})") from None
    return _Cluster(key, client, None, None, perf_counter() - t0)


def _cluster_for(scheduler: str, workers: int, dashboard: bool, tls: str) -> _Cluster:
    """The cluster a run uses: the one already up when it fits, else a new
    one (a local cluster of another size is closed first)."""
    key = ("scheduler", scheduler, tls) if scheduler else ("local", workers, dashboard)
    with _lock:
        cluster = _clusters.get(key)
        if cluster is not None and cluster.alive():
            return cluster
        if cluster is not None:
            _clusters.pop(key).close()
        if not scheduler:
            for other in [k for k, c in _clusters.items() if c.local]:
                _clusters.pop(other).close()
        _register_atexit()
        cluster = _connect(scheduler, tls) if scheduler else _start_local(workers, dashboard)
        _clusters[key] = cluster
        return cluster


class DaskBackend(Backend):
    name = "dask"
    title = "Dask"
    description = (
        "Dask distributed: a local cluster of worker processes on this machine "
        "(127.0.0.1 only), or any scheduler you name; chunks travel as numpy arrays."
    )
    # Workers are up when the cluster is: no warm-up tasks (Dask would not
    # spread them one per worker anyway).
    warm_up_needed = False

    def __init__(self):
        self._scheduler = ""
        self._dashboard = False
        self._tls = ""
        self._token = ""
        self._cluster: _Cluster | None = None
        self._since = 0.0

    def probe_capabilities(self):
        reason = None
        if getattr(sys, "frozen", False):
            reason = ("Dask is not included in the frozen build; install gcdapp with pip "
                      "for the dask mode")
        elif importlib.util.find_spec("distributed") is None:
            reason = "needs the distributed package (pip install distributed)"
        return Capabilities(out_of_process=True, isolated=True, cluster=True,
                            unavailable_reason=reason)

    def for_spec(self, spec):
        from distributed import KilledWorker

        bound = copy.copy(self)
        bound._scheduler = (spec.scheduler or "").strip()
        bound._dashboard = bool(spec.dashboard)
        bound._tls = (spec.tls or "").strip()
        bound._token = uuid.uuid4().hex
        bound._cluster = None
        # A task that killed its workers again and again ends the run.
        bound.failure_types = (cf.BrokenExecutor, KilledWorker)
        return bound

    # -- the cluster ---------------------------------------------------------
    def prepare(self, start_method=None):
        """Nothing ahead of time: a local cluster starts with the first dask
        run (its size is the run's), and its start is reported apart."""

    def attach(self, requested_workers):
        from gcdapp.core.events import ClusterInfo

        workers = requested_workers or usable_cores()
        cluster = _cluster_for(self._scheduler, workers, self._dashboard, self._tls)
        self._cluster = cluster
        found = cluster.workers()
        if not found:
            raise ClusterError(f"the Dask scheduler at {cluster.scheduler} has no workers")
        cluster.estimate_offsets()
        start_s, cluster.unreported_start_s = cluster.unreported_start_s, 0.0
        return ClusterInfo(
            scheduler=cluster.scheduler,
            workers=tuple(sorted(found)),
            local=cluster.local,
            dashboard=cluster.dashboard,
            start_s=start_s,
            clock_corrected=any(remote for _, remote in cluster.offsets.values()),
        )

    def resolve_workers(self, requested):
        if self._cluster is None:  # could not attach: the run fails to start
            return requested or usable_cores()
        return max(1, sum(self._cluster.workers().values()))

    # -- running -------------------------------------------------------------
    def create(self, workers, start_method, kernel=None):
        from gcdapp.core.backends.dask_task import warm

        cluster = self._cluster
        if cluster is None:
            raise ClusterError("no Dask cluster")
        events = cluster.client.get_events("all")
        self._since = max((stamp for stamp, _ in events), default=0.0)
        # Install the kernel on every worker now (a native one compiles):
        # start-up, not the first tasks.
        cluster.client.run(warm, kernel_reference(kernel))
        return cluster.client.get_executor(pure=False)

    def chunk_call(self, kernel):
        from gcdapp.core.backends.dask_task import run_dask_chunk

        reference, token = kernel_reference(kernel), self._token

        def call(begin, chunk):
            return run_dask_chunk, (begin, chunk.copy(), reference, token)

        return call

    def submit_calls(self, executor, fn, arg_lists):
        """One ``Client.map`` for the whole refill: a single graph update
        for the scheduler, not one per task (measured here on 100 tasks of
        160 kB: 0.43 s one by one, 0.18 s in maps of 8)."""
        if executor._shutdown:
            raise RuntimeError("cannot schedule new futures after shutdown")
        futures = executor._client.map(fn, *zip(*arg_lists), **executor._kwargs)
        executor._futures.update(futures)
        return [executor._wrap_future(future) for future in futures]

    def max_inflight(self, workers):
        return max(32, workers * 8)

    def _address(self, thread: str) -> str:
        return thread.split(" ", 1)[0]

    def clock_offset_ns(self, pid, thread):
        cluster = self._cluster
        if cluster is None:
            return 0
        offset, remote = cluster.offsets.get(self._address(thread), (0, False))
        return offset if remote else 0

    def lane_label(self, pid, thread):
        if self.clock_offset_ns(pid, thread):
            return f"{thread} (clock corrected)"
        return thread

    def stop(self, executor, *, terminate):
        if not terminate:
            shutdown(executor, wait=True, cancel_futures=False)
            return
        from gcdapp.core.backends.dask_task import stop_run

        client = self._cluster.client
        futures = list(getattr(executor, "_futures", ()))
        executor._shutdown = True  # submits nothing more
        try:
            # Running tasks stop at their next look; pending ones are dropped.
            client.run(stop_run, self._token)
            if futures:
                client.cancel(futures, force=True)
        except Exception:  # the cluster went away: nothing left to stop
            pass

    def notes(self, executor):
        cluster = self._cluster
        if cluster is None:
            return ()
        out, cluster.notes = list(cluster.notes), []
        try:
            events = cluster.client.get_events("all")
        except Exception:
            return tuple(out)
        for stamp, event in events:
            if stamp <= self._since or not isinstance(event, dict):
                continue
            if event.get("action") != "remove-worker":
                continue
            keys = set(event.get("processing-tasks", ())) | set(
                event.get("lost-computed-tasks", ()))
            ours = sum(1 for k in keys if str(k).startswith(TASK_PREFIX))
            out.append(f"worker {event.get('worker', '?')} lost; "
                       f"{ours} task{'s' if ours != 1 else ''} re-run")
        return tuple(out)


__all__ = ["CONNECT_TIMEOUT_S", "ClusterError", "DaskBackend", "close_clusters",
           "local_cluster_running"]
