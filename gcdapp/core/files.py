"""Opening user files: regular files only, so no open or read can hang.

A named pipe blocks ``open()`` until something writes to it, ``/dev/zero``
never ends and a socket or a folder is no file at all. Every loader of a
file a user names (sessions, pair lists, the autosave) goes through
:func:`open_regular` or :func:`read_regular`, which

* check with :func:`os.stat` (following symlinks, so a link to a regular
  file is fine and a link to ``/dev/zero`` is not) *before* opening;
* open with ``O_NONBLOCK`` (an open of a pipe returns at once instead of
  waiting for a writer) and check again with :func:`os.fstat` on the open
  descriptor, which closes the race of a file swapped between the two;
* refuse a file over the caller's limit by its size, before reading a byte.

Refusals are :class:`OSError` subclasses whose text is meant for a user:
``pipe.csv is not a regular file (it is a named pipe); gcdapp opens only files``.
"""

from __future__ import annotations

import os
import stat
from typing import BinaryIO

try:  # not on Windows, where a file cannot be opened in non-blocking mode
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

_KINDS = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)
_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


class NotRegularFileError(OSError):
    """The path names a pipe, a device, a socket or a folder, not a file."""

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.message = message
        self.kind = kind

    def __str__(self) -> str:
        return self.message


class FileTooLargeError(OSError):
    """The file is larger than the caller reads; ``size`` is its size."""

    def __init__(self, size: int, limit: int):
        super().__init__(f"{size:,} bytes; the limit is {limit:,}")
        self.size = size
        self.limit = limit


def display_name(path: str | os.PathLike) -> str:
    """The name messages use: the last part of ``path``."""
    text = os.fspath(path)
    return os.path.basename(text) or text


def file_kind(mode: int) -> str:
    """``"a named pipe"``, ``"a folder"``, … or ``"a regular file"``."""
    if stat.S_ISREG(mode):
        return "a regular file"
    return next((kind for test, kind in _KINDS if test(mode)), "not a file")


def _refusal(path: str | os.PathLike, mode: int) -> NotRegularFileError:
    kind = file_kind(mode)
    what = f"it is {kind}" if kind.startswith("a ") else "it is not a file"
    if os.path.islink(path):
        try:
            target = os.path.realpath(path)
        except (OSError, ValueError):  # pragma: no cover
            target = "?"
        what = f"it is a link to {target}, {kind}" if kind.startswith("a ") else \
            f"it is a link to {target}, which is not a file"
    return NotRegularFileError(
        f"{display_name(path)} is not a regular file ({what}); gcdapp opens only files", kind)


def check_regular(path: str | os.PathLike) -> os.stat_result:
    """``os.stat(path)`` if it is a regular file (or a link to one). Raises
    :class:`NotRegularFileError`, or the stat's own OSError (no such file…)."""
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise _refusal(path, st.st_mode)
    return st


def open_regular(path: str | os.PathLike, limit: int | None = None) -> BinaryIO:
    """Open a regular file for reading in binary mode, never blocking.

    Raises :class:`NotRegularFileError` for anything else,
    :class:`FileTooLargeError` for a file over ``limit`` bytes (checked
    before opening and again on the open file), or another OSError."""
    st = check_regular(path)
    if limit is not None and st.st_size > limit:
        raise FileTooLargeError(st.st_size, limit)
    fd = os.open(path, _FLAGS | _NONBLOCK)
    try:
        st = os.fstat(fd)  # the file opened, not the one stat()ed a moment ago
        if not stat.S_ISREG(st.st_mode):
            raise _refusal(path, st.st_mode)
        if limit is not None and st.st_size > limit:
            raise FileTooLargeError(st.st_size, limit)
        if fcntl is not None and _NONBLOCK:  # reads of a regular file: blocking as usual
            flags = fcntl.fcntl(fd, fcntl.F_GETFL)
            fcntl.fcntl(fd, fcntl.F_SETFL, flags & ~os.O_NONBLOCK)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: str | os.PathLike, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (see
    :func:`open_regular`; a file that grows past ``limit`` while it is read
    raises :class:`FileTooLargeError` too)."""
    with open_regular(path, limit) as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise FileTooLargeError(len(data), limit)
    return data
