"""Chunked exports: the same bytes as one write, progress piece by piece, and a
stop that leaves no file (and any old file as it was)."""

from __future__ import annotations

import csv
import io
import json
import threading

import numpy as np
import pytest

from gcdapp.core.engine import Run
from gcdapp.core.events import RunSpec
from gcdapp.core.export import (
    RESULT_FIELDS,
    RUN_FIELDS,
    results_csv_chunks,
    run_results_csv_chunks,
    run_rows,
    runs_csv_chunks,
    runs_document,
    runs_json_chunks,
    write_results_csv,
    write_run_results_csv,
    write_runs_csv,
    write_runs_json,
)
from gcdapp.core.export_chunks import (
    ExportCancelled,
    ExportError,
    bytes_chunks,
    write_chunks,
)
from gcdapp.core.history import RunHistory, RunRecord
from gcdapp.core.pairs import as_pairs, pairs_fingerprint
from gcdapp.core.presets import SEED_NUMBERS


def results_columns(n: int, seed: int = 3):
    """Realistic result columns: tasks of 7 pairs, a few pairs not computed,
    a few without worker, labels that need quoting."""
    rng = np.random.default_rng(seed)
    pairs = rng.integers(1, 2**62, size=(n, 2), dtype=np.int64)
    gcd = np.gcd(pairs[:, 0], pairs[:, 1])
    done = rng.random(n) > 0.05
    task = np.arange(n) // 7
    time_s = (rng.random(task[-1] + 1 if n else 1) * 1e-3)[task]
    time_s[rng.random(n) < 0.01] = np.nan
    worker = (task % 3).astype(np.int32)
    worker[rng.random(n) < 0.01] = -1
    labels = ["pid 101", 'gcd-thread_1,"quoted"', "é\nnew line"]
    return pairs, gcd, done, time_s, worker, labels


def reference_results_csv(pairs, gcd, done, time_s, worker, labels) -> bytes:
    """The results CSV row by row, the plain way (no numpy formatting)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(RESULT_FIELDS)
    for i in range(len(pairs)):
        row = [str(int(pairs[i, 0])), str(int(pairs[i, 1]))]
        if done[i]:
            t = float(time_s[i])
            w = int(worker[i])
            row += [str(int(gcd[i])), repr(t) if np.isfinite(t) else "",
                    labels[w] if 0 <= w < len(labels) else ""]
        else:
            row += ["", "", ""]
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


def _history() -> RunHistory:
    history = RunHistory()
    seed = as_pairs(SEED_NUMBERS)
    for mode, label in (("serial", "#1 serial"), ("threads", 'run "two"\nsecond line é'),
                        ("threads", "#3")):
        result = Run(seed, RunSpec(mode=mode, kernel="euclid", workers=2)).execute()
        history.add(RunRecord(history.new_id(), label, pairs_fingerprint(seed), result))
    return history


@pytest.fixture(scope="module")
def history():
    return _history()


# -- the same bytes ------------------------------------------------------------------


@pytest.mark.parametrize("n, rows_per_chunk", [(0, 5), (1, 5), (10, 1), (100, 7), (4096, 4096),
                                               (5000, 4096)])
def test_results_in_any_piece_size_are_the_rows_written_the_plain_way(tmp_path, n,
                                                                       rows_per_chunk):
    columns = results_columns(n)
    expected = reference_results_csv(*columns)
    chunks = results_csv_chunks(*columns, rows_per_chunk=rows_per_chunk)
    assert chunks.total == n
    seen = []
    path = tmp_path / "r.csv"
    assert write_chunks(path, chunks, progress=lambda done, total: seen.append((done, total))) == n
    assert path.read_bytes() == expected
    # progress after every piece, up to the total
    pieces = max(1, -(-n // rows_per_chunk))
    assert [d for d, _ in seen] == ([0] if n == 0 else
                                    [min((i + 1) * rows_per_chunk, n) for i in range(pieces)])
    assert {t for _, t in seen} == {n}
    # and the one-shot writer writes the same
    write_results_csv(tmp_path / "s.csv", *columns)
    assert (tmp_path / "s.csv").read_bytes() == expected


def test_a_run_results_pieces_are_the_one_shot_file(tmp_path, history):
    record = history.records[1]
    pairs = as_pairs(SEED_NUMBERS)
    write_run_results_csv(tmp_path / "one.csv", record.result, pairs)
    write_chunks(tmp_path / "chunked.csv", run_results_csv_chunks(record.result, pairs))
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "chunked.csv").read_bytes()
    with pytest.raises(ValueError, match="the run has 10 results for 2 pairs"):
        run_results_csv_chunks(record.result, pairs[:2])  # refused at once, not later


@pytest.mark.parametrize("runs_per_chunk", [1, 2, 256])
def test_runs_json_in_pieces_is_json_dumps_of_the_document(tmp_path, history, runs_per_chunk):
    expected = json.dumps(runs_document(history), indent=2, ensure_ascii=False,
                          allow_nan=False) + "\n"
    chunks = runs_json_chunks(history, runs_per_chunk=runs_per_chunk)
    assert chunks.total == 3
    write_chunks(tmp_path / "runs.json", chunks)
    assert (tmp_path / "runs.json").read_text(encoding="utf-8") == expected
    assert json.loads(expected)["runs"][1]["label"] == 'run "two"\nsecond line é'
    write_runs_json(tmp_path / "one.json", history)
    assert (tmp_path / "one.json").read_text(encoding="utf-8") == expected


def test_no_runs_is_the_header_alone(tmp_path):
    empty = RunHistory()
    write_runs_json(tmp_path / "runs.json", empty)
    assert (tmp_path / "runs.json").read_text() == json.dumps(
        runs_document(empty), indent=2, ensure_ascii=False) + "\n"
    write_runs_csv(tmp_path / "runs.csv", empty)
    assert (tmp_path / "runs.csv").read_text() == ",".join(RUN_FIELDS) + "\n"


@pytest.mark.parametrize("runs_per_chunk", [1, 2, 256])
def test_runs_csv_in_pieces_is_the_rows_written_at_once(tmp_path, history, runs_per_chunk):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(RUN_FIELDS)
    for row in run_rows(history):
        writer.writerow(["" if row[k] is None else row[k] for k in RUN_FIELDS])
    write_chunks(tmp_path / "runs.csv", runs_csv_chunks(history, runs_per_chunk=runs_per_chunk))
    assert (tmp_path / "runs.csv").read_text(encoding="utf-8") == buffer.getvalue()


def test_bytes_in_pieces(tmp_path):
    data = bytes(range(256)) * 1000
    seen = []
    write_chunks(tmp_path / "b.bin", bytes_chunks(data, size=10_000),
                 progress=lambda d, t: seen.append(d))
    assert (tmp_path / "b.bin").read_bytes() == data
    assert seen[-1] == len(data) and len(seen) == 26
    write_chunks(tmp_path / "empty.bin", bytes_chunks(b""))
    assert (tmp_path / "empty.bin").read_bytes() == b""


# -- stopping ------------------------------------------------------------------------


@pytest.mark.parametrize("stop_after", [0, 1, 5, 24])  # 25 pieces: 24 = before the rename
def test_a_stop_leaves_no_file_and_the_old_one_as_it_was(tmp_path, stop_after):
    columns = results_columns(2500)
    stop = threading.Event()
    taken = []

    def progress(done, _total):
        taken.append(done)
        if len(taken) >= stop_after:
            stop.set()

    old = tmp_path / "old.csv"
    old.write_bytes(b"precious\n")
    for path in (tmp_path / "new.csv", old):
        taken.clear()
        stop.clear()
        if stop_after == 0:
            stop.set()
        with pytest.raises(ExportCancelled, match="cancelled: nothing was written"):
            write_chunks(path, results_csv_chunks(*columns, rows_per_chunk=100),
                         progress=progress, stop=stop)
        assert len(taken) == stop_after  # it stopped at the next piece
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.csv"]  # no temporary file
    assert old.read_bytes() == b"precious\n"


def test_a_stop_from_another_thread_ends_a_long_export(tmp_path):
    columns = results_columns(200_000)
    stop = threading.Event()
    first_piece = threading.Event()
    outcome = []

    def write():
        try:
            write_chunks(tmp_path / "big.csv", results_csv_chunks(*columns, rows_per_chunk=100),
                         progress=lambda d, t: first_piece.set(), stop=stop)
            outcome.append("written")
        except ExportCancelled:
            outcome.append("cancelled")

    thread = threading.Thread(target=write)
    thread.start()
    assert first_piece.wait(30)
    stop.set()
    thread.join(30)
    assert not thread.is_alive()
    assert outcome == ["cancelled"]
    assert list(tmp_path.iterdir()) == []


def test_a_failure_while_producing_a_piece_is_an_export_error(tmp_path):
    path = tmp_path / "runs.json"
    path.write_text("old\n")

    def pieces():
        yield "[1,", 1
        raise ValueError("Out of range float values are not JSON compliant")

    from gcdapp.core.export_chunks import Chunks

    with pytest.raises(ExportError, match=r"Cannot write .*runs\.json: Out of range float"):
        write_chunks(path, Chunks(2, pieces()))
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["runs.json"]


def test_an_unwritable_folder_is_the_specific_reason(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if _can_write(folder):
            pytest.skip("running as a user who may write anywhere")
        with pytest.raises(ExportError) as caught:
            write_chunks(folder / "r.csv", results_csv_chunks(*results_columns(10)))
        assert str(caught.value) == f"Cannot write {folder / 'r.csv'}: Permission denied"
    finally:
        folder.chmod(0o700)
    assert list(folder.iterdir()) == []


def test_a_file_in_place_of_the_folder_is_the_specific_reason(tmp_path):
    (tmp_path / "notes.txt").write_text("a file")
    with pytest.raises(ExportError) as caught:
        write_chunks(tmp_path / "notes.txt" / "r.csv", results_csv_chunks(*results_columns(10)))
    assert str(caught.value) == f"Cannot write {tmp_path / 'notes.txt' / 'r.csv'}: Not a directory"
    assert (tmp_path / "notes.txt").read_text() == "a file"


def _can_write(folder) -> bool:
    try:
        (folder / "probe").write_text("")
    except PermissionError:
        return False
    (folder / "probe").unlink()
    return True
