"""Results and runs writers: real runs written, read back and compared exactly."""

from __future__ import annotations

import csv
import errno
import json
import math
import os
import platform
import sys
import time

import numpy as np
import pytest

from gcdapp import __version__
from gcdapp.core import atomic
from gcdapp.core.engine import Run, run_pairs
from gcdapp.core.events import RunSpec
from gcdapp.core.export import (
    RESULT_FIELDS,
    RUN_RESULT_FIELDS,
    TASK_RESULT_FIELDS,
    RUN_FIELDS,
    ExportError,
    pair_task_columns,
    run_rows,
    runs_to_json,
    write_atomic_bytes,
    write_atomic_text,
    write_results_csv,
    write_run_results_csv,
    write_runs_csv,
    write_runs_json,
)
from gcdapp.core.history import RunHistory, RunRecord
from gcdapp.core.pairs import as_pairs, pairs_fingerprint
from gcdapp.core.presets import SEED_NUMBERS, SEED_RESULTS
from tests.core import faulty_kernels as fk

SEED = as_pairs(SEED_NUMBERS)


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def expected_task_cells(result, n):
    """Per pair (time text, worker) straight from the run's tasks, task by task."""
    time_s = [""] * n
    worker = [""] * n
    tasks = result.tasks
    for i in range(len(tasks)):
        start, count = int(tasks.start[i]), int(tasks.count[i])
        duration = float(tasks.t_end[i]) - float(tasks.t_start[i])
        for row in range(start, start + count):
            time_s[row] = duration
            worker[row] = tasks.lanes[int(tasks.lane[i])]
    return time_s, worker


# -- results -----------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["serial", "threads", "processes"])
def test_a_real_runs_results_read_back_exactly(tmp_path, mode):
    result = run_pairs(SEED, RunSpec(mode=mode, kernel="euclid", workers=2, chunksize=3))
    assert result.status == "completed"
    path = tmp_path / "results.csv"
    assert write_run_results_csv(path, result, SEED) == len(SEED)

    rows = read_csv(path)
    assert rows[0] == list(RUN_RESULT_FIELDS)
    assert rows[0][:5] == list(RESULT_FIELDS) == ["a", "b", "gcd", "time_s", "worker"]
    assert len(rows) == 1 + len(SEED)
    times, workers = expected_task_cells(result, len(SEED))
    for row, (a, b), gcd, t, w in zip(rows[1:], SEED_NUMBERS, SEED_RESULTS, times, workers):
        assert row[:3] == [str(a), str(b), str(gcd)]
        assert float(row[3]) == t  # repr round-trips: the exact float
        assert t > 0
        assert row[4] == w
    # a task of 3 pairs: its pairs share its time and worker
    assert rows[1][3:] == rows[2][3:] == rows[3][3:]


def test_pairs_a_failed_run_did_not_compute_have_empty_cells(tmp_path):
    pairs = as_pairs([(12, 18), (fk.TRIGGER, 5), (100, 75), (7, 21)])
    result = Run(pairs, RunSpec(mode="threads", workers=1, chunksize=1), kernel=fk.RAISES).execute()
    assert result.status == "failed"
    assert not result.done.all()
    path = tmp_path / "failed.csv"
    write_run_results_csv(path, result, pairs)
    rows = read_csv(path)[1:]
    times, workers = expected_task_cells(result, len(pairs))
    for row, (a, b), done, value, t, w in zip(
        rows, pairs.tolist(), result.done.tolist(), result.results.tolist(), times, workers
    ):
        assert row[:2] == [str(a), str(b)]
        if done:
            assert row[2] == str(math.gcd(a, b)) == str(value)
            assert float(row[3]) == t and row[4] == w
        else:
            assert row[2:] == [""] * (3 + len(TASK_RESULT_FIELDS))
    assert rows[1] == [str(fk.TRIGGER), "5", "", "", ""] + [""] * len(TASK_RESULT_FIELDS)


@pytest.mark.parametrize("mode", ["threads", "processes"])
def test_a_stored_runs_results_end_with_its_tasks_anatomy(tmp_path, mode):
    result = run_pairs(SEED, RunSpec(mode=mode, kernel="euclid", workers=2, chunksize=3))
    assert result.status == "completed"
    path = tmp_path / "results.csv"
    write_run_results_csv(path, result, SEED)
    rows = read_csv(path)
    assert rows[0][5:] == list(TASK_RESULT_FIELDS) == [
        "task_cpu_s", "task_t_submit", "task_t_recv", "task_t_arrive", "task_bytes_in",
        "task_bytes_out", "task_pickle_in_s", "task_unpickle_in_s", "task_pickle_out_s",
        "task_unpickle_out_s", "task_merge_s"]
    tasks = result.tasks
    column = {name: i for i, name in enumerate(rows[0])}
    for i, row in enumerate(rows[1:]):
        task = int(np.flatnonzero((tasks.start <= i) & (i < tasks.start + tasks.count))[0])
        for name in ("cpu_s", "t_submit", "t_arrive", "merge_s", "pickle_in_s"):
            assert float(row[column[f"task_{name}"]]) == getattr(tasks, name)[task]
        for name in ("bytes_in", "bytes_out"):
            assert int(row[column[f"task_{name}"]]) == getattr(tasks, name)[task]
        if mode == "threads":  # in process: no trip to a worker, nothing pickled
            assert row[column["task_t_recv"]] == "" and row[column["task_bytes_in"]] == "0"
        else:
            assert float(row[column["task_t_recv"]]) == tasks.t_recv[task]
            assert int(row[column["task_bytes_in"]]) > 0


def test_huge_integers_are_written_exactly(tmp_path):
    big = 2**300 * 3**50
    pairs = as_pairs([(big * 7, big * 11), (10**40 + 1, 10**20), (12, 18)])
    assert pairs.dtype == object
    result = run_pairs(pairs, RunSpec(mode="serial", kernel="builtin"))
    assert result.status == "completed"
    path = tmp_path / "big.csv"
    write_run_results_csv(path, result, pairs)
    rows = read_csv(path)[1:]
    assert [int(r[0]) for r in rows] == [big * 7, 10**40 + 1, 12]
    assert [int(r[1]) for r in rows] == [big * 11, 10**20, 18]
    assert [int(r[2]) for r in rows] == [big, math.gcd(10**40 + 1, 10**20), 6]
    assert rows[0][2] == str(big)


def test_columns_as_given_with_labels_that_need_quoting(tmp_path):
    pairs = as_pairs([(4, 6), (9, 12), (5, 7), (8, 8)])
    gcd = np.array([2, 3, 0, 8], dtype=np.int64)
    done = np.array([True, True, False, True])
    time_s = np.array([0.5, 0.25, np.nan, np.nan])
    worker = np.array([1, 0, -1, 7], dtype=np.int32)  # 7: no such worker
    labels = ['pid 1, "first"', "thread\n2"]
    path = tmp_path / "given.csv"
    assert write_results_csv(path, pairs, gcd, done, time_s, worker, labels) == 4
    assert read_csv(path) == [
        list(RESULT_FIELDS),
        ["4", "6", "2", "0.5", "thread\n2"],
        ["9", "12", "3", "0.25", 'pid 1, "first"'],
        ["5", "7", "", "", ""],
        ["8", "8", "8", "", ""],
    ]


def test_no_pairs_writes_just_the_header(tmp_path):
    path = tmp_path / "empty.csv"
    empty = np.empty(0)
    assert write_results_csv(path, np.empty((0, 2), np.int64), empty, empty.astype(bool),
                             empty, empty.astype(np.int32), []) == 0
    assert path.read_text() == "a,b,gcd,time_s,worker\n"


def test_mismatched_columns_are_refused_before_writing(tmp_path):
    path = tmp_path / "x.csv"
    with pytest.raises(ValueError, match="done has 1 values for 2 pairs"):
        write_results_csv(path, as_pairs([(1, 2), (3, 4)]), np.zeros(2), np.zeros(1, bool),
                          np.zeros(2), np.zeros(2), [])
    assert not path.exists()


def test_pair_task_columns_spread_each_task_over_its_pairs():
    result = run_pairs(SEED, RunSpec(mode="threads", kernel="euclid", workers=2, chunksize=4))
    time_s, lane = pair_task_columns(result.tasks, len(SEED))
    times, workers = expected_task_cells(result, len(SEED))
    assert time_s.tolist() == times
    assert [result.tasks.lanes[i] for i in lane.tolist()] == workers


@pytest.mark.slow
def test_a_million_rows_are_written_quickly(tmp_path):
    n = 1_000_000
    rng = np.random.default_rng(7)
    pairs = rng.integers(1, 2**62, size=(n, 2), dtype=np.int64)
    gcd = np.gcd(pairs[:, 0], pairs[:, 1])
    done = np.ones(n, dtype=bool)
    done[::10] = False
    # tasks of 50 pairs share one time and one of 8 workers
    time_s = np.repeat(rng.random(n // 50) * 1e-3, 50)
    worker = np.repeat(rng.integers(0, 8, n // 50), 50).astype(np.int32)
    labels = [f"pid {1000 + i}" for i in range(8)]
    path = tmp_path / "million.csv"
    started = time.perf_counter()
    assert write_results_csv(path, pairs, gcd, done, time_s, worker, labels) == n
    elapsed = time.perf_counter() - started
    with open(path, newline="") as handle:
        reader = csv.reader(handle)
        assert next(reader) == list(RESULT_FIELDS)
        count = 0
        for count, row in enumerate(reader, 1):
            if count in (1, 2, 500_001, n):
                i = count - 1
                assert row[:2] == [str(pairs[i, 0]), str(pairs[i, 1])]
                if done[i]:
                    assert row[2:] == [str(gcd[i]), repr(float(time_s[i])), labels[worker[i]]]
                else:
                    assert row[2:] == ["", "", ""]
    assert count == n
    assert elapsed < 10.0, f"{elapsed:.2f} s for a million rows"


# -- failures ------------------------------------------------------------------------


def test_a_full_disk_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "results.csv"
    path.write_text("old contents\n")

    def full(_fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic.os, "fsync", full)
    with pytest.raises(ExportError) as caught:
        write_results_csv(path, SEED, np.array(SEED_RESULTS), np.ones(10, bool),
                          np.full(10, 0.1), np.zeros(10, np.int32), ["w"])
    assert str(caught.value) == f"Cannot write {path}: {os.strerror(errno.ENOSPC)}"
    assert caught.value.path == str(path)
    assert path.read_text() == "old contents\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.csv"]


def test_a_missing_folder_or_a_folder_as_target_is_a_clear_error(tmp_path):
    history = _history_of_real_runs()
    missing = tmp_path / "no" / "such" / "runs.csv"
    with pytest.raises(ExportError, match=r"Cannot write .*runs\.csv: No such file or directory"):
        write_runs_csv(missing, history)
    (tmp_path / "folder.json").mkdir()
    with pytest.raises(ExportError, match="it is a folder"):
        write_runs_json(tmp_path / "folder.json", history)
    assert (tmp_path / "folder.json").is_dir()


@pytest.mark.parametrize("write, content, read", [
    (write_atomic_bytes, b"\x89PNG new", lambda p: p.read_bytes()),
    (write_atomic_text, "new \u00e9 text\n", lambda p: p.read_text(encoding="utf-8")),
])
def test_the_atomic_writers_report_every_failure_as_an_export_error(
    tmp_path, monkeypatch, write, content, read
):
    path = tmp_path / "out.bin"
    write(path, content)
    assert read(path) == content
    (tmp_path / "folder").mkdir()
    with pytest.raises(ExportError, match=r"Cannot write .*folder: it is a folder"):
        write(tmp_path / "folder", content)
    with pytest.raises(ExportError, match="No such file or directory"):
        write(tmp_path / "missing" / "out.bin", content)

    def full(_fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic.os, "fsync", full)
    with pytest.raises(ExportError) as caught:
        write(path, content[:3])
    assert caught.value.reason == os.strerror(errno.ENOSPC)
    assert read(path) == content  # the old file stays
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder", "out.bin"]


# -- runs --------------------------------------------------------------------------


def _add(history, pairs, spec, label, kernel=None):
    pairs = as_pairs(pairs)
    result = Run(pairs, spec, kernel=kernel).execute()
    record = RunRecord(history.new_id(), label, pairs_fingerprint(pairs), result)
    history.add(record)
    return record


def _history_of_real_runs() -> RunHistory:
    history = RunHistory()
    _add(history, SEED, RunSpec(mode="threads", kernel="euclid", workers=2), "#1 threads ×2")
    _add(history, SEED, RunSpec(mode="serial", kernel="euclid"), "#2 serial")
    _add(history, SEED, RunSpec(mode="processes", kernel="euclid", workers=2, chunksize=5),
         "#3 processes ×2")
    _add(history, [(4, 6), (9, 12)], RunSpec(mode="threads", kernel="euclid", workers=2),
         "#4 threads ×2")  # other pairs: no serial baseline
    _add(history, [(12, 18), (fk.TRIGGER, 5)],
         RunSpec(mode="threads", kernel="euclid", workers=1, chunksize=1), "#5 threads ×1",
         kernel=fk.RAISES)
    return history


@pytest.fixture(scope="module")
def history():
    return _history_of_real_runs()


def test_run_rows_hold_every_field_and_the_speedup_against_the_serial_run(history):
    rows = run_rows(history)
    assert [list(row) for row in rows] == [list(RUN_FIELDS)] * len(history)
    serial = history.records[1]
    for row, record in zip(rows, history):
        info, result = record.result.info, record.result
        assert row["run_id"] == record.run_id
        assert row["label"] == record.label
        assert (row["mode"], row["workers"], row["kernel"]) == (info.mode, info.workers, info.kernel)
        assert (row["chunksize"], row["start_method"]) == (info.chunksize, info.start_method)
        assert (row["n_pairs"], row["n_done"], row["status"]) == (
            info.n_pairs, result.n_done, result.status)
        assert (row["wall_s"], row["startup_s"], row["compute_s"]) == (
            result.wall_s, result.startup_s, result.compute_s)
        assert row["speedup"] == history.speedup(record)
        assert row["error"] == result.error
        assert row["python"] == platform.python_version()  # these ran here
        assert row["python_executable"] == sys.executable
    threads, _, processes, other, failed = rows
    assert threads["speedup"] == serial.result.wall_s / history.records[0].result.wall_s
    assert threads["baseline_run_id"] == processes["baseline_run_id"] == serial.run_id
    assert rows[1]["speedup"] == 1.0
    assert processes["start_method"] is not None and threads["start_method"] is None
    assert other["speedup"] is None and other["baseline_run_id"] is None
    assert failed["status"] == "failed" and failed["speedup"] is None
    assert "boom on purpose" in failed["error"]
    assert failed["n_done"] < failed["n_pairs"]


def test_runs_csv_reads_back_exactly(tmp_path, history):
    path = tmp_path / "runs.csv"
    assert write_runs_csv(path, history) == len(history)
    rows = read_csv(path)
    assert rows[0] == list(RUN_FIELDS)
    assert len(rows) == 1 + len(history)
    for cells, expected in zip(rows[1:], run_rows(history)):
        record = dict(zip(RUN_FIELDS, cells))
        for key, value in expected.items():
            if value is None:
                assert record[key] == "", key
            elif isinstance(value, float):
                assert float(record[key]) == value, key
            elif isinstance(value, int):
                assert int(record[key]) == value, key
            else:
                assert record[key] == value, key


def test_runs_json_is_a_header_and_the_runs(tmp_path, history):
    path = tmp_path / "runs.json"
    assert write_runs_json(path, history) == len(history)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document == {
        "format": "gcdapp-runs",
        "format_version": 1,
        "gcdapp_version": __version__,
        "python_version": platform.python_version(),
        "runs": runs_to_json(history),
    }
    runs = document["runs"]
    assert [r["run_id"] for r in runs] == [1, 2, 3, 4, 5]
    assert runs[3]["speedup"] is None and runs[4]["error"]
    assert "NaN" not in path.read_text() and "Infinity" not in path.read_text()


def test_a_run_without_a_usable_wall_time_still_exports_standard_json(tmp_path, history):
    record = history.records[0]
    odd = RunHistory()
    result = record.result
    odd.add(RunRecord(1, "odd", record.fingerprint,
                      type(result)(result.info, "completed", result.results, result.done,
                                   result.tasks, float("nan"), 0.0)))
    write_runs_json(tmp_path / "odd.json", odd)
    run = json.loads((tmp_path / "odd.json").read_text())["runs"][0]
    assert run["wall_s"] is None and run["speedup"] is None
