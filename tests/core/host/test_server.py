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
