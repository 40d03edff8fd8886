"""The host's main, spoken to by hand over its pipes (in this interpreter:
the host is plain stdlib Python; other interpreters are in
tests/core/backends/test_host.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gcdapp.core.host import protocol
from gcdapp.core.python_info import observe

ROOT = str(Path(__file__).resolve().parents[3])


@pytest.fixture
def host():
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = ROOT
    proc = subprocess.Popen([sys.executable, "-m", "gcdapp.core.host.server"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, bufsize=0, env=env)
    reader = protocol.RecordReader(proc.stdout.fileno(), "host")

    def send(record):
        protocol.write_all(proc.stdin.fileno(), protocol.encode(record))

    yield proc, send, reader
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        stream.close()


def _start(send, reader, mode="threads", kernel=("gcdapp.core.kernels", "euclid")):
    send(("start", {"mode": mode, "workers": 2, "start_method": None, "kernel": kernel}))
    return reader.read()


def test_ready_with_its_facts_then_tasks_then_bye(host):
    proc, send, reader = host
    kind, facts = _start(send, reader)
    assert kind == "ready" and facts == observe()
    send(("submit", 1, "warm_up", ()))
    send(("submit", 2, "run_chunk", (0, [(12, 18), (35, 21)])))
    got = {}
    for _ in range(2):
        record = reader.read()
        assert record[0] == "done"
        got[record[1]] = record[2]
    assert got[1] == proc.pid
    assert list(got[2][1]) == [6, 7]
    send(("shutdown",))
    assert reader.read() == ("bye",)
    assert reader.read() is None
    assert proc.wait(timeout=30) == 0


def test_a_kernel_from_main_is_refused_and_the_host_ends(host):
    proc, send, reader = host
    kind, reason = _start(send, reader, "interpreters", ("__main__", "mine"))
    assert kind == "refused" and "defined in __main__" in reason
    assert reader.read() is None
    assert proc.wait(timeout=30) == 2


def test_an_unknown_task_name_is_an_error_for_that_task_only(host):
    proc, send, reader = host
    assert _start(send, reader)[0] == "ready"
    send(("submit", 5, "os.system", ("true",)))
    assert reader.read() == ("raised", 5, "error", "no task function 'os.system' in the host")
    send(("submit", 6, "run_chunk", (0, [(4, 6)])))
    record = reader.read()
    assert record[:2] == ("done", 6) and list(record[2][1]) == [2]


def test_once_the_pipes_are_private_a_print_goes_to_stderr():
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = ROOT
    code = ("import sys; from gcdapp.core.host import server; pipes = server._private_pipes(); "
            "print('stray output'); sys.stdout.flush(); sys.exit(server.serve(*pipes))")
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0, env=env)
    reader = protocol.RecordReader(proc.stdout.fileno(), "host")
    protocol.write_all(proc.stdin.fileno(), protocol.encode(
        ("start", {"mode": "serial", "workers": 1, "start_method": None,
                   "kernel": ("gcdapp.core.kernels", "euclid")})))
    assert reader.read()[0] == "ready"
    proc.stdin.close()
    assert reader.read() == ("bye",)
    assert proc.wait(timeout=30) == 0
    assert b"stray output" in proc.stderr.read()
    proc.stdout.close()
    proc.stderr.close()


def test_the_end_of_its_input_ends_the_host(host):
    proc, send, reader = host
    assert _start(send, reader)[0] == "ready"
    proc.stdin.close()
    assert reader.read() == ("bye",)
    assert proc.wait(timeout=30) == 0


def test_the_writer_sends_what_several_threads_hand_it_in_each_ones_order():
    import threading

    from gcdapp.core.host.server import Writer

    r, w = os.pipe()
    writer = Writer(w)
    payload = b"x" * 150_000  # together far more than a pipe holds

    def hand_over(thread: int):
        for i in range(50):
            writer.send(("done", thread * 1000 + i, payload[: 1000 * i]))
    threads = [threading.Thread(target=hand_over, args=(k,)) for k in range(4)]
    reader = protocol.RecordReader(r, "writer")
    for thread in threads:
        thread.start()
    got = [reader.read() for _ in range(200)]
    for thread in threads:
        thread.join()
    writer.close()
    os.close(w)
    assert reader.read() is None
    os.close(r)
    for k in range(4):
        mine = [record for record in got if record[1] // 1000 == k]
        assert mine == [("done", k * 1000 + i, payload[: 1000 * i]) for i in range(50)]


def test_a_record_that_cannot_be_pickled_is_sent_as_the_tasks_error():
    from gcdapp.core.host.server import Writer

    r, w = os.pipe()
    writer = Writer(w)
    writer.send(("done", 3, threading_lock()))
    writer.close()
    os.close(w)
    record = protocol.RecordReader(r, "writer").read()
    os.close(r)
    assert record[:3] == ("raised", 3, "error")
    assert "TypeError" in record[3] and "lock" in record[3]


def threading_lock():
    import threading

    return threading.Lock()
