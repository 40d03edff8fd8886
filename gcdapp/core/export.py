"""Writers for results and runs: CSV and JSON, Qt-free.

Every file is written atomically, so a reader (or a crash) sees the old file
or the new one, never half of one. A failure raises :class:`ExportError`,
whose message names the file and the reason; the old file, if any, is left
as it was.

Each ``write_*`` writer has a ``*_chunks`` twin that returns the same bytes as
:class:`~gcdapp.core.export_chunks.Chunks`: pieces of a few thousand rows,
formatted only when asked for, with the rows done after each. The GUI writes
those on a worker thread with :func:`~gcdapp.core.export_chunks.write_chunks`
(progress, and a stop between pieces); ``write_*`` is that same write, here
and now.

Formats
-------
Results CSV (one row per pair, in input order)::

    a,b,gcd,time_s,worker

``gcd`` is an exact integer (huge ones included). ``time_s`` is the duration
of the *task* that computed the pair, in seconds, written as Python's
shortest round-trip float; a task may hold several pairs, which then share it.
``worker`` is the worker's label (a pid for processes, a thread name for
threads). ``gcd``, ``time_s`` and ``worker`` are empty for a pair that was not
computed.

The results CSV of a stored run (:func:`write_run_results_csv`) adds, at the
end, the anatomy of the pair's task (:data:`TASK_RESULT_FIELDS`; every pair
of a task repeats them)::

    task_cpu_s,task_t_submit,task_t_recv,task_t_arrive,task_bytes_in,task_bytes_out,
    task_pickle_in_s,task_unpickle_in_s,task_pickle_out_s,task_unpickle_out_s,task_merge_s

the fields of :class:`~gcdapp.core.events.TaskBatch` of the same names
(seconds since the run's start for ``t_*``, durations in seconds, pickled
sizes in bytes). A cell is empty where the value is unknown (``t_recv`` in
process, runs saved before these were recorded) or the pair was not computed.

Runs CSV: one row per run of the history, columns :data:`RUN_FIELDS`. Empty
cells stand for "none" (no start method, no speedup, no error).

Runs JSON: one object::

    {"format": "gcdapp-runs", "format_version": 1,
     "gcdapp_version": "0.1.0", "python_version": "3.11.9",
     "runs": [{...one object per run, keys RUN_FIELDS...}]}

with ``null`` where the CSV has an empty cell. Only standard JSON is written
(no NaN or Infinity).
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import platform
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from gcdapp import __version__
from gcdapp.core.atomic import atomic_write_bytes, atomic_write_text
from gcdapp.core.export_chunks import Chunks, ExportError, reason, write_chunks
from gcdapp.core.events import TASK_ANATOMY_FIELDS, TASK_BYTE_FIELDS, RunResult, TaskBatch
from gcdapp.core.history import RunHistory, RunRecord
from gcdapp.core.task_rows import pair_rows

__all__ = [
    "RESULT_FIELDS",
    "RUN_FIELDS",
    "RUNS_JSON_FORMAT",
    "RUN_RESULT_FIELDS",
    "TASK_RESULT_FIELDS",
    "ExportError",
    "pair_task_columns",
    "results_csv_chunks",
    "run_results_csv_chunks",
    "run_rows",
    "runs_csv_chunks",
    "runs_json_chunks",
    "runs_to_json",
    "write_atomic_bytes",
    "write_atomic_text",
    "write_results_csv",
    "write_run_results_csv",
    "write_runs_csv",
    "write_runs_json",
]

RESULT_FIELDS = ("a", "b", "gcd", "time_s", "worker")
#: The columns a stored run's results CSV adds: its pairs' tasks' anatomy.
TASK_RESULT_FIELDS = tuple(f"task_{name}" for name in TASK_ANATOMY_FIELDS)
RUN_RESULT_FIELDS = RESULT_FIELDS + TASK_RESULT_FIELDS
RUN_FIELDS = (
    "run_id",
    "label",
    "mode",
    "workers",
    "kernel",
    "chunksize",
    "start_method",
    "python",  # the interpreter the workers ran in: "3.13.0", "3.14.2t free-threaded, GIL off"
    "python_executable",
    "n_pairs",
    "n_done",
    "status",
    "wall_s",
    "startup_s",
    "compute_s",
    "speedup",
    "baseline_run_id",
    "error",
)
RUNS_JSON_FORMAT = "gcdapp-runs"
RUNS_JSON_VERSION = 1


def _write_atomically(path: str | os.PathLike, write, content) -> None:
    target = Path(path)
    if target.is_dir():
        raise ExportError(path, "it is a folder")
    try:
        write(target, content)
    except (OSError, ValueError) as exc:
        raise ExportError(path, reason(exc)) from exc


def write_atomic_text(path: str | os.PathLike, text: str) -> None:
    """``atomic_write_text``, with any failure raised as :class:`ExportError`."""
    _write_atomically(path, atomic_write_text, text)


def write_atomic_bytes(path: str | os.PathLike, data: bytes) -> None:
    """``atomic_write_bytes``, with any failure raised as :class:`ExportError`."""
    _write_atomically(path, atomic_write_bytes, data)


# -- results -------------------------------------------------------------------


#: Rows per piece of :func:`results_csv_chunks`: each of the few C calls that
#: format a piece (csv, str, numpy) holds the GIL for a millisecond or two.
ROWS_PER_CHUNK = 4096


def _int_cells(values: np.ndarray) -> list[str]:
    """Exact decimal text of each value (``tolist`` gives Python ints)."""
    return list(map(str, values.tolist()))


def _float_cells(values: np.ndarray, keep: np.ndarray) -> list[str]:
    """``repr`` of each value where ``keep`` and finite, else ``""``.

    The pairs of one task are contiguous and share its time, so each run of
    equal values is formatted once.
    """
    n = len(values)
    if n == 0:
        return []
    ok = keep & np.isfinite(values)
    v = np.where(ok, values, 0.0)
    starts = np.flatnonzero(np.concatenate(([True], (v[1:] != v[:-1]) | (ok[1:] != ok[:-1]))))
    texts = np.array(
        [repr(x) if k else "" for x, k in zip(v[starts].tolist(), ok[starts].tolist())],
        dtype=object,
    )
    return np.repeat(texts, np.diff(np.append(starts, n))).tolist()


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate(0)
    return text


def results_csv_chunks(
    pairs: np.ndarray,
    gcd: np.ndarray,
    done: np.ndarray,
    time_s: np.ndarray,
    worker_index: np.ndarray,
    worker_labels: Sequence[str],
    *,
    rows_per_chunk: int = ROWS_PER_CHUNK,
    extra_columns: Sequence[tuple[str, np.ndarray]] = (),
) -> Chunks:
    """The results CSV of :func:`write_results_csv`, in pieces of
    ``rows_per_chunk`` rows (the header goes with the first). The columns are
    checked now (``ValueError``); the rows are formatted as the pieces are
    taken, from the arrays given, which must not change meanwhile.

    ``extra_columns`` are ``(header, per-pair values)`` written after the
    five, float64 (empty cell where NaN) or int64, and empty for pairs not
    done."""
    pairs = np.asarray(pairs)
    n = len(pairs)
    if pairs.size == 0:
        pairs = np.empty((0, 2), dtype=np.int64)
    if pairs.ndim != 2 or pairs.shape[1] != 2:
        raise ValueError(f"pairs must have shape (n, 2), got {pairs.shape}")
    done = np.asarray(done, dtype=bool)
    gcd = np.asarray(gcd)
    time_s = np.asarray(time_s, dtype=np.float64)
    worker_index = np.asarray(worker_index)
    for name, column in (("gcd", gcd), ("done", done), ("time_s", time_s),
                         ("worker_index", worker_index)):
        if len(column) != n:
            raise ValueError(f"{name} has {len(column)} values for {n} pairs")
    extra = [(str(name), np.asarray(values)) for name, values in extra_columns]
    for name, column in extra:
        if len(column) != n:
            raise ValueError(f"{name} has {len(column)} values for {n} pairs")
    step = max(1, int(rows_per_chunk))

    labels = np.empty(len(worker_labels) + 1, dtype=object)
    labels[:-1] = [str(label) for label in worker_labels]
    labels[-1] = ""  # for "no worker"
    no_worker = len(worker_labels)

    def pieces():
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(RESULT_FIELDS + tuple(name for name, _ in extra))
        if n == 0:
            yield _take(buffer), 0
        # Piece by piece, whole columns at once: numpy picks and formats the
        # cells (as text, which the csv module writes fastest), csv writes rows.
        for lo in range(0, n, step):
            hi = min(lo + step, n)
            ok = done[lo:hi]
            a = _int_cells(pairs[lo:hi, 0])
            b = _int_cells(pairs[lo:hi, 1])
            g = _int_cells(gcd[lo:hi])
            for i in np.flatnonzero(~ok).tolist():
                g[i] = ""
            t = _float_cells(time_s[lo:hi], ok)
            index = worker_index[lo:hi].astype(np.intp)
            index[(index < 0) | (index >= no_worker) | ~ok] = no_worker
            w = labels[index].tolist()
            if not extra:
                writer.writerows(zip(a, b, g, t, w))
                yield _take(buffer), hi
                continue
            more = []
            for _name, column in extra:
                if column.dtype.kind == "f":
                    more.append(_float_cells(column[lo:hi], ok))
                else:
                    cells = _int_cells(column[lo:hi])
                    for i in np.flatnonzero(~ok).tolist():
                        cells[i] = ""
                    more.append(cells)
            writer.writerows(zip(a, b, g, t, w, *more))
            yield _take(buffer), hi

    return Chunks(n, pieces())


def write_results_csv(
    path: str | os.PathLike,
    pairs: np.ndarray,
    gcd: np.ndarray,
    done: np.ndarray,
    time_s: np.ndarray,
    worker_index: np.ndarray,
    worker_labels: Sequence[str],
) -> int:
    """Write one row per pair (``a,b,gcd,time_s,worker``); return the row count.

    ``pairs`` is ``(n, 2)`` (int64 or object); ``gcd`` is meaningful where
    ``done``; ``time_s`` is the duration of each pair's task (NaN when none);
    ``worker_index`` indexes ``worker_labels`` (-1 when none). Pairs that are
    not ``done`` get empty gcd, time and worker cells.
    """
    chunks = results_csv_chunks(pairs, gcd, done, time_s, worker_index, worker_labels)
    return write_chunks(path, chunks)


def pair_task_columns(tasks: TaskBatch, n_pairs: int) -> tuple[np.ndarray, np.ndarray]:
    """Per pair: the duration (s) of the task that computed it, and that task's
    lane (an index into ``tasks.lanes``). NaN and -1 for pairs no task covered."""
    time_s = np.full(n_pairs, np.nan, dtype=np.float64)
    lane = np.full(n_pairs, -1, dtype=np.int32)
    count = np.asarray(tasks.count, dtype=np.int64)
    if len(count) == 0 or n_pairs == 0:
        return time_s, lane
    rows = pair_rows(tasks.start, count)
    keep = (rows >= 0) & (rows < n_pairs)
    duration = np.asarray(tasks.t_end, np.float64) - np.asarray(tasks.t_start, np.float64)
    time_s[rows[keep]] = np.repeat(duration, count)[keep]
    lane[rows[keep]] = np.repeat(np.asarray(tasks.lane, np.int32), count)[keep]
    return time_s, lane


def pair_task_anatomy_columns(tasks: TaskBatch, n_pairs: int) -> list[tuple[str, np.ndarray]]:
    """Per pair, each anatomy field of the task that computed it, headed as
    in :data:`TASK_RESULT_FIELDS` (NaN, or 0 bytes, for pairs no task covered)."""
    count = np.asarray(tasks.count, dtype=np.int64)
    rows = pair_rows(tasks.start, count) if len(count) else np.zeros(0, np.int64)
    keep = (rows >= 0) & (rows < n_pairs)
    out = []
    for header, name in zip(TASK_RESULT_FIELDS, TASK_ANATOMY_FIELDS):
        ints = name in TASK_BYTE_FIELDS
        column = (np.zeros(n_pairs, np.int64) if ints else np.full(n_pairs, np.nan))
        if len(count) and n_pairs:
            values = np.asarray(getattr(tasks, name), np.int64 if ints else np.float64)
            column[rows[keep]] = np.repeat(values, count)[keep]
        out.append((header, column))
    return out


def run_results_csv_chunks(result: RunResult, pairs: np.ndarray) -> Chunks:
    """:func:`write_run_results_csv` in pieces; the per-pair task columns are
    worked out when the first piece is taken (off the caller's thread)."""
    pairs = np.asarray(pairs)
    n = len(pairs)
    if len(result.done) != n:
        raise ValueError(f"the run has {len(result.done)} results for {n} pairs")

    def pieces():
        time_s, lane = pair_task_columns(result.tasks, n)
        yield from results_csv_chunks(
            pairs, result.results, result.done, time_s, lane, result.tasks.lanes,
            extra_columns=pair_task_anatomy_columns(result.tasks, n),
        ).pieces

    return Chunks(n, pieces())


def write_run_results_csv(path: str | os.PathLike, result: RunResult, pairs: np.ndarray) -> int:
    """The results CSV of one stored run: its ``pairs``, what it computed,
    and its tasks' anatomy (columns :data:`RUN_RESULT_FIELDS`)."""
    return write_chunks(path, run_results_csv_chunks(result, pairs))


# -- runs ----------------------------------------------------------------------


def _finite_or_none(value: float | None) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _run_row(history: RunHistory, record: RunRecord) -> dict:
    result = record.result
    info = result.info
    baseline = history.baseline(record) if record.completed else None
    speedup = _finite_or_none(history.speedup(record))
    return {
        "run_id": int(record.run_id),
        "label": record.label,
        "mode": info.mode,
        "workers": int(info.workers),
        "kernel": info.kernel,
        "chunksize": int(info.chunksize),
        "start_method": info.start_method,
        "python": result.python.label if result.python is not None else None,
        "python_executable": result.python.executable if result.python is not None else None,
        "n_pairs": int(info.n_pairs),
        "n_done": int(result.n_done),
        "status": result.status,
        "wall_s": _finite_or_none(result.wall_s),
        "startup_s": _finite_or_none(result.startup_s),
        "compute_s": _finite_or_none(result.compute_s),
        "speedup": speedup,
        "baseline_run_id": int(baseline.run_id) if speedup is not None else None,
        "error": result.error,
    }


def run_rows(history: RunHistory) -> list[dict]:
    """One dict per run, in history order, with the keys of :data:`RUN_FIELDS`
    (None for "none"). ``speedup`` is against the run's baseline as
    :meth:`RunHistory.speedup` defines it; ``baseline_run_id`` names that run."""
    return [_run_row(history, record) for record in history]


def runs_to_json(history: RunHistory) -> list[dict]:
    """The ``runs`` list of the runs JSON (JSON-ready dicts)."""
    return run_rows(history)


#: Runs per piece of the runs CSV and JSON.
RUNS_PER_CHUNK = 256


def runs_csv_chunks(history: RunHistory, *, runs_per_chunk: int = RUNS_PER_CHUNK) -> Chunks:
    """:func:`write_runs_csv` in pieces. The rows are taken from ``history``
    now (it may change afterwards); their text as the pieces are taken."""
    rows = run_rows(history)
    step = max(1, int(runs_per_chunk))

    def pieces():
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(RUN_FIELDS)
        if not rows:
            yield _take(buffer), 0
        for lo in range(0, len(rows), step):
            for row in rows[lo:lo + step]:
                # floats as repr (shortest round-trip); None as an empty cell
                writer.writerow(["" if row[key] is None else row[key] for key in RUN_FIELDS])
            yield _take(buffer), min(lo + step, len(rows))

    return Chunks(len(rows), pieces())


def write_runs_csv(path: str | os.PathLike, history: RunHistory) -> int:
    """One row per run (columns :data:`RUN_FIELDS`); return the row count."""
    return write_chunks(path, runs_csv_chunks(history))


def runs_document(history: RunHistory) -> dict:
    """The whole runs JSON document: a small header and the ``runs`` list."""
    return {
        "format": RUNS_JSON_FORMAT,
        "format_version": RUNS_JSON_VERSION,
        "gcdapp_version": __version__,
        "python_version": platform.python_version(),
        "runs": runs_to_json(history),
    }


def _json_encoder() -> json.JSONEncoder:
    return json.JSONEncoder(indent=2, ensure_ascii=False, allow_nan=False)


def runs_json_chunks(history: RunHistory, *, runs_per_chunk: int = RUNS_PER_CHUNK) -> Chunks:
    """:func:`write_runs_json` in pieces: the same bytes as
    ``json.dumps(runs_document(history), indent=2, ensure_ascii=False) + "\\n"``.
    The document is taken from ``history`` now; its text as the pieces are taken."""
    document = runs_document(history)
    runs = document["runs"]
    step = max(1, int(runs_per_chunk))

    def pieces():
        encoder = _json_encoder()
        if not runs:
            yield encoder.encode(document) + "\n", 0
            return
        # "runs" is the last key: encode the header around a placeholder run,
        # then each run indented as json.dumps indents an item of that list.
        head, _placeholder, tail = encoder.encode({**document, "runs": [None]}).rpartition("null")
        inner = "\n    "  # a run's lines sit 4 spaces deep in the document
        between = "," + inner
        for lo in range(0, len(runs), step):
            hi = min(lo + step, len(runs))
            text = between.join(
                encoder.encode(run).replace("\n", inner) for run in runs[lo:hi]
            )
            yield ((head if lo == 0 else between) + text
                   + (tail + "\n" if hi == len(runs) else "")), hi

    return Chunks(len(runs), pieces())


def write_runs_json(path: str | os.PathLike, history: RunHistory) -> int:
    """Write :func:`runs_document` as indented JSON; return the run count."""
    return write_chunks(path, runs_json_chunks(history))
