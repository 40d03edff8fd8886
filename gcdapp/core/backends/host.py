"""Runs in another Python: a backend whose executor is a worker host
(:mod:`gcdapp.core.host`) started in that interpreter.

:class:`HostBackend` wraps one of the built-in modes (serial, threads,
processes, interpreters) for one probed interpreter. The engine drives its
:class:`HostExecutor` like any executor: ``submit`` sends the task by name
to the host and returns a Future that the reader thread resolves from the
records the host streams back. A host that dies or writes anything but
records breaks the executor (:class:`BrokenHost`, a ``BrokenExecutor``), so
the engine ends the run with the reason and keeps what completed.

The host runs in its own process group (a new session): cancel kills the
group, and any descendant that left it, at once.
"""

from __future__ import annotations

import atexit
import concurrent.futures as cf
import itertools
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import Executor, Future
from dataclasses import replace
from pathlib import Path

from gcdapp.core import tasks
from gcdapp.core.backends.base import Backend, Capabilities
from gcdapp.core.host import protocol
from gcdapp.core.python_info import PythonInfo

#: How long a host may take to start and build its pool.
START_TIMEOUT_S = 60.0
#: How long a clean shutdown may take before the host is killed.
SHUTDOWN_TIMEOUT_S = 30.0
#: Modes a host can run.
HOST_MODES = ("serial", "threads", "processes", "interpreters")
_STDERR_KEPT = 4096
_TASK_NAMES = {
    tasks.run_chunk: "run_chunk",
    tasks.run_packed: "run_packed",
    tasks.warm_up: "warm_up",
}


class BrokenHost(cf.BrokenExecutor):
    """The host died, or sent something that is not a record."""


class HostTaskError(RuntimeError):
    """A task raised in the host outside the kernel (the host's own words)."""


class HostStartError(RuntimeError):
    """The host could not start its pool."""


def source_root() -> Path:
    """The directory holding gcdapp's package: what the host's PYTHONPATH gets."""
    import gcdapp

    return Path(gcdapp.__file__).resolve().parent.parent


def _signal_text(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exit code {returncode}"


def _psutil():
    try:
        import psutil
    except ImportError:  # psutil is a dependency; the group kill still holds
        return None
    return psutil


def kill_tree(pid: int, *, alive: bool = True, wait: bool = True) -> list:
    """SIGKILL the process group ``pid`` leads and, while ``pid`` itself is
    ``alive`` (not yet reaped: its pid cannot have been reused), every
    descendant psutil can see (one that started its own session).

    ``wait``: until each descendant has ended; else they are returned, for
    :func:`wait_dead` (none can run any more: SIGKILL is not waited for)."""
    descendants = []
    psutil = None
    if alive:
        psutil = _psutil()
        try:
            if psutil is not None:
                descendants = psutil.Process(pid).children(recursive=True)
        except Exception:  # gone meanwhile
            descendants = []
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    for child in descendants:
        try:
            child.kill()
        except Exception:  # gone already
            pass
    if not wait:
        return descendants
    wait_dead(descendants)
    return []


def wait_dead(processes, timeout: float = 1.0) -> None:
    """Wait until each of ``processes`` (psutil's, from :func:`kill_tree`)
    has ended."""
    psutil = _psutil() if processes else None
    if psutil is not None:
        _wait_dead(psutil, processes, timeout=timeout)


def _wait_dead(psutil, processes, timeout: float) -> None:
    """Wait until each of ``processes`` has ended (a zombie has: it no longer
    runs, and init reaps it once its parent, the host, is gone)."""
    deadline = time.monotonic() + timeout
    left = list(processes)
    while left and time.monotonic() < deadline:
        still = []
        for proc in left:
            try:
                if proc.status() != psutil.STATUS_ZOMBIE:
                    still.append(proc)
            except psutil.Error:
                pass
        left = still
        if left:
            time.sleep(0.005)


def start_host(python: str, env: dict[str, str], *args: str) -> subprocess.Popen:
    """A host process of ``python`` in its own session (process group),
    waiting for its start record."""
    process = subprocess.Popen(
        [python, "-s", "-m", "gcdapp.core.host.server", *args],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        bufsize=0, env=env, start_new_session=True, close_fds=True,
    )
    for stream in (process.stdin, process.stdout):
        protocol.enlarge_pipe(stream.fileno())
    return process


#: Spare hosts started by :meth:`HostBackend.prepare`, ended at exit.
_spares: set[subprocess.Popen] = set()
_spares_lock = threading.Lock()


def _end_spares() -> None:
    with _spares_lock:
        spares = list(_spares)
        _spares.clear()
    for proc in spares:
        kill_tree(proc.pid, alive=proc.poll() is None)
        try:
            proc.wait(timeout=5.0)
        except subprocess.TimeoutExpired:
            pass
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            stream.close()


atexit.register(_end_spares)


class HostExecutor(Executor):
    """An executor whose workers live in a host process of another Python."""

    def __init__(self, python: str, *, mode: str, workers: int, start_method: str | None,
                 kernel, env: dict[str, str], name: str,
                 start_timeout: float = START_TIMEOUT_S,
                 process: subprocess.Popen | None = None):
        """``process``: a host already started (:func:`start_host`) to use."""
        #: What the user reads for this host: "the Python 3.12.1 host".
        self.name = name
        #: The interpreter as the host observed it, once it is ready.
        self.python: PythonInfo | None = None
        #: Why the host broke, once it has.
        self.failure_reason: str | None = None
        self._pending: dict[int, Future] = {}
        self._ids = itertools.count()
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._ready = threading.Event()
        self._refused: str | None = None
        self._stopping = False
        self._stderr_tail = bytearray()
        reference = tasks.kernel_reference(kernel)
        if not isinstance(reference, tuple):
            raise HostStartError(f"kernel {kernel!r} cannot be found by name, so it cannot run "
                                 "in another Python")
        if process is None:
            try:
                process = start_host(python, env)
            except OSError as exc:
                raise HostStartError(
                    f"{name} could not be started: {exc.strerror or exc}") from None
        self._proc = process
        self.pid = self._proc.pid
        self._in = self._proc.stdin.fileno()
        self._reader = protocol.RecordReader(self._proc.stdout.fileno(), name)
        self._threads = [
            threading.Thread(target=self._read_loop, name="host-reader", daemon=True),
            threading.Thread(target=self._drain_stderr, name="host-stderr", daemon=True),
            threading.Thread(target=self._watch, name="host-watch", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        config = {"mode": mode, "workers": workers, "start_method": start_method,
                  "kernel": reference}
        try:
            self._send(("start", config))
        except BrokenHost:
            pass  # the reader says why
        if not self._ready.wait(start_timeout):
            self._kill()
            raise HostStartError(f"{name} did not start within {start_timeout:g} s")
        if self._refused is not None or self.python is None:
            reason = self._refused or self.failure_reason or "it ended before it was ready"
            self._kill()
            raise HostStartError(f"{name} refused the run: {reason}" if self._refused
                                 else reason)

    # -- talking to the host ---------------------------------------------------
    def _send(self, record: tuple) -> None:
        data = protocol.encode(record)
        with self._write_lock:
            try:
                protocol.write_all(self._in, data)
            except OSError:
                raise BrokenHost(self.failure_reason or f"{self.name} is gone") from None

    def submit(self, fn, /, *args, **kwargs) -> Future:
        name = _TASK_NAMES.get(fn)
        if name is None or kwargs:
            raise ValueError(f"only gcdapp's task functions run in another Python, not {fn!r}")
        future: Future = Future()
        future.set_running_or_notify_cancel()
        with self._lock:
            if self.failure_reason is not None or self._stopping:
                raise BrokenHost(self.failure_reason or f"{self.name} is stopping")
            task_id = next(self._ids)
            self._pending[task_id] = future
        try:
            self._send(("submit", task_id, name, args))
        except BrokenHost:
            with self._lock:
                self._pending.pop(task_id, None)
            raise
        return future

    def _read_loop(self) -> None:
        reader = self._reader
        try:
            while True:
                record = reader.read()
                if record is None:
                    break
                kind = record[0]
                if kind == "done" and len(record) == 3:
                    with self._lock:
                        future = self._pending.pop(record[1], None)
                    if future is not None:
                        future.set_result(record[2])
                elif kind == "raised" and len(record) == 4:
                    with self._lock:
                        future = self._pending.pop(record[1], None)
                    if future is not None:
                        if record[2] == "broken":
                            future.set_exception(BrokenHost(f"in {self.name}: {record[3]}"))
                        else:
                            future.set_exception(HostTaskError(record[3]))
                elif kind == "ready" and len(record) == 2:
                    try:
                        self.python = PythonInfo.from_json(record[1])
                    except ValueError as exc:
                        raise protocol.ProtocolError(
                            f"{self.name} described its interpreter wrongly: {exc}") from None
                    self._ready.set()
                elif kind == "refused" and len(record) == 2:
                    self._refused = str(record[1])
                    self._ready.set()
                elif kind == "bye":
                    pass
                else:
                    raise protocol.ProtocolError(
                        f"{self.name} sent an unknown record {kind!r} ({len(record)} fields)")
        except protocol.ProtocolError as exc:
            self._break(str(exc))
            self._kill()
            return
        except OSError as exc:
            self._break(f"{self.name}'s output could not be read: {exc}")
            self._kill()
            return
        # The end of its output: the host exited, or is about to.
        try:
            returncode = self._proc.wait(timeout=2.0)
        except subprocess.TimeoutExpired:
            self._kill()
            returncode = self._proc.wait()
        if not self._stopping:
            detail = _signal_text(returncode)
            last = self._last_stderr_line()
            self._break(f"{self.name} ended abruptly ({detail})" + (f": {last}" if last else ""))

    def _watch(self) -> None:
        """When the host ends, whatever it left in its group goes too (a
        forked worker holding the pipe would otherwise keep it open)."""
        self._proc.wait()
        kill_tree(self._proc.pid, alive=False)

    def _drain_stderr(self) -> None:
        stream = self._proc.stderr
        while True:
            try:
                chunk = stream.read(4096)
            except (OSError, ValueError):
                return
            if not chunk:
                return
            tail = self._stderr_tail
            tail += chunk
            del tail[:-_STDERR_KEPT]

    def _last_stderr_line(self) -> str:
        lines = [line.strip() for line in bytes(self._stderr_tail).decode("utf-8", "replace")
                 .splitlines() if line.strip()]
        return lines[-1][:200] if lines else ""

    def _break(self, reason: str) -> None:
        """Fail every pending task with ``reason`` (the first reason wins)."""
        with self._lock:
            if self.failure_reason is None:
                self.failure_reason = reason
            pending, self._pending = list(self._pending.values()), {}
        exc_reason = self.failure_reason
        for future in pending:
            if not future.done():
                future.set_exception(BrokenHost(exc_reason))
        self._ready.set()

    def _kill(self) -> None:
        kill_tree(self._proc.pid, alive=self._proc.poll() is None)
        try:
            self._proc.wait(timeout=5.0)
        except subprocess.TimeoutExpired:
            pass

    # -- stopping ----------------------------------------------------------------
    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False,
                 kill: bool = False) -> None:
        """Stop the host. ``kill`` (or ``cancel_futures``): at once, killing
        it and everything under it; else ask it to finish and wait."""
        with self._lock:
            already = self._stopping
            self._stopping = True
        with self._lock:
            idle = not self._pending
        if not already:
            if idle and not (kill or cancel_futures):
                # A clean end: every outcome is in, so the host and its group
                # are killed now (SIGKILL: none of them runs another
                # instruction) and reaped in the background: the run does not
                # wait for the kernel to tear down processes that can no
                # longer run.
                left = kill_tree(self._proc.pid, alive=self._proc.poll() is None, wait=False)
                threading.Thread(target=self._reap, args=(left,), name="host-reap",
                                 daemon=True).start()
                return
            if kill or cancel_futures or idle:
                # No outcome is wanted: it ends at once, with its group.
                self._kill()
            else:
                try:
                    self._send(("shutdown",))
                    self._proc.wait(timeout=SHUTDOWN_TIMEOUT_S)
                except (BrokenHost, subprocess.TimeoutExpired):
                    pass
                self._kill()  # whatever is left of its group
        self._finish(wait or kill or cancel_futures)

    def _reap(self, killed: list) -> None:
        """After a clean end's kill: wait for what was killed, and finish."""
        wait_dead(killed)
        try:
            self._proc.wait(timeout=5.0)
        except subprocess.TimeoutExpired:
            pass
        self._finish(True)

    def _finish(self, join: bool) -> None:
        if join:
            for thread in self._threads:
                thread.join(timeout=5.0)
        with self._lock:
            pending, self._pending = list(self._pending.values()), {}
        for future in pending:
            future.cancel() or future.done() or future.set_exception(
                BrokenHost(f"{self.name} was stopped"))
        for stream in (self._proc.stdin, self._proc.stdout, self._proc.stderr):
            try:
                stream.close()
            except OSError:
                pass


class HostBackend(Backend):
    """One of the built-in modes, run by a host in another interpreter.

    ``interpreter`` is a :class:`~gcdapp.core.pythons.discovery.Interpreter`
    (path and probe); ``inner`` the backend of the same mode in this process,
    whose name, lane labels and start methods it keeps."""

    failure_types = (cf.BrokenExecutor,)
    warm_up_needed = True

    def __init__(self, interpreter, inner: Backend):
        self._spare_lock = threading.Lock()
        self.interpreter = interpreter
        self.inner = inner
        self.name = inner.name
        probe = interpreter.probe
        self.version = probe.version or "?"
        self.title = inner.title
        self.description = f"{inner.description} Run in Python {self.version} ({interpreter.path})."

    @property
    def host_name(self) -> str:
        return f"the Python {self.version} host"

    def probe_capabilities(self) -> Capabilities:
        probe = self.interpreter.probe
        inner_caps = self.inner.capabilities
        reason = None
        if getattr(sys, "frozen", False):
            reason = "the frozen build has no source files to start a host with"
        elif probe.unusable_reason is not None:
            reason = f"Python at {self.interpreter.path} cannot be used: {probe.unusable_reason}"
        elif self.name not in HOST_MODES:
            reason = f"{self.name} mode runs only in gcdapp's own interpreter"
        elif self.name == "interpreters" and not probe.subinterpreters.usable:
            reason = (f"subinterpreters in Python {self.version} are "
                      f"{probe.subinterpreters.describe()}")
        return replace(inner_caps, out_of_process=True, isolated=True, unavailable_reason=reason)

    def kernel_problem(self, kernel) -> str | None:
        if kernel.native and not self.interpreter.probe.numba:
            return (f"Python {self.version} at {self.interpreter.path} has no numba, which "
                    f"the native kernels need (install it there, or pick another kernel)")
        return None

    def python_info(self) -> PythonInfo:
        probe = self.interpreter.probe
        return PythonInfo(version=self.version, executable=probe.executable or self.interpreter.path,
                          free_threaded_build=probe.free_threaded_build,
                          gil_enabled=probe.gil_enabled,
                          implementation=probe.implementation or "cpython")

    def observed_python(self, executor) -> PythonInfo | None:
        return getattr(executor, "python", None)

    def environment(self) -> dict[str, str]:
        """The host's environment: this one without PYTHON* settings (they
        belong to gcdapp's own Python), gcdapp's sources and, where needed,
        for interpreters mode, the subinterpreter backport on PYTHONPATH
        (subinterpreters build their path from it; other modes never see
        it, as pyenv's 3.12.1 crashes importing it), and numba's compile
        cache."""
        from gcdapp.core.pythons import backport

        probe = self.interpreter.probe
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        paths = [str(source_root())]
        if (self.name == "interpreters" and probe.version_info is not None
                and tuple(probe.version_info[:2]) < (3, 14)):
            target = backport.backport_dir(probe.ext_suffix)
            if backport.is_installed(target):
                paths.append(str(target))
        env["PYTHONPATH"] = os.pathsep.join(paths)
        env["PYTHONSAFEPATH"] = "1"
        env["PYTHONIOENCODING"] = "utf-8"
        if probe.numba and "NUMBA_CACHE_DIR" not in env:
            from gcdapp.core import native

            env["NUMBA_CACHE_DIR"] = native.cache_dir()
        return env

    # -- a spare host, like the fork server of in-app processes -----------------
    _spare: subprocess.Popen | None = None
    _spare_method: str | None = None
    _prepared: str | None = None
    _spare_thread: threading.Thread | None = None

    def _prepare_args(self, start_method: str | None) -> tuple[str, ...]:
        if self.name != "processes":
            return ()
        method = start_method or self.capabilities.default_start_method
        return ("--prepare=forkserver",) if method == "forkserver" else ()

    def prepare(self, start_method=None):
        """Start a spare host now (with its fork server, for processes), so
        that the next run does not wait for the interpreter to start; after
        each run another spare is started, until this process exits. A
        spare sits idle on its stdin and ends when this process does."""
        if not self.capabilities.available:
            return
        _psutil()  # imported now, not in the first run's stop
        self._prepared = self._method(start_method) or ""
        self._start_spare()

    def _method(self, start_method: str | None) -> str | None:
        caps = self.capabilities
        return (start_method or caps.default_start_method) if caps.takes_start_method else None

    def _start_spare(self) -> None:
        method = self._prepared or None
        with self._spare_lock:
            if self._spare is not None and self._spare.poll() is None:
                return
            try:
                spare = start_host(self.interpreter.path, self.environment(),
                                   *self._prepare_args(method))
            except OSError:
                return  # the run starts its own host and says what fails
            with _spares_lock:
                _spares.add(spare)
            self._spare, self._spare_method = spare, method

    def _take_spare(self, start_method: str | None) -> subprocess.Popen | None:
        with self._spare_lock:
            spare, self._spare = self._spare, None
            method = self._spare_method
        if spare is None:
            return None
        with _spares_lock:
            _spares.discard(spare)
        if spare.poll() is None and method == self._method(start_method):
            return spare
        kill_tree(spare.pid, alive=spare.poll() is None)
        spare.wait()
        for stream in (spare.stdin, spare.stdout, spare.stderr):
            stream.close()
        return None

    def create(self, workers, start_method, kernel=None):
        return HostExecutor(self.interpreter.path, mode=self.name, workers=workers,
                            start_method=start_method, kernel=kernel,
                            env=self.environment(), name=self.host_name,
                            process=self._take_spare(start_method))

    def max_inflight(self, workers):
        return max(64, workers * 32)

    def lane_label(self, pid, thread):
        return self.inner.lane_label(pid, thread)

    def stop(self, executor, *, terminate):
        executor.shutdown(wait=True, kill=terminate)
        if self._prepared is not None:  # the next run's host, started meanwhile
            self._spare_thread = threading.Thread(target=self._start_spare, name="host-spare",
                                                  daemon=True)
            self._spare_thread.start()

    def worker_handles(self, executor):
        return [executor]

    def describe_failure(self, handles):
        reasons = [h.failure_reason for h in handles if getattr(h, "failure_reason", None)]
        return reasons[0] if reasons else ""
