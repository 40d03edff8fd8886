"""The host's main: ``OTHER_PYTHON -m gcdapp.core.host.server``.

It reads records from its stdin and writes records to its stdout
(:mod:`.protocol`). Both are moved to private descriptors at once: file
descriptor 1 then points at stderr, so a stray ``print`` (a kernel's, a
worker's, a library's) can never corrupt the stream, and worker processes
do not inherit the pipes.

One ``("start", config)`` record builds the executor (:mod:`.pools`); the
host answers ``("ready", facts)`` with this interpreter's facts as observed
here, or ``("refused", reason)``. Then each ``("submit", id, name, args)``
is handed to the executor and its outcome sent back as soon as it is done,
by a writer thread, in completion order. ``("shutdown",)`` (or the end of
stdin: the parent went away) stops the pool and ends the host. Started with
``--prepare=forkserver``, it first starts its fork server, so that a spare
host (:meth:`gcdapp.core.backends.host.HostBackend.prepare`) has it ready.
"""

from __future__ import annotations

import importlib
import os
import queue
import sys
import threading
from concurrent.futures import BrokenExecutor, CancelledError

from gcdapp.core.host import protocol
from gcdapp.core.host.pools import FUNCTIONS, HostRefused, make_executor
from gcdapp.core.python_info import observe

_STOP = object()


class Writer:
    """Sends records from any thread, in the order they are handed over.

    Records are pickled on the thread that hands them over; the writer
    thread sends every record waiting at once, in one ``writev``."""

    def __init__(self, fd: int):
        self._fd = fd
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._loop, name="host-writer", daemon=True)
        self._thread.start()

    def send(self, record: tuple) -> None:
        try:
            parts = protocol.encode_parts(record)
        except Exception as exc:  # an outcome that cannot be pickled
            if record[0] != "done":
                raise
            parts = protocol.encode_parts(("raised", record[1], "error",
                                           f"{type(exc).__name__}: {exc}"))
        self._queue.put(parts)

    def _loop(self) -> None:
        get, waiting = self._queue.get, self._queue.empty
        while True:
            item = get()
            stop = item is _STOP
            parts: list = [] if stop else list(item)
            size = 0 if stop else len(item[1])
            while not stop and size < protocol.WRITE_BATCH and not waiting():
                item = get()
                if item is _STOP:
                    stop = True
                else:
                    parts += item
                    size += len(item[1])
            if parts:
                try:
                    protocol.write_parts(self._fd, parts)
                except OSError:  # the parent went away
                    os._exit(3)
            if stop:
                return

    def close(self) -> None:
        self._queue.put(_STOP)
        self._thread.join()


def _private_pipes() -> tuple[int, int]:
    """Move the protocol to private descriptors; fd 0 becomes /dev/null and
    fd 1 a copy of stderr."""
    proto_in, proto_out = os.dup(0), os.dup(1)  # not inheritable
    for fd in (proto_in, proto_out):
        protocol.enlarge_pipe(fd)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(2, 1)
    return proto_in, proto_out


def _outcome_sender(writer: Writer, task_id: int):
    def report(future) -> None:
        try:
            value = future.result()
        except CancelledError:
            writer.send(("raised", task_id, "error", "the task was cancelled in the host"))
        except BrokenExecutor as exc:
            writer.send(("raised", task_id, "broken", _text(exc)))
        except BaseException as exc:
            writer.send(("raised", task_id, "error", _text(exc)))
        else:
            writer.send(("done", task_id, value))
    return report


def _text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def serve(proto_in: int, proto_out: int) -> int:
    """Run one pool for one parent; the exit status."""
    reader = protocol.RecordReader(proto_in, "gcdapp")
    writer = Writer(proto_out)
    record = reader.read()
    if record is None:
        return 0
    if record[0] != "start" or len(record) != 2 or not isinstance(record[1], dict):
        writer.send(("refused", f"expected a start record, got {record[0]!r}"))
        writer.close()
        return 2
    config = record[1]
    try:
        executor = make_executor(config.get("mode"), config.get("workers"),
                                 config.get("start_method"), config.get("kernel"))
    except HostRefused as exc:
        writer.send(("refused", str(exc)))
        writer.close()
        return 2
    except Exception as exc:
        writer.send(("refused", f"the pool could not be made: {_text(exc)}"))
        writer.close()
        return 2
    writer.send(("ready", observe()))
    status = 0
    try:
        while True:
            record = reader.read()
            if record is None or record[0] == "shutdown":
                break
            if record[0] != "submit" or len(record) != 4:
                raise protocol.ProtocolError(f"gcdapp sent an unknown record {record[0]!r}")
            _, task_id, name, args = record
            function = FUNCTIONS.get(name)
            if function is None:
                writer.send(("raised", task_id, "error", f"no task function {name!r} in the host"))
                continue
            try:
                future = executor.submit(function, *args)
            except BrokenExecutor as exc:
                writer.send(("raised", task_id, "broken", _text(exc)))
                continue
            future.add_done_callback(_outcome_sender(writer, task_id))
    except protocol.ProtocolError as exc:
        print(f"gcdapp host: {exc}", file=sys.stderr)
        status = 2
    executor.shutdown(wait=True, cancel_futures=True)
    writer.send(("bye",))
    writer.close()
    return status


def _prepare(argv: list[str]) -> None:
    """What a spare host does while it waits for its run, so that the run
    does not pay for it: observe this interpreter (its configuration is read
    once and kept), import the kernels and, with ``--prepare=forkserver``,
    the process pool and start this interpreter's fork server, with the
    task modules preloaded."""
    observe()
    importlib.import_module("gcdapp.core.kernels")
    if "--prepare=forkserver" in argv:
        import concurrent.futures.process  # noqa: F401  (what the pool needs)
        import multiprocessing
        from multiprocessing import forkserver

        from gcdapp.core.host.pools import FORKSERVER_PRELOAD

        multiprocessing.get_context("forkserver").set_forkserver_preload(FORKSERVER_PRELOAD)
        forkserver.ensure_running()


def main(argv: list[str] | None = None) -> int:
    proto_in, proto_out = _private_pipes()
    _prepare(sys.argv[1:] if argv is None else argv)
    return serve(proto_in, proto_out)


if __name__ == "__main__":
    sys.exit(main())
