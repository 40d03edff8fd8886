"""The host's wire format: length-prefixed pickles of plain tuples.

A record is ``MAGIC`` (4 bytes), the payload's length (4 bytes, big-endian)
and the payload: a pickle of a tuple whose first item is the record's kind
(a string). Payloads hold only plain values (numbers, text, bytes, tuples,
lists, dicts, ``array.array``): the unpickler refuses every other global, so
a damaged or foreign stream fails with a :class:`ProtocolError` instead of
building objects. Only gcdapp's own processes (the app and a host it
started) speak it, over a pipe between them.

Records, parent to host::

    ("start", {"mode", "workers", "start_method", "kernel"})  # kernel: (module, qualname)
    ("submit", task_id, function_name, args)
    ("shutdown",)

host to parent::

    ("ready", python_facts) | ("refused", reason)
    ("done", task_id, value) | ("raised", task_id, "broken" | "error", text)
    ("bye",)
"""

from __future__ import annotations

import io
import os
import pickle
import struct

MAGIC = b"GCDH"
_LENGTH = struct.Struct(">I")
HEADER_SIZE = len(MAGIC) + _LENGTH.size
#: The largest payload either side accepts (a chunk of 10,000 huge ints is far less).
MAX_PAYLOAD = 256 * 1024 * 1024
#: How much of a stream that is not records a message quotes.
SHOWN_BYTES = 80
#: How much a reader asks for at once: a chunk's record (160 kB for 10,000
#: pairs) arrives in one read, not three.
_READ_SIZE = 1 << 20
#: The pipe buffer both sides ask the kernel for (Linux; elsewhere the
#: default stays): a whole record fits, so a writer does not wait for the
#: reader to make room several times per record.
PIPE_SIZE = 1 << 20
#: A writer sends at most this much in one system call.
WRITE_BATCH = 4 << 20

#: The only globals a record may name: ``array.array`` and how it unpickles.
_ALLOWED_GLOBALS = {("array", "array"), ("array", "_array_reconstructor")}


class ProtocolError(Exception):
    """The other side sent something that is not a record."""


class _PlainUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) in _ALLOWED_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"a record may not name {module}.{name}")


def encode(record: tuple) -> bytes:
    """One record as bytes on the wire."""
    payload = pickle.dumps(record, pickle.HIGHEST_PROTOCOL)
    if len(payload) > MAX_PAYLOAD:
        raise ValueError(f"a record of {len(payload):,} bytes is over the limit "
                         f"of {MAX_PAYLOAD:,}")
    return MAGIC + _LENGTH.pack(len(payload)) + payload


def decode_payload(payload: bytes) -> tuple:
    """The record in ``payload``; ProtocolError when it is not one."""
    try:
        record = _PlainUnpickler(io.BytesIO(payload)).load()
    except Exception as exc:
        raise ProtocolError(f"a damaged record ({type(exc).__name__}: {exc})") from None
    if type(record) is not tuple or not record or type(record[0]) is not str:
        raise ProtocolError(f"a record that is not a tagged tuple: {_shown(payload)}")
    return record


def _shown(data: bytes) -> str:
    text = repr(bytes(data[:SHOWN_BYTES]))
    return text + ("…" if len(data) > SHOWN_BYTES else "")


def encode_parts(record: tuple) -> tuple[bytes, bytes]:
    """One record as its header and payload (:func:`encode` without joining
    them: :func:`write_parts` sends both without copying the payload)."""
    payload = pickle.dumps(record, pickle.HIGHEST_PROTOCOL)
    if len(payload) > MAX_PAYLOAD:
        raise ValueError(f"a record of {len(payload):,} bytes is over the limit "
                         f"of {MAX_PAYLOAD:,}")
    return MAGIC + _LENGTH.pack(len(payload)), payload


def write_all(fd: int, data: bytes) -> None:
    """Write every byte of ``data`` to ``fd`` (a pipe may take it in parts)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def write_parts(fd: int, parts: list) -> None:
    """Write ``parts`` (bytes), in order, with as few system calls as the pipe
    allows (one ``writev`` when it takes them all)."""
    writev = getattr(os, "writev", None)
    if writev is None or len(parts) == 1:
        for part in parts:
            write_all(fd, part)
        return
    index = 0
    while index < len(parts):
        written = writev(fd, parts[index : index + 512])  # (IOV_MAX is 1024 on Linux)
        while index < len(parts) and written >= len(parts[index]):
            written -= len(parts[index])
            index += 1
        if written:  # a part went out in part: the rest of it, then go on
            write_all(fd, memoryview(parts[index])[written:])
            index += 1


def enlarge_pipe(fd: int, size: int = PIPE_SIZE) -> None:
    """Ask for a pipe buffer of ``size`` bytes on ``fd`` (Linux's
    ``F_SETPIPE_SZ``, capped at the system's limit); nothing where it
    cannot be had."""
    try:
        import fcntl

        setting = fcntl.F_SETPIPE_SZ
    except (ImportError, AttributeError):
        return
    try:
        with open("/proc/sys/fs/pipe-max-size") as limit:
            size = min(size, int(limit.read()))
    except (OSError, ValueError):
        pass
    try:
        fcntl.fcntl(fd, setting, size)
    except OSError:
        pass


class RecordReader:
    """Reads records from a file descriptor, buffering what it has read.

    Reads land straight in one buffer (as many records at once as the pipe
    holds), parsed where they lie: each payload is copied once, into the
    bytes it is unpickled from, and the buffer is neither grown nor shrunk
    per record (a growing ``bytearray`` would copy and page-fault its way
    through every megabyte)."""

    def __init__(self, fd: int, peer: str = "the other side"):
        self.fd = fd
        self.peer = peer
        self._data = bytearray(_READ_SIZE)
        self._start = 0  # the first unread byte
        self._end = 0  # one past the last byte read

    def _fill(self, size: int) -> bool:
        """Read until the buffer holds ``size`` unread bytes; False at end of
        stream."""
        while self._end - self._start < size:
            data, start, end = self._data, self._start, self._end
            if len(data) - start < size or end == len(data):
                # Make room: the unread bytes to the front (a record's tail,
                # rarely much), and a buffer big enough for the record.
                unread = end - start
                if len(data) < size:
                    grown = bytearray(max(size, 2 * len(data)))
                    grown[:unread] = data[start:end]
                    self._data = data = grown
                else:
                    data[:unread] = data[start:end]
                self._start, self._end = 0, unread
            with memoryview(self._data) as view:
                count = os.readv(self.fd, [view[self._end:]]) if _READV else \
                    _read_into(self.fd, view[self._end:])
            if not count:
                return False
            self._end += count
        return True

    def _unread(self) -> memoryview:
        return memoryview(self._data)[self._start : self._end]

    def read(self) -> tuple | None:
        """The next record; None at a clean end of the stream (between
        records); ProtocolError for anything else."""
        complete = self._fill(HEADER_SIZE)
        start = self._start
        with self._unread() as unread:
            head = bytes(unread[: len(MAGIC)])
            if head != MAGIC[: len(head)]:
                raise ProtocolError(f"{self.peer} sent something that is not a gcdapp "
                                    f"record: {_shown(unread)}")
            if not complete:
                if not len(unread):
                    return None
                raise ProtocolError(f"{self.peer}'s output ended in the middle of a record")
            (size,) = _LENGTH.unpack_from(unread, len(MAGIC))
            if size > MAX_PAYLOAD:
                raise ProtocolError(f"{self.peer} announced a record of {size:,} bytes, over "
                                    f"the limit of {MAX_PAYLOAD:,}: {_shown(unread)}")
        if not self._fill(HEADER_SIZE + size):
            raise ProtocolError(f"{self.peer}'s output ended in the middle of a record")
        start = self._start
        with memoryview(self._data) as view:  # one copy of the payload
            payload = bytes(view[start + HEADER_SIZE : start + HEADER_SIZE + size])
        self._start = start + HEADER_SIZE + size
        if self._start == self._end:
            self._start = self._end = 0
        try:
            return decode_payload(payload)
        except ProtocolError as exc:
            raise ProtocolError(f"{self.peer} sent {exc}") from None


_READV = hasattr(os, "readv")


def _read_into(fd: int, view: memoryview) -> int:
    """``os.readv`` where there is none: a read, copied in."""
    chunk = os.read(fd, len(view))
    view[: len(chunk)] = chunk
    return len(chunk)
