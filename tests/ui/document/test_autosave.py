"""Autosave: a clean exit comes back silently, a crash is offered back in a
banner, and writing a million pairs does not stall the GUI thread."""

from __future__ import annotations

import os
import time

import numpy as np
from PySide6.QtCore import QElapsedTimer, Qt, QTimer

from gcdapp.core.engine import run_pairs
from gcdapp.core.events import RunSpec
from gcdapp.core.history import RunRecord
from gcdapp.core.pairs import as_pairs, pairs_fingerprint
from gcdapp.core.presets import SEED_NUMBERS
from gcdapp.core.session import AutosaveMarker, Session, load_session, save_session
from gcdapp.ui.document.autosave import AUTOSAVE_NAME, Autosaver, autosave_dir
from tests.ui.session_helpers import (  # noqa: F401 (fixture)
    make_window,
    pair_list,
    run_and_wait,
    set_mode,
)

HUGE = 2**90 + 1
CRASHED_PAIRS = [(12, 18), (HUGE * 2, HUGE * 3)]


def autosave_path() -> str:
    return os.path.join(autosave_dir(), AUTOSAVE_NAME)


def write_crash_autosave(session_path=None) -> Session:
    """What a gcdapp killed mid-session leaves: clean_exit false."""
    pairs = as_pairs(CRASHED_PAIRS)
    fp = pairs_fingerprint(pairs)
    result = run_pairs(pairs, RunSpec(mode="threads", kernel="euclid", workers=2))
    session = Session(
        pairs=pairs,
        spec=RunSpec(mode="serial", kernel="euclid", workers=5, chunksize=9),
        repeats=3,
        runs=(RunRecord(7, "#7 threads ×2", fp, result),),
        pair_sets={fp: pairs},
        autosave=AutosaveMarker(clean_exit=False, pid=999_999, session_path=session_path,
                                modified=True),
    )
    os.makedirs(autosave_dir(), exist_ok=True)
    save_session(autosave_path(), session)
    return session


def test_the_autosave_lives_in_app_data_in_test_mode(make_window):
    window = make_window()
    assert window.documents.autosaver.path == autosave_path()
    assert ".qttest" in window.documents.autosaver.path  # QStandardPaths test mode
    assert window.documents.autosaver.path.endswith(os.path.join("gcdapp", "gcdapp", AUTOSAVE_NAME))


def test_after_a_crash_the_window_offers_the_work_back(qtbot, make_window):
    write_crash_autosave()
    window = make_window(show=True)
    banner = window.restore_banner
    assert banner.isVisible()
    assert "did not close properly" in banner.message()
    assert "2 pairs and 1 run from " in banner.message()
    # nothing came back on its own: the seed pairs are shown
    assert pair_list(window) == list(SEED_NUMBERS)
    assert len(window.workspace.history) == 0
    recovered = window.documents.autosaver.recovered_path
    assert os.path.exists(recovered) and not os.path.exists(autosave_path())

    qtbot.mouseClick(banner.restore_button, Qt.MouseButton.LeftButton)
    assert not banner.isVisible()
    assert pair_list(window) == CRASHED_PAIRS
    assert [r.run_id for r in window.workspace.history] == [7]
    assert window.runs.runs_model.rowCount() == 1
    assert window.chart.walls.bar_count() == 1
    assert window.chart.completion.curve_count() == 1
    assert window.panel.repeat_count() == 3
    assert window.panel.spec().mode == "serial"
    assert window.isWindowModified()
    # the restored work is autosaved at once; then the recovered copy goes
    qtbot.waitUntil(lambda: not os.path.exists(recovered), timeout=10_000)
    saved = load_session(autosave_path())
    assert saved.pairs.tolist() == [list(p) for p in CRASHED_PAIRS]
    assert saved.autosave.clean_exit is False
    # restoring the pairs was one undoable step
    window.editor.undo_stack.undo()
    assert pair_list(window) == list(SEED_NUMBERS)


def test_the_restored_crash_keeps_its_session_file_name(qtbot, make_window, tmp_path):
    write_crash_autosave(session_path=str(tmp_path / "yesterday.gcdapp.json"))
    window = make_window(show=True)
    assert window.documents.restore_crashed()
    assert window.windowTitle() == "yesterday.gcdapp.json[*] — gcdapp"
    assert window.isWindowModified()


def test_discard_forgets_the_crashed_work(qtbot, make_window):
    write_crash_autosave()
    window = make_window(show=True)
    recovered = window.documents.autosaver.recovered_path
    qtbot.mouseClick(window.restore_banner.discard_button, Qt.MouseButton.LeftButton)
    assert not window.restore_banner.isVisible()
    assert not os.path.exists(recovered)
    assert pair_list(window) == list(SEED_NUMBERS)
    window.close()
    again = make_window(show=True)
    assert not again.restore_banner.isVisible()


def test_the_offer_survives_the_windows_own_autosaves_and_a_second_crash(qtbot, make_window):
    write_crash_autosave()
    window = make_window(show=True)
    window.editor.load_pairs(as_pairs([(1, 2)]), "new work")
    with qtbot.waitSignal(window.documents.autosaver.saved, timeout=10_000):
        window.documents.autosaver.save_now()
    assert os.path.exists(window.documents.autosaver.recovered_path)
    # This window is "killed": it never closes cleanly; its lock is dropped.
    window.documents.autosaver.release()
    window.documents.autosaver._closed = True

    again = make_window(show=True)
    assert again.restore_banner.isVisible()
    # the newest crash (this window's "1 pair") is the one offered
    assert "1 pair and 0 runs" in again.restore_banner.message()
    window.documents.autosaver._closed = False


def test_after_a_clean_exit_the_last_state_comes_back_silently(qtbot, make_window):
    first = make_window(show=True)
    first.editor.load_pairs(as_pairs([(4, 6), (HUGE, HUGE * 5)]), "mine")
    set_mode(first, "serial")
    assert run_and_wait(qtbot, first)
    first.close()
    assert load_session(autosave_path()).autosave.clean_exit is True

    second = make_window(show=True)
    assert not second.restore_banner.isVisible()
    assert not second.message.message()
    assert pair_list(second) == [(4, 6), (HUGE, HUGE * 5)]
    assert second.runs.runs_model.rowCount() == 1
    assert second.chart.walls.bar_count() == 1
    assert second.panel.spec().mode == "serial"  # from QSettings
    assert second.editor.undo_stack.count() == 0  # a fresh start, not an edit
    assert second.isWindowModified()  # never saved to a file


def test_a_clean_exit_with_a_saved_session_reopens_it_unmodified(qtbot, make_window, tmp_path):
    first = make_window()
    path = tmp_path / "s.gcdapp.json"
    assert first.documents.save_session(path)
    first.close()
    second = make_window()
    assert second.workspace.path == str(path)
    assert not second.isWindowModified()
    assert second.windowTitle() == "s.gcdapp.json[*] — gcdapp"


def test_changes_are_autosaved_after_a_short_delay(qtbot, make_window):
    window = make_window()
    window.documents.autosaver.delay_ms = 100
    assert not os.path.exists(autosave_path())
    with qtbot.waitSignal(window.documents.autosaver.saved, timeout=10_000):
        window.editor.load_pairs(as_pairs([(8, 12)]), "edit")
    saved = load_session(autosave_path())
    assert saved.pairs.tolist() == [[8, 12]]
    assert saved.autosave.clean_exit is False and saved.autosave.pid == os.getpid()


def test_a_finished_run_is_autosaved(qtbot, make_window):
    window = make_window(show=True)
    window.documents.autosaver.delay_ms = 50
    set_mode(window, "serial")
    with qtbot.waitSignal(window.documents.autosaver.saved, timeout=60_000):
        assert run_and_wait(qtbot, window)
    assert load_session(autosave_path()).n_runs == 1


def test_a_burst_of_changes_is_written_once(qtbot, make_window):
    window = make_window()
    window.documents.autosaver.delay_ms = 200
    with qtbot.waitSignal(window.documents.autosaver.saved, timeout=10_000) as blocker:
        for i in range(1, 6):
            window.editor.load_pairs(as_pairs([(i, i + 1)]), f"edit {i}")
    assert blocker.signal_triggered
    assert load_session(autosave_path()).pairs.tolist() == [[5, 6]]
    with qtbot.assertNotEmitted(window.documents.autosaver.saved, wait=400):
        pass


def test_an_unreadable_autosave_is_set_aside_with_a_message(make_window):
    os.makedirs(autosave_dir(), exist_ok=True)
    with open(autosave_path(), "wb") as f:
        f.write(b'{"format": "gcdapp-session", "version": 1, "gcdapp_')
    window = make_window(show=True)
    assert "The autosave could not be restored" in window.message.message()
    assert "truncated" in window.message.message()
    assert pair_list(window) == list(SEED_NUMBERS)
    assert os.path.exists(autosave_path().replace(".gcdapp.json", ".unreadable.gcdapp.json"))


def test_a_failing_autosave_is_reported_in_the_window(qtbot, make_window, monkeypatch):
    window = make_window(show=True)

    def full_disk(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with qtbot.waitSignal(window.documents.autosaver.failed, timeout=10_000):
        window.documents.autosaver.save_now()
    assert "Autosave to" in window.message.message()
    assert "No space left" in window.message.message()
    leftovers = [n for n in os.listdir(autosave_dir()) if n.endswith(".tmp")]
    assert leftovers == []


def test_two_windows_at_once_autosave_to_different_files(make_window):
    first = make_window()
    second = make_window()
    assert first.documents.autosaver.path == autosave_path()
    assert second.documents.autosaver.path != first.documents.autosaver.path
    second.close()
    third = make_window()  # the second's slot is free again
    assert third.documents.autosaver.path == second.documents.autosaver.path


def test_autosaving_a_million_pairs_keeps_the_gui_responsive(qtbot, make_window):
    """The GUI thread only copies the pairs; encoding and writing run on a
    worker thread. Measure how long the event loop goes without running."""
    pairs = np.random.default_rng(7).integers(1, 10**12, size=(1_000_000, 2), dtype=np.int64)
    window = make_window()
    window.editor.model.set_pairs(pairs)
    ticks: list[float] = []
    clock = QElapsedTimer()
    probe = QTimer()
    probe.setInterval(1)
    probe.timeout.connect(lambda: ticks.append(clock.nsecsElapsed() / 1e6))
    clock.start()
    probe.start()
    qtbot.wait(50)
    with qtbot.waitSignal(window.documents.autosaver.saved, timeout=30_000) as blocker:
        t0 = time.perf_counter()
        window.documents.autosaver.save_now()
        call_ms = (time.perf_counter() - t0) * 1000
    qtbot.wait(20)
    probe.stop()
    write_s = blocker.args[1]
    gaps = np.diff(ticks)
    worst = float(gaps.max())
    print(f"\nautosave of 1,000,000 pairs: save_now() {call_ms:.1f} ms on the GUI thread; "
          f"write {write_s * 1000:.0f} ms on its thread; longest event-loop gap {worst:.1f} ms")
    assert call_ms < 100
    assert worst < 150  # a frame or so, not the whole write
    assert load_session(autosave_path()).n_pairs == 1_000_000


def test_autosaver_alone_debounces_and_finishes(qtbot, tmp_path):
    made = []

    def snapshot(marker):
        made.append(marker)
        return Session(pairs=as_pairs([(len(made), 1)]), autosave=marker)

    saver = Autosaver(snapshot, directory=str(tmp_path), delay_ms=30)
    try:
        with qtbot.waitSignal(saver.saved, timeout=5000):
            saver.schedule()
            saver.schedule()
        assert len(made) == 1 and not made[0].clean_exit
        assert saver.finish(AutosaveMarker(clean_exit=True, pid=1))
        assert load_session(saver.path).autosave.clean_exit
        saver.schedule()  # after finish: nothing more
        qtbot.wait(80)
        assert len(made) == 2
    finally:
        saver.release()


def test_the_banner_says_when_the_work_is_from():
    from datetime import datetime, timedelta

    from gcdapp.ui.document.restore_banner import format_time

    now = datetime(2026, 3, 5, 18, 0).astimezone()
    assert format_time(now.replace(hour=9, minute=7), now) == "today at 09:07"
    assert format_time(now - timedelta(days=1), now) == "yesterday at 18:00"
    assert format_time(now - timedelta(days=30), now) == "3 Feb 2026 at 18:00"


def test_the_autosaver_does_not_keep_its_window_alive(qtbot):
    """No reference cycle window -> autosaver -> window: a closed window is
    freed when its last reference goes, on the GUI thread."""
    import weakref

    from PySide6.QtCore import QObject

    class Owner(QObject):
        def snapshot(self, marker):
            return Session(pairs=as_pairs([(1, 2)]), autosave=marker)

    owner = Owner()
    owner.saver = Autosaver(owner.snapshot, parent=owner)
    saver = owner.saver
    alive = weakref.ref(owner)
    del owner
    assert alive() is None
    assert saver._snapshot(AutosaveMarker(clean_exit=False)) is None
