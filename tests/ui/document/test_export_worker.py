"""The export writer thread: real threads, real files, signals on the GUI thread."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from gcdapp.core.export import results_csv_chunks, write_results_csv
from gcdapp.core.export_chunks import Chunks
from gcdapp.ui.document.export_worker import (
    BROKEN,
    CANCELLED,
    FAILED,
    SAVED,
    ExportWorker,
)

TIMEOUT = 60_000


def columns(n: int):
    rng = np.random.default_rng(11)
    pairs = rng.integers(1, 10**9, size=(n, 2), dtype=np.int64)
    return (pairs, np.gcd(pairs[:, 0], pairs[:, 1]), np.ones(n, bool),
            np.repeat(rng.random(n // 10 + 1), 10)[:n], np.zeros(n, np.int32), ["w"])


@pytest.fixture
def worker(qtbot):
    w = ExportWorker()
    yield w
    w.cancel()
    assert w.wait(30)


def test_writes_in_the_background_and_reports_on_the_gui_thread(qtbot, worker, tmp_path):
    data = columns(50_000)
    progress, threads = [], []
    worker.progressed.connect(lambda d, t: (progress.append((d, t)),
                                            threads.append(threading.current_thread())))
    with qtbot.waitSignal(worker.finished, timeout=TIMEOUT) as finished:
        assert worker.start(tmp_path / "r.csv", results_csv_chunks(*data, rows_per_chunk=1000))
        assert worker.busy and worker.path == str(tmp_path / "r.csv")
    assert finished.args == [SAVED, str(tmp_path / "r.csv"), ""]
    assert not worker.busy and worker.path is None
    assert progress[-1] == (50_000, 50_000)
    assert set(threads) == {threading.main_thread()}
    write_results_csv(tmp_path / "sync.csv", *data)
    assert (tmp_path / "r.csv").read_bytes() == (tmp_path / "sync.csv").read_bytes()


def test_one_export_at_a_time(qtbot, worker, tmp_path):
    release = threading.Event()

    def pieces():
        yield "first\n", 1
        release.wait(30)
        yield "second\n", 2

    assert worker.start(tmp_path / "a.txt", Chunks(2, pieces()))
    assert not worker.start(tmp_path / "b.txt", Chunks(1, iter([("b\n", 1)])))
    release.set()
    with qtbot.waitSignal(worker.finished, timeout=TIMEOUT) as finished:
        pass
    assert finished.args[:2] == [SAVED, str(tmp_path / "a.txt")]
    assert (tmp_path / "a.txt").read_text() == "first\nsecond\n"
    assert not (tmp_path / "b.txt").exists()
    assert worker.start(tmp_path / "b.txt", Chunks(1, iter([("b\n", 1)])))
    assert worker.wait(30)
    assert (tmp_path / "b.txt").read_text() == "b\n"


def test_cancel_stops_at_the_next_piece_and_wait_reports_it_once(qtbot, worker, tmp_path):
    path = tmp_path / "old.txt"
    path.write_text("old\n")
    first = threading.Event()
    release = threading.Event()
    taken = []

    def pieces():
        for i in range(1000):
            taken.append(i)
            first.set()
            release.wait(30)
            yield f"{i}\n", i + 1

    reports = []
    worker.finished.connect(lambda *args: reports.append(args))
    assert worker.start(path, Chunks(1000, pieces()))
    assert first.wait(30)
    worker.cancel()
    assert worker.cancelling
    release.set()
    assert worker.wait(30)  # reports at once, not only when the signal arrives
    assert reports == [(CANCELLED, str(path), f"Export to {path} cancelled: nothing was written")]
    qtbot.wait(50)  # the queued report arrives, and is not reported again
    assert len(reports) == 1
    assert taken == [0]
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["old.txt"]


def test_failures_are_reported_not_raised(qtbot, worker, tmp_path, caplog):
    with qtbot.waitSignal(worker.finished, timeout=TIMEOUT) as finished:
        worker.start(tmp_path / "missing" / "r.csv", results_csv_chunks(*columns(10)))
    assert finished.args == [FAILED, str(tmp_path / "missing" / "r.csv"),
                             f"Cannot write {tmp_path / 'missing' / 'r.csv'}: "
                             "No such file or directory"]

    def broken():
        yield "a\n", 1
        raise KeyError("a bug")

    with qtbot.waitSignal(worker.finished, timeout=TIMEOUT) as finished:
        worker.start(tmp_path / "bug.txt", Chunks(2, broken()))
    assert finished.args == [BROKEN, str(tmp_path / "bug.txt"), "KeyError: 'a bug'"]
    assert "exporting to" in caplog.text and "KeyError" in caplog.text
    assert list(tmp_path.iterdir()) == []
