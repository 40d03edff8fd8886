"""The host's framing: records round-trip through a real pipe whatever the
pipe's chunking, and anything else is refused with what it was."""

from __future__ import annotations

import os
import pickle
import threading
from array import array

import pytest

from gcdapp.core.host import protocol
from gcdapp.core.host.protocol import ProtocolError, RecordReader, encode, write_all


@pytest.fixture
def pipe():
    r, w = os.pipe()
    yield r, w
    for fd in (r, w):
        try:
            os.close(fd)
        except OSError:
            pass


def _feed(w: int, data: bytes, piece: int | None = None) -> threading.Thread:
    """Write ``data`` (in pieces of ``piece`` bytes) from a thread, then close."""
    def run():
        step = piece or len(data) or 1
        for i in range(0, len(data), step):
            write_all(w, data[i : i + step])
        os.close(w)
    thread = threading.Thread(target=run)
    thread.start()
    return thread


RECORDS = [
    ("start", {"mode": "processes", "workers": 2, "start_method": None,
               "kernel": ("gcdapp.core.kernels", "euclid")}),
    ("submit", 7, "run_packed", (b"\x00\x01" * 1000,)),
    ("done", 7, (0, array("q", range(100)), 1, 2, 123, "MainThread", None, False, None, 5, None)),
    ("done", 8, (0, [2**100, 3], 1, 2, 1, "t", "ValueError: x", True, 9, 0, 4)),
    ("raised", 9, "broken", "BrokenProcessPool: a worker died"),
    ("bye",),
]


@pytest.mark.parametrize("piece", [None, 1, 7, 4096])
def test_records_round_trip_however_the_pipe_splits_them(pipe, piece):
    r, w = pipe
    thread = _feed(w, b"".join(map(encode, RECORDS)), piece)
    reader = RecordReader(r, "the test host")
    got = [reader.read() for _ in RECORDS]
    assert reader.read() is None  # a clean end, between records
    thread.join()
    assert got == RECORDS
    assert isinstance(got[2][2][1], array) and got[2][2][1].typecode == "q"


def test_bytes_that_are_not_records_are_quoted(pipe):
    r, w = pipe
    thread = _feed(w, b"Hello from a sitecustomize\n" + encode(("bye",)))
    with pytest.raises(ProtocolError, match=r"the test host sent something that is not a "
                                            r"gcdapp record: b'Hello from a sitecustomize\\n"):
        RecordReader(r, "the test host").read()
    thread.join()


def test_garbage_after_good_records_fails_at_the_garbage(pipe):
    r, w = pipe
    thread = _feed(w, encode(("bye",)) + b"Traceback (most recent call last):\n")
    reader = RecordReader(r, "host")
    assert reader.read() == ("bye",)
    with pytest.raises(ProtocolError, match="not a gcdapp record: b'Traceback"):
        reader.read()
    thread.join()


def test_short_garbage_then_the_end_is_garbage_not_a_clean_end(pipe):
    r, w = pipe
    thread = _feed(w, b"ok\n")
    with pytest.raises(ProtocolError, match=r"not a gcdapp record: b'ok\\n'"):
        RecordReader(r, "host").read()
    thread.join()


def test_a_record_cut_short_says_so(pipe):
    r, w = pipe
    data = encode(("done", 1, b"x" * 100))
    thread = _feed(w, data[:-10])
    with pytest.raises(ProtocolError, match="ended in the middle of a record"):
        RecordReader(r, "host").read()
    thread.join()


def test_an_announced_giant_is_refused_before_it_is_read(pipe):
    r, w = pipe
    header = protocol.MAGIC + (protocol.MAX_PAYLOAD + 1).to_bytes(4, "big")
    thread = _feed(w, header)
    with pytest.raises(ProtocolError, match="over the limit"):
        RecordReader(r, "host").read()
    thread.join()


def test_a_payload_naming_any_other_global_is_refused():
    payload = pickle.dumps(("done", 1, os.system))
    with pytest.raises(ProtocolError, match="damaged record .*may not name posix.system"):
        protocol.decode_payload(payload)


@pytest.mark.parametrize("value", [["done", 1], (), (1, 2), "text"])
def test_a_payload_must_be_a_tagged_tuple(value):
    with pytest.raises(ProtocolError, match="not a tagged tuple"):
        protocol.decode_payload(pickle.dumps(value))


def test_encode_refuses_a_record_over_the_limit(monkeypatch):
    monkeypatch.setattr(protocol, "MAX_PAYLOAD", 100)
    with pytest.raises(ValueError, match="over the limit of 100"):
        encode(("done", 1, b"x" * 200))


def test_records_bigger_than_the_readers_buffer_round_trip_among_small_ones(pipe):
    r, w = pipe
    big = ("submit", 1, "run_packed", (bytes(range(256)) * (3 * protocol._READ_SIZE // 256),))
    records = [("bye",), big, ("done", 2, [1, 2]), big, ("bye",)]
    thread = _feed(w, b"".join(map(encode, records)), 100_000)
    reader = RecordReader(r, "host")
    got = [reader.read() for _ in records]
    assert reader.read() is None
    thread.join()
    assert got == records


def test_write_parts_sends_every_part_in_order_through_a_pipe_it_overfills(pipe):
    r, w = pipe
    records = [("done", i, bytes([i % 256]) * (i * 997 % 50_000)) for i in range(700)]
    parts = [part for record in records for part in protocol.encode_parts(record)]
    assert b"".join(parts) == b"".join(map(encode, records))

    def run():
        protocol.write_parts(w, parts)  # > 512 parts, far more than the pipe holds
        os.close(w)
    thread = threading.Thread(target=run)
    thread.start()
    reader = RecordReader(r, "host")
    got = [reader.read() for _ in records]
    assert reader.read() is None
    thread.join()
    assert got == records


def _pipe_size(fd: int) -> int:
    import fcntl

    return fcntl.fcntl(fd, fcntl.F_GETPIPE_SZ)


@pytest.mark.skipif(not hasattr(__import__("fcntl"), "F_GETPIPE_SZ"),
                    reason="pipe sizes are Linux's F_SETPIPE_SZ")
def test_enlarge_pipe_gives_a_pipe_the_hosts_size_within_the_systems_limit(pipe):
    r, w = pipe
    with open("/proc/sys/fs/pipe-max-size") as limit:
        wanted = min(protocol.PIPE_SIZE, int(limit.read()))
    assert _pipe_size(w) < wanted  # (the default: 64 kB)
    protocol.enlarge_pipe(w)
    assert _pipe_size(r) >= wanted
