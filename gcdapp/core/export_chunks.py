"""An export produced piece by piece: written atomically, with progress and stop.

A writer of :mod:`gcdapp.core.export` can hand back its file as
:class:`Chunks` instead of one string: ``total`` items (rows, runs, bytes) and
an iterator of ``(text or bytes, items done after it)``. :func:`write_chunks`
writes the pieces to a temporary file beside the target and renames it over
the target only once the last piece is on disk (the atomic write of
:func:`gcdapp.core.atomic.atomic_write_chunks`). Between pieces it reports
progress and checks a stop flag, so

* a writer thread holds the GIL only for one piece at a time (each piece is a
  few milliseconds of formatting), leaving the GUI thread free to run;
* a stopped export raises :class:`ExportCancelled` and leaves no file, no
  temporary file, and any old file at the target as it was.

Qt-free; the GUI runs :func:`write_chunks` on its own thread
(:mod:`gcdapp.ui.document.export_worker`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from gcdapp.core.atomic import atomic_write_chunks

__all__ = ["Chunks", "ExportCancelled", "ExportError", "bytes_chunks", "write_chunks"]

#: ``progress(done, total)``, called after each piece is written.
Progress = Callable[[int, int], None]


class ExportError(Exception):
    """An export that could not be written; the message says which file and why."""

    def __init__(self, path: str | os.PathLike, reason: str):
        super().__init__(f"Cannot write {os.fspath(path)}: {reason}")
        self.path = os.fspath(path)
        self.reason = reason


class ExportCancelled(Exception):
    """An export stopped before its end: nothing was written at its path."""

    def __init__(self, path: str | os.PathLike):
        super().__init__(f"Export to {os.fspath(path)} cancelled: nothing was written")
        self.path = os.fspath(path)


def reason(exc: BaseException) -> str:
    """The part of an error a user can read (``strerror`` for OS errors)."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


@dataclass
class Chunks:
    """One file's content in pieces.

    ``pieces`` yields ``(piece, done)``: a ``str`` (written as UTF-8) or
    ``bytes``, and how many of the ``total`` items are written once it is.
    It is consumed once. Whatever it reads must not change meanwhile: the
    caller hands it a snapshot.
    """

    total: int
    pieces: Iterator[tuple[str | bytes, int]]


def bytes_chunks(data: bytes, size: int = 1 << 20) -> Chunks:
    """``data`` in pieces of ``size`` bytes (progress counts bytes)."""
    n = len(data)
    view = memoryview(data)
    pieces = ((bytes(view[lo:lo + size]), min(lo + size, n)) for lo in range(0, n, size))
    return Chunks(n, pieces if n else iter([(b"", 0)]))


def write_chunks(
    path: str | os.PathLike,
    chunks: Chunks,
    *,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
) -> int:
    """Write ``chunks`` to ``path`` atomically; return ``chunks.total``.

    ``stop`` is checked before each piece is produced: once it is set the
    export ends with :class:`ExportCancelled` (no file, the old one kept).
    Any failure to write raises :class:`ExportError` naming the file and the
    reason, with the old file kept.
    """
    target = Path(path)
    if target.is_dir():
        raise ExportError(path, "it is a folder")

    def encoded() -> Iterable[bytes]:
        pieces = iter(chunks.pieces)
        while True:
            if stop is not None and stop.is_set():
                raise ExportCancelled(path)
            try:
                piece, done = next(pieces)
            except StopIteration:
                break
            yield piece.encode("utf-8") if isinstance(piece, str) else piece
            if progress is not None:
                progress(done, chunks.total)
        if stop is not None and stop.is_set():  # the last chance before the rename
            raise ExportCancelled(path)

    try:
        atomic_write_chunks(target, encoded())
    except ExportCancelled:
        raise
    except (OSError, ValueError, UnicodeError) as exc:
        raise ExportError(path, reason(exc)) from exc
    return chunks.total
