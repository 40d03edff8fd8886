"""ParseJob: a real parse on a worker thread, the GUI thread kept free, Cancel."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QPushButton

from gcdapp.core.pairs import pairs_to_list
from gcdapp.core.presets import SEED_NUMBERS
from gcdapp.ui.pairs.parse_job import PROGRESS_BYTES, ParseJob
from gcdapp.ui.pairs.table_model import PairTableModel

# About 0.5-2 s of parsing here: long enough for a timer and a progress tick.
BIG_ROWS = 2_500_000


def big_text() -> str:
    return "1963309,2265973\n" * BIG_ROWS


def test_large_text_parses_off_the_gui_thread(qtbot):
    ticks = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(job.running))
    job = ParseJob(text=big_text())
    assert job._size > PROGRESS_BYTES
    job.start()
    timer.start()
    assert job.dialog is not None and job.dialog.labelText() == "Reading pairs…"
    with qtbot.waitSignal(job.finished, timeout=60_000) as blocker:
        pass
    timer.stop()
    result = blocker.args[0]
    assert result.ok and len(result.pairs) == BIG_ROWS
    assert pairs_to_list(result.pairs[:1]) == [(1963309, 2265973)]
    assert job.worker_thread_id not in (None, threading.get_ident())
    assert True in ticks  # the GUI thread ran its timer while the parse ran
    assert job.dialog is None and not job.running
    assert not job._thread.isRunning()


def test_small_text_has_no_dialog(qtbot):
    job = ParseJob(text="1 2\n3 4\n")
    job.start()
    assert job.dialog is None
    with qtbot.waitSignal(job.finished, timeout=10_000) as blocker:
        pass
    assert pairs_to_list(blocker.args[0].pairs) == [(1, 2), (3, 4)]


def test_cancel_stops_the_parse_and_changes_nothing(qtbot):
    model = PairTableModel()
    model.set_pairs(SEED_NUMBERS)
    job = ParseJob(text=big_text() * 2)
    job.finished.connect(lambda result: model.set_pairs(result.pairs))
    finished = []
    job.finished.connect(finished.append)
    job.start()
    button = job.dialog.findChild(QPushButton)
    assert button.text() == "Cancel"
    qtbot.waitUntil(lambda: job.dialog.value() > 0, timeout=30_000)  # mid-parse
    with qtbot.waitSignal(job.cancelled, timeout=30_000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.wait(50)
    assert finished == []
    assert pairs_to_list(model.pairs()) == list(SEED_NUMBERS)
    assert not job._thread.isRunning()


def test_file_job_and_close(qtbot, tmp_path):
    path = tmp_path / "pairs.txt"
    path.write_text("a,b\n12,18\n")
    job = ParseJob(path=path)
    job.start()
    with qtbot.waitSignal(job.finished, timeout=10_000) as blocker:
        pass
    result = blocker.args[0]
    assert pairs_to_list(result.pairs) == [(12, 18)]
    assert "taken as a header" in result.summary()
    busy = ParseJob(text=big_text())
    busy.start()
    busy.close()  # joins the thread; nothing is emitted afterwards
    assert not busy._thread.isRunning()


def test_text_or_path_not_both():
    with pytest.raises(ValueError):
        ParseJob(text="1 2", path="x")
