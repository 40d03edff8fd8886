"""Sessions: the pairs, the run settings and every finished run, in one file.

A session file (``*.gcdapp.json``) is UTF-8 JSON. Version 1 looks like this::

    {
     "format": "gcdapp-session",
     "version": 1,
     "gcdapp_version": "0.1.0",
     "saved_at": "2025-05-01T09:30:00+00:00",
     "settings": {"mode": "processes", "kernel": "bruteforce", "workers": 8,
                  "chunksize": "auto", "start_method": "forkserver", "repeats": 1},
     "pairs": "3f0c9a1e2b4d5c6a",             # the editor's pairs: a key of pair_sets
     "pair_sets": {"3f0c9a1e2b4d5c6a": ARRAY}, # every pair list, once (by fingerprint)
     "runs": [
      {"run_id": 1, "label": "#1 serial", "pairs": "3f0c9a1e2b4d5c6a",
       "info": {"mode": "serial", "kernel": "bruteforce", "workers": 1, "chunksize": 1,
                "start_method": null, "n_pairs": 10, "n_tasks": 10},
       "status": "completed", "error": null, "wall_s": 0.12, "startup_s": 0.0,
       "shutdown_s": 0.0, "failed_pairs": [],
       "python": {"version": "3.11.7", "executable": "/usr/bin/python3",
                  "free_threaded_build": false, "gil_enabled": true, "label": "3.11.7"},
       "results": ARRAY, "done": ARRAY,
       "tasks": {"start": ARRAY, "count": ARRAY, "t_start": ARRAY, "t_end": ARRAY,
                 "lane": ARRAY, "lanes": ["MainThread"], "lane_startup_s": [null]}}
     ],
     "autosave": {"clean_exit": false, "pid": 1234, "session_path": null, "modified": true}
    }

Each task's anatomy (issue 9) is stored beside its times, one ARRAY per
field of :data:`~gcdapp.core.events.TASK_ANATOMY_FIELDS` in ``tasks``
(``cpu_s``, ``t_submit``, ``t_recv``, ``t_arrive``, ``pickle_in_s``,
``unpickle_in_s``, ``pickle_out_s``, ``unpickle_out_s``, ``merge_s``:
float64 seconds, NaN where unknown; ``bytes_in``, ``bytes_out``: int64), and
``tasks.lane_import_s`` per lane like ``lane_startup_s``. All are optional:
a file written before they were recorded reads them as unknown (NaN, 0
bytes).

A run's ``python`` (the interpreter its workers ran in, as observed there)
is optional: files written before it was recorded read it as unknown.

``experiments`` (optional; a file without it has none) keeps the last
worker sweep and leverage map, ``{"sweep": SWEEP, "leverage": MAP}`` (either
may be missing), in the forms of :mod:`gcdapp.core.experiment_json`.

``autosave`` appears in autosave files only. ``shutdown_s`` (seconds spent
stopping the pool) and ``tasks.lane_startup_s`` (per lane, seconds from the
run's start until its worker was ready, null where unknown) are optional:
files written before they were recorded read as 0 and unknown. An ``ARRAY`` is one of::

    {"dtype": "int64" | "int32" | "float64" | "bool", "shape": [n, 2],
     "crc32": 1234, "base64": "..."}     # the little-endian bytes, base64
    {"dtype": ..., "shape": ..., "crc32": 1234, "zlib": "..."}  # the same, zlib-compressed
    {"dtype": "int", "shape": [n, 2], "crc32": 1234, "values": ["123", "-4", ...]}

Arrays that compress well (results, done flags, task starts and lanes; not
random pairs or timings) are stored deflated: a run of a million pairs
takes ~2 MB instead of ~12 MB. The last form holds integers beyond 64 bits
as decimal strings, so every digit survives any JSON reader (a JSON number
would lose digits in most languages). ``crc32`` is of the raw (uncompressed)
bytes, or of the values joined by ``\\n``.
Pair-set keys are :func:`~gcdapp.core.pairs.pairs_fingerprint` and are
checked on load. A task's ``pair_index`` and ``gcd`` are not stored: they are
rebuilt from ``start``/``count`` and the run's ``results``.

Loading never evaluates anything (JSON only, never pickle) and reports every
problem as a :class:`SessionError` that names the file and what is wrong
(``runs[2].tasks.t_start is missing``); a problem its checks do not foresee
still becomes a :class:`SessionError` naming the file. Files over
:data:`MAX_SESSION_BYTES`, and anything that is not a regular file (a named
pipe, ``/dev/zero``, a socket: :mod:`gcdapp.core.files`), are refused before
they are read. Writing is atomic
(:func:`gcdapp.core.atomic.atomic_write_bytes`).

Encoding is written to run on a worker thread while the GUI thread goes on:
it takes an immutable :class:`Session` and does its heavy work (hashing,
base64, CRC) in C calls that are either short (chunks of a few MiB) or that
release the GIL, and it never feeds a huge string to ``json.dumps``.
"""

from __future__ import annotations

import base64
import json
import math
import os
import re
import secrets
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any, NoReturn

import numpy as np

from gcdapp import __version__
from gcdapp.core.atomic import atomic_write_chunks
from gcdapp.core.files import (
    FileTooLargeError,
    NotRegularFileError,
    display_name,
    open_regular,
    read_regular,
)
from gcdapp.core.events import (
    TASK_ANATOMY_FIELDS, TASK_BYTE_FIELDS, RunInfo, RunResult, TaskBatch,
)
from gcdapp.core.experiment_json import (
    ExperimentFormatError, leverage_from_json, leverage_to_json, sweep_from_json, sweep_to_json,
)
from gcdapp.core.history import RunRecord
from gcdapp.core.leverage_result import LeverageResult
from gcdapp.core.json_kind import kind_of
from gcdapp.core.python_info import PythonInfo
from gcdapp.core.pairs import pairs_fingerprint
from gcdapp.core.run_settings import SETTINGS, RunSettings
from gcdapp.core.sweep_result import SweepResult
from gcdapp.core.task_rows import pair_rows

FORMAT = "gcdapp-session"
#: The format version this gcdapp writes, and the newest it reads.
VERSION = 1
SUFFIX = ".gcdapp.json"
#: Larger files are refused without being read (1 GiB: ten million pairs and
#: a few runs of them fit).
MAX_SESSION_BYTES = 1 << 30
#: No array of a session is larger once decoded (ten million pairs take 160 MB).
MAX_ARRAY_BYTES = 1 << 30
STATUSES = ("completed", "cancelled", "failed")

# dtype names in the file -> numpy dtypes (little-endian on disk).
_BINARY = {
    "int64": np.dtype("<i8"),
    "int32": np.dtype("<i4"),
    "float64": np.dtype("<f8"),
    "bool": np.dtype("|b1"),
}
# Base64 in pieces of this many bytes (a multiple of 3, so the pieces join
# into one valid string): each C call then holds the GIL for ~2 ms at most.
_B64_PIECE = 3 << 18
_VALUES_PIECE = 65536
# Compress an array when a sample of it shrinks to at most this fraction.
_COMPRESS_SAMPLE = 1 << 16
_COMPRESS_WORTH = 0.5


class SessionError(ValueError):
    """A session file that cannot be read; the message says why, for a user."""


@dataclass(frozen=True)
class AutosaveMarker:
    """What an autosave file adds: whether its writer exited cleanly."""

    clean_exit: bool
    pid: int | None = None
    session_path: str | None = None  # the session file the window had open
    modified: bool = False  # unsaved changes against that file


@dataclass(frozen=True)
class Session:
    """Everything a session file holds. Treat the arrays as read-only: an
    autosave encodes them on another thread."""

    pairs: np.ndarray  # the editor's pairs, (n, 2)
    settings: RunSettings = RunSettings()
    runs: tuple[RunRecord, ...] = ()
    #: fingerprint -> pairs, for every run's pairs (more are allowed)
    pair_sets: Mapping[str, np.ndarray] = field(default_factory=dict)
    saved_at: datetime | None = None
    gcdapp_version: str = __version__
    autosave: AutosaveMarker | None = None
    #: the last worker sweep and leverage map (None: none)
    sweep: SweepResult | None = None
    leverage: LeverageResult | None = None

    @property
    def n_pairs(self) -> int:
        return len(self.pairs)

    @property
    def n_runs(self) -> int:
        return len(self.runs)


def is_session_path(path: str | os.PathLike) -> bool:
    return os.fspath(path).lower().endswith(SUFFIX)


def looks_like_session(path: str | os.PathLike, sniff: int = 4096) -> bool:
    """True for a ``.gcdapp.json`` file, or any file whose text starts with
    ``{`` (a JSON object: never a pair list, always meant as a session)."""
    if is_session_path(path):
        return True
    try:
        with open_regular(path) as f:  # a pipe or a device is not read (nor waited on)
            head = f.read(sniff)
    except (OSError, ValueError):
        return False
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


# -- writing -----------------------------------------------------------------


def save_session(path: str | os.PathLike, session: Session) -> None:
    """Write ``session`` to ``path`` atomically (old file or new, never half).

    The file is written piece by piece as it is encoded; nothing is joined."""
    atomic_write_chunks(path, iter_session_chunks(session))


def encode_session(session: Session) -> bytes:
    """The session file's bytes."""
    return b"".join(iter_session_chunks(session))


def iter_session_chunks(session: Session) -> Iterator[bytes]:
    """The session file's bytes, in pieces (arrays are spliced into the JSON
    text rather than passed through ``json.dumps``)."""
    nonce = secrets.token_hex(8)
    arrays: list[np.ndarray] = []

    def ref(array: np.ndarray) -> str:
        arrays.append(array)
        return f"\x00{nonce}:{len(arrays) - 1}"

    pair_sets = dict(session.pair_sets)
    editor_key = pairs_fingerprint(session.pairs)
    pair_sets.setdefault(editor_key, session.pairs)
    for record in session.runs:
        if record.fingerprint not in pair_sets:
            raise ValueError(f"run {record.run_id}'s pairs are not among the pair sets")
    used = {editor_key} | {r.fingerprint for r in session.runs}
    saved_at = session.saved_at or datetime.now(timezone.utc)
    doc: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "gcdapp_version": __version__,
        "saved_at": saved_at.isoformat(timespec="seconds"),
        "settings": {s.name: s.to_json(session.settings.get(s.name)) for s in SETTINGS},
        "pairs": editor_key,
        "pair_sets": {key: ref(pair_sets[key]) for key in pair_sets if key in used},
        "runs": [_encode_run(record, ref) for record in session.runs],
    }
    experiments = {}
    if session.sweep is not None:
        experiments["sweep"] = sweep_to_json(session.sweep)
    if session.leverage is not None:
        experiments["leverage"] = leverage_to_json(session.leverage)
    if experiments:
        doc["experiments"] = experiments
    if session.autosave is not None:
        marker = session.autosave
        doc["autosave"] = {
            "clean_exit": bool(marker.clean_exit),
            "pid": marker.pid,
            "session_path": marker.session_path,
            "modified": bool(marker.modified),
        }
    text = json.dumps(doc, indent=1, ensure_ascii=False, allow_nan=False)
    # json.dumps escapes the NUL of each placeholder as \u0000.
    parts = re.split(r'"\\u0000' + nonce + r':(\d+)"', text)
    for i, part in enumerate(parts):
        if i % 2 == 0:
            yield part.encode("utf-8")
        else:
            yield from _array_chunks(arrays[int(part)])


def _encode_run(record: RunRecord, ref) -> dict[str, Any]:
    result, info = record.result, record.result.info
    tasks = result.tasks
    return {
        "run_id": int(record.run_id),
        "label": record.label,
        "pairs": record.fingerprint,
        "info": {
            "mode": info.mode,
            "kernel": info.kernel,
            "workers": int(info.workers),
            "chunksize": int(info.chunksize),
            "start_method": info.start_method,
            "n_pairs": int(info.n_pairs),
            "n_tasks": int(info.n_tasks),
        },
        "status": result.status,
        "error": result.error,
        "wall_s": float(result.wall_s),
        "startup_s": float(result.startup_s),
        "shutdown_s": float(result.shutdown_s),
        "failed_pairs": [int(i) for i in result.failed_pairs],
        **({"python": result.python.to_json()} if result.python is not None else {}),
        "results": ref(_narrowed(result.results)),
        "done": ref(np.asarray(result.done, dtype=bool)),
        "tasks": {
            "start": ref(np.asarray(tasks.start, dtype=np.int64)),
            "count": ref(np.asarray(tasks.count, dtype=np.int64)),
            "t_start": ref(np.asarray(tasks.t_start, dtype=np.float64)),
            "t_end": ref(np.asarray(tasks.t_end, dtype=np.float64)),
            "lane": ref(np.asarray(tasks.lane, dtype=np.int32)),
            "lanes": [str(lane) for lane in tasks.lanes],
            "lane_startup_s": _lane_startup_list(result.lane_startup_s, len(tasks.lanes)),
            "lane_import_s": _lane_startup_list(result.lane_import_s, len(tasks.lanes)),
            **{
                name: ref(np.asarray(getattr(tasks, name),
                                     dtype=np.int64 if name in TASK_BYTE_FIELDS else np.float64))
                for name in TASK_ANATOMY_FIELDS
            },
        },
    }


def _lane_startup_list(values, n_lanes: int) -> list[float | None]:
    """Per lane, its start-up in seconds or None (JSON null) where unknown."""
    values = np.asarray(values, dtype=np.float64)
    out: list[float | None] = [None] * n_lanes
    for i, v in enumerate(values.tolist()[:n_lanes]):
        out[i] = v if math.isfinite(v) else None
    return out


def _narrowed(values: np.ndarray) -> np.ndarray:
    """An object array of ints as int64 when every value fits (the engine
    keeps results of small chunks as objects); binary, not decimal strings.
    Converted in pieces, so no single C call holds the GIL for long."""
    if values.dtype != object:
        return values
    out = np.empty(values.shape, dtype=np.int64)
    flat_in, flat_out = values.reshape(-1), out.reshape(-1)
    try:
        for i in range(0, len(flat_in), _VALUES_PIECE):
            flat_out[i : i + _VALUES_PIECE] = flat_in[i : i + _VALUES_PIECE]
    except (OverflowError, TypeError):
        return values
    return out


def _array_chunks(array: np.ndarray) -> Iterator[bytes]:
    shape = [int(n) for n in array.shape]
    if array.dtype == object:
        values = [str(int(v)) for v in array.ravel().tolist()]
        crc = 0
        for i in range(0, len(values), _VALUES_PIECE):
            piece = values[i : i + _VALUES_PIECE]
            crc = zlib.crc32(("\n" if i else "").encode() + "\n".join(piece).encode(), crc)
        yield json.dumps({"dtype": "int", "shape": shape, "crc32": crc})[:-1].encode()
        yield b', "values": ['
        for i in range(0, len(values), _VALUES_PIECE):
            if i:
                yield b", "
            yield json.dumps(values[i : i + _VALUES_PIECE])[1:-1].encode()
        yield b"]}"
        return
    name = next((n for n, dt in _BINARY.items() if dt.kind == array.dtype.kind
                 and dt.itemsize == array.dtype.itemsize), None)
    if name is None:
        raise ValueError(f"cannot store an array of {array.dtype}")
    raw = memoryview(np.ascontiguousarray(array, dtype=_BINARY[name]).reshape(-1).view(np.uint8))
    head = {"dtype": name, "shape": shape, "crc32": zlib.crc32(raw)}
    packed = _deflated(raw)
    yield json.dumps(head)[:-1].encode()
    yield b', "base64": "' if packed is None else b', "zlib": "'
    data = raw if packed is None else memoryview(packed)
    for i in range(0, len(data), _B64_PIECE):
        yield base64.b64encode(data[i : i + _B64_PIECE])
    yield b'"}'


def _deflated(raw: memoryview) -> bytes | None:
    """``raw`` compressed, when a sample says it is worth it (zlib releases
    the GIL while it works); else None."""
    if len(raw) < 4096:
        return None  # small arrays stay plain
    sample = raw[:_COMPRESS_SAMPLE]
    if len(zlib.compress(sample, 1)) > _COMPRESS_WORTH * len(sample):
        return None
    packed = zlib.compress(raw, 1)
    return packed if len(packed) < 0.75 * len(raw) else None


# -- reading -----------------------------------------------------------------


def load_session(path: str | os.PathLike, *, max_bytes: int = MAX_SESSION_BYTES) -> Session:
    """Read a session file. Raises :class:`SessionError` (never anything
    else for a bad file); reads nothing of a file over ``max_bytes``, and
    never opens a pipe, a device or a socket (so it cannot hang)."""
    name = display_name(path)
    try:
        data = read_regular(path, max_bytes)  # never a pipe or a device: no hang
    except FileTooLargeError as e:  # by its size, before a byte is read (or it grew)
        raise SessionError(_too_large(name, e.size, max_bytes)) from None
    except NotRegularFileError as e:
        raise SessionError(f"{e}.") from None
    except OSError as e:
        raise SessionError(f"Cannot read {name}: {e.strerror or e}") from None
    except Exception as e:  # e.g. a path with a NUL byte
        raise SessionError(f"Cannot read {name}: {e}") from None
    return decode_session(data, name)


def _too_large(name: str, size: int, limit: int) -> str:
    return (f"{name} is too large to open as a session ({size:,} bytes; "
            f"the limit is {limit:,} bytes).")


def decode_session(data: bytes, name: str = "the session") -> Session:
    """Parse and check a session file's bytes. Raises :class:`SessionError`
    only: a check this reader lacks still gives one, naming the file."""
    try:
        return _decode(data, name)
    except SessionError:
        raise
    except MemoryError:
        raise SessionError(
            f"{name} cannot be opened: it needs more memory than this machine can give."
        ) from None
    except Exception as e:  # a bad file this reader's checks do not foresee
        raise SessionError(
            f"{name} is not a valid gcdapp session: reading it failed unexpectedly "
            f"({type(e).__name__}: {_shown(str(e), 200)})."
        ) from None


def _decode(data: bytes, name: str) -> Session:
    if not data.strip():
        raise SessionError(f"{name} is empty: it holds no session.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise SessionError(
            f"{name} is corrupted: byte {e.start:,} is not UTF-8 text, "
            "so it cannot be a gcdapp session."
        ) from None
    start = text.lstrip()[:1]
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        if start not in ("{", "["):
            raise SessionError(
                f"{name} is not JSON (it starts with {_shown(text.lstrip())!r}), "
                "so it is not a gcdapp session."
            ) from None
        if e.msg.startswith("Unterminated string") or e.pos >= len(text.rstrip()):
            raise SessionError(
                f"{name} is truncated: it ends after {len(data):,} bytes, in the middle "
                "of the session (was it cut short while being copied or saved?)."
            ) from None
        raise SessionError(
            f"{name} is corrupted: invalid JSON at line {e.lineno}, column {e.colno} "
            f"({e.msg})."
        ) from None
    except (ValueError, RecursionError) as e:  # e.g. an integer of 5,000 digits
        raise SessionError(f"{name} is corrupted: {e}.") from None
    return _Reader(name).session(doc)


def _shown(text: str, limit: int = 24) -> str:
    line = text.split("\n", 1)[0]
    return line if len(line) <= limit else line[: limit - 1] + "…"


class _Reader:
    """Checks a parsed document field by field, naming the first bad one."""

    def __init__(self, name: str):
        self.name = name

    def fail(self, where: str, what: str) -> NoReturn:
        raise SessionError(f"{self.name} is not a valid gcdapp session: {where} {what}.")

    # -- fields ----------------------------------------------------------------

    def get(self, obj: dict, key: str, where: str) -> Any:
        if key not in obj:
            self.fail(f"{where}.{key}" if where else key, "is missing")
        return obj[key]

    def obj(self, obj: dict, key: str, where: str) -> dict:
        value = self.get(obj, key, where)
        if not isinstance(value, dict):
            self.fail(_join(where, key), f"should be an object, not {kind_of(value)}")
        return value

    def items(self, obj: dict, key: str, where: str) -> list:
        value = self.get(obj, key, where)
        if not isinstance(value, list):
            self.fail(_join(where, key), f"should be a list, not {kind_of(value)}")
        return value

    def text(self, obj: dict, key: str, where: str, *, optional: bool = False) -> str | None:
        value = self.get(obj, key, where)
        if value is None and optional:
            return None
        if not isinstance(value, str):
            expected = "a string or null" if optional else "a string"
            self.fail(_join(where, key), f"should be {expected}, not {kind_of(value)}")
        return value

    def integer(self, obj: dict, key: str, where: str, *, minimum: int | None = None,
            optional: bool = False) -> int | None:
        value = self.get(obj, key, where)
        if value is None and optional:
            return None
        if type(value) is not int:
            expected = "an integer or null" if optional else "an integer"
            self.fail(_join(where, key), f"should be {expected}, not {kind_of(value)}")
        if minimum is not None and value < minimum:
            self.fail(_join(where, key), f"should be at least {minimum}, not {value}")
        return value

    def flag(self, obj: dict, key: str, where: str) -> bool:
        value = self.get(obj, key, where)
        if type(value) is not bool:
            self.fail(_join(where, key), f"should be true or false, not {kind_of(value)}")
        return value

    def seconds(self, obj: dict, key: str, where: str) -> float:
        value = self.get(obj, key, where)
        if type(value) not in (int, float) or not math.isfinite(value) or value < 0:
            self.fail(_join(where, key), "should be a number of seconds (0 or more)")
        return float(value)

    def array(self, obj: dict, key: str, where: str, dtypes: tuple[str, ...],
              shape: tuple[int | None, ...]) -> np.ndarray:
        here = _join(where, key)
        spec = self.obj(obj, key, where)
        dtype = self.text(spec, "dtype", here)
        if dtype not in dtypes:
            self.fail(f"{here}.dtype", f"should be {' or '.join(map(repr, dtypes))}, not {dtype!r}")
        dims = self.items(spec, "shape", here)
        if len(dims) != len(shape) or any(type(d) is not int or d < 0 for d in dims):
            self.fail(f"{here}.shape", f"should be {len(shape)} sizes, not {dims!r}"[:200])
        for got, want in zip(dims, shape):
            if want is not None and got != want:
                self.fail(f"{here}.shape", f"is {dims}, but {_shape_text(shape)} is expected")
        count = math.prod(dims)
        size = count * (_BINARY[dtype].itemsize if dtype in _BINARY else 8)
        if size > MAX_ARRAY_BYTES:  # checked before any data is decoded or inflated
            self.fail(f"{here}.shape", f"declares {count:,} values ({size:,} bytes), more "
                                       f"than a session holds ({MAX_ARRAY_BYTES:,} bytes)")
        crc = self.integer(spec, "crc32", here, minimum=0)
        if dtype == "int":
            values = self.items(spec, "values", here)
            if len(values) != count:
                self.fail(f"{here}.values", f"has {len(values):,} values, not {count:,}")
            if not all(type(v) is str for v in values):
                self.fail(f"{here}.values", "should hold integers written as strings")
            if zlib.crc32("\n".join(values).encode()) != crc:
                self.fail(here, "does not match its checksum: the file is corrupted")
            out = np.empty(count, dtype=object)
            try:
                out[:] = [int(v) for v in values]
            except ValueError:
                self.fail(f"{here}.values", "holds something that is not an integer")
            return out.reshape(dims)
        packed = "zlib" in spec
        key = "zlib" if packed else "base64"
        text = self.text(spec, key, here)
        try:
            raw = base64.b64decode(text, validate=True)
        except (ValueError, TypeError):
            self.fail(f"{here}.{key}", "is not valid base64: the file is corrupted")
        dt = _BINARY[dtype]
        if packed:
            # Never inflate past the size the shape allows (a zip bomb stops there).
            inflate = zlib.decompressobj()
            try:
                raw = inflate.decompress(raw, count * dt.itemsize + 1)
            except zlib.error:
                self.fail(f"{here}.zlib", "is not valid compressed data: the file is corrupted")
            if not inflate.eof and len(raw) <= count * dt.itemsize:
                self.fail(f"{here}.zlib", "ends too early: the file is corrupted")
            if inflate.unused_data:
                self.fail(f"{here}.zlib", "has data after its end: the file is corrupted")
        if len(raw) != count * dt.itemsize:
            self.fail(here, f"holds {len(raw):,} bytes, but shape {dims} needs "
                            f"{count * dt.itemsize:,}: the file is corrupted")
        if zlib.crc32(raw) != crc:
            self.fail(here, "does not match its checksum: the file is corrupted")
        # Read-only (over the file's bytes) on little-endian machines: loaded
        # runs are as immutable as finished live ones.
        return np.frombuffer(raw, dtype=dt).reshape(dims).astype(dt.newbyteorder("="), copy=False)

    # -- the document ----------------------------------------------------------

    def session(self, doc: Any) -> Session:
        if not isinstance(doc, dict):
            raise SessionError(
                f"{self.name} is JSON but not a gcdapp session: it holds {kind_of(doc)}, "
                "not an object."
            )
        if "format" not in doc:
            raise SessionError(
                f"{self.name} is JSON but not a gcdapp session: it has no \"format\" field."
            )
        if doc["format"] != FORMAT:
            raise SessionError(
                f"{self.name} is JSON but not a gcdapp session: its format is "
                f"{_shown(str(doc['format']), 40)!r}, not {FORMAT!r}."
            )
        version = self.integer(doc, "version", "", minimum=1)
        writer = doc.get("gcdapp_version")
        if version > VERSION:
            by = f"gcdapp {writer}" if isinstance(writer, str) else "a newer gcdapp"
            raise SessionError(
                f"{self.name} was saved by {by} in session format {version}; this gcdapp "
                f"({__version__}) reads format {VERSION} and older. Update gcdapp to open it."
            )
        writer = self.text(doc, "gcdapp_version", "")
        saved_at = self.text(doc, "saved_at", "", optional=True)
        when = None
        if saved_at is not None:
            try:
                when = datetime.fromisoformat(saved_at)
            except ValueError:
                self.fail("saved_at", f"is not a date and time: {_shown(saved_at, 40)!r}")
        settings = self.settings(self.obj(doc, "settings", ""))

        sets = self.obj(doc, "pair_sets", "")
        pair_sets: dict[str, np.ndarray] = {}
        for key in sets:
            here = f"pair_sets[{key!r}]"
            pairs = self.array(sets, key, "pair_sets", ("int64", "int"), (None, 2))
            if pairs_fingerprint(pairs) != key:
                self.fail(here, "does not match its fingerprint: the file is corrupted")
            pair_sets[key] = pairs
        key = self.text(doc, "pairs", "")
        if key not in pair_sets:
            self.fail("pairs", f"names pair set {_shown(key, 40)!r}, which pair_sets lacks")

        runs = []
        seen: set[int] = set()
        for i, item in enumerate(self.items(doc, "runs", "")):
            record = self.run(item, f"runs[{i}]", pair_sets)
            if record.run_id in seen:
                self.fail(f"runs[{i}].run_id", f"repeats run id {record.run_id}")
            seen.add(record.run_id)
            runs.append(record)

        marker = None
        if "autosave" in doc:
            marker = self.marker(self.obj(doc, "autosave", ""))
        sweep = leverage = None
        if "experiments" in doc:
            experiments = self.obj(doc, "experiments", "")
            try:
                if experiments.get("sweep") is not None:
                    where = "experiments.sweep"
                    sweep = sweep_from_json(experiments["sweep"])
                if experiments.get("leverage") is not None:
                    where = "experiments.leverage"
                    leverage = leverage_from_json(experiments["leverage"])
            except ExperimentFormatError as e:
                self.fail(f"{where}.{e.where}" if e.where else where, e.what)
        return Session(
            pairs=pair_sets[key], settings=settings, runs=tuple(runs),
            pair_sets=pair_sets, saved_at=when, gcdapp_version=writer, autosave=marker,
            sweep=sweep, leverage=leverage,
        )

    def settings(self, obj: dict) -> RunSettings:
        values = {}
        for s in SETTINGS:
            if s.added_later and s.name not in obj:
                values[s.name] = s.default  # a file from before the setting
                continue
            value = self.get(obj, s.name, "settings")
            try:
                values[s.name] = s.from_json(value)
            except ValueError as e:
                self.fail(f"settings.{s.name}", str(e))
        return RunSettings.from_values(values)

    def run(self, item: Any, w: str, pair_sets: dict[str, np.ndarray]) -> RunRecord:
        if not isinstance(item, dict):
            self.fail(w, f"should be an object, not {kind_of(item)}")
        run_id = self.integer(item, "run_id", w, minimum=1)
        label = self.text(item, "label", w)
        key = self.text(item, "pairs", w)
        if key not in pair_sets:
            self.fail(f"{w}.pairs", f"names pair set {_shown(key, 40)!r}, which pair_sets lacks")
        i = self.obj(item, "info", w)
        wi = f"{w}.info"
        info = RunInfo(
            mode=self.text(i, "mode", wi),
            kernel=self.text(i, "kernel", wi),
            workers=self.integer(i, "workers", wi, minimum=1),
            chunksize=self.integer(i, "chunksize", wi, minimum=1),
            start_method=self.text(i, "start_method", wi, optional=True),
            n_pairs=self.integer(i, "n_pairs", wi, minimum=0),
            n_tasks=self.integer(i, "n_tasks", wi, minimum=0),
        )
        n = info.n_pairs
        if n != len(pair_sets[key]):
            self.fail(f"{wi}.n_pairs", f"is {n:,}, but the run's pairs number "
                                       f"{len(pair_sets[key]):,}")
        status = self.text(item, "status", w)
        if status not in STATUSES:
            self.fail(f"{w}.status", f"should be one of {', '.join(STATUSES)}, not "
                                     f"{_shown(status, 40)!r}")
        error = self.text(item, "error", w, optional=True)
        wall_s = self.seconds(item, "wall_s", w)
        startup_s = self.seconds(item, "startup_s", w)
        shutdown_s = self.seconds(item, "shutdown_s", w) if "shutdown_s" in item else 0.0
        python = None
        if item.get("python") is not None:  # optional: older files lack it
            try:
                python = PythonInfo.from_json(item["python"])
            except ValueError as e:
                self.fail(f"{w}.python", str(e))
        info = replace(info, python=python)
        failed = self.items(item, "failed_pairs", w)
        if not all(type(p) is int and 0 <= p < n for p in failed):
            self.fail(f"{w}.failed_pairs", f"should hold pair numbers from 0 to {n - 1}")
        results = self.array(item, "results", w, ("int64", "int"), (n,))
        done = self.array(item, "done", w, ("bool",), (n,))

        t = self.obj(item, "tasks", w)
        wt = f"{w}.tasks"
        start = self.array(t, "start", wt, ("int64",), (None,))
        k = len(start)
        count = self.array(t, "count", wt, ("int64",), (k,))
        t_start = self.array(t, "t_start", wt, ("float64",), (k,))
        t_end = self.array(t, "t_end", wt, ("float64",), (k,))
        lane = self.array(t, "lane", wt, ("int32",), (k,))
        lanes = self.items(t, "lanes", wt)
        if not all(type(x) is str for x in lanes):
            self.fail(f"{wt}.lanes", "should be a list of strings")
        if k:
            self.task_ranges(start, count, n, wt)
            if lane.min() < 0 or lane.max() >= len(lanes):
                self.fail(f"{wt}.lane", f"should index the {len(lanes)} lanes")
            if not (np.isfinite(t_start).all() and np.isfinite(t_end).all()):
                self.fail(wt, "hold times that are not finite numbers")
        lane_startup = self.per_lane(t, "lane_startup_s", wt, len(lanes))
        lane_import = self.per_lane(t, "lane_import_s", wt, len(lanes))
        anatomy = {}
        for name in TASK_ANATOMY_FIELDS:
            if name not in t:  # a file from before the anatomy was recorded
                continue
            if name in TASK_BYTE_FIELDS:
                values = self.array(t, name, wt, ("int64",), (k,))
                if k and values.min() < 0:
                    self.fail(f"{wt}.{name}", "should hold byte counts of 0 or more")
            else:
                values = self.array(t, name, wt, ("float64",), (k,))
                if np.isinf(values).any():
                    self.fail(f"{wt}.{name}", "holds times that are not finite numbers")
                if name not in ("t_submit", "t_recv", "t_arrive") and (values < 0).any():
                    self.fail(f"{wt}.{name}", "should hold seconds (0 or more) or NaN")
            anatomy[name] = values
        total = int(count.sum())  # at most k * n: no overflow
        if total > n:  # the engine's tasks never overlap
            self.fail(f"{wt}.count", f"adds up to {total:,} pairs, but the run has {n:,}")
        pair_index = pair_rows(start, count)
        tasks = TaskBatch(
            start=start, count=count, t_start=t_start, t_end=t_end, lane=lane,
            lanes=tuple(lanes), pair_index=pair_index, gcd=results[pair_index], **anatomy,
        )
        result = RunResult(
            info=info, status=status, results=results, done=done, tasks=tasks,
            wall_s=wall_s, startup_s=startup_s, error=error, failed_pairs=list(failed),
            shutdown_s=shutdown_s, lane_startup_s=lane_startup,
            lane_import_s=tuple(lane_import.tolist()),
            python=python,
        )
        return RunRecord(run_id, label, key, result)

    def per_lane(self, t: dict, key: str, wt: str, n_lanes: int) -> np.ndarray:
        """An optional list of seconds (or nulls) per lane; NaN where null or absent."""
        out = np.full(n_lanes, np.nan)
        if key in t:
            given = self.items(t, key, wt)
            if len(given) != n_lanes or not all(
                v is None or (type(v) in (int, float) and math.isfinite(v) and v >= 0)
                for v in given
            ):
                self.fail(f"{wt}.{key}", f"should hold {n_lanes} numbers of "
                                         "seconds (0 or more) or nulls, one per lane")
            out[:] = [np.nan if v is None else float(v) for v in given]
        return out

    def task_ranges(self, start: np.ndarray, count: np.ndarray, n: int, wt: str) -> None:
        """Every task covers pairs within ``0..n - 1``. ``start + count`` can
        overflow int64, so the test is ``start <= n - count`` (which cannot,
        once ``0 <= count``); the bad task is named with exact Python ints."""
        i = int(np.argmin(start))
        if start[i] < 0:
            self.fail(f"{wt}.start", f"should hold pair numbers of 0 or more, not "
                                     f"{int(start[i]):,} (task {i})")
        i = int(np.argmin(count))
        if count[i] < 0:
            self.fail(f"{wt}.count", f"should hold pair counts of 0 or more, not "
                                     f"{int(count[i]):,} (task {i})")
        past = start > n - count
        if past.any():
            i = int(np.argmax(past))
            first, size = int(start[i]), int(count[i])
            pairs = f"pairs 0..{n - 1:,}" if n else "no pairs"
            self.fail(f"{wt}.start", f"names pairs outside the run: task {i} starts at "
                                     f"{first:,} and counts {size:,}, but the run has {pairs}")

    def marker(self, obj: dict) -> AutosaveMarker:
        w = "autosave"
        return AutosaveMarker(
            clean_exit=self.flag(obj, "clean_exit", w),
            pid=self.integer(obj, "pid", w, optional=True),
            session_path=self.text(obj, "session_path", w, optional=True),
            modified=self.flag(obj, "modified", w),
        )


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _shape_text(shape: tuple[int | None, ...]) -> str:
    return "[" + ", ".join("n" if s is None else str(s) for s in shape) + "]"
