"""Autosave: a clean exit comes back silently, a crash is offered back in a
banner, and writing a million pairs does not stall the GUI thread."""

from __future__ import annotations

import glob
import hashlib
import json
import os
import stat
import time

import numpy as np
import pytest
from PySide6.QtCore import QElapsedTimer, Qt, QTimer

from gcdapp.core.engine import run_pairs
from gcdapp.core.events import RunSpec
from gcdapp.core.history import RunRecord
from gcdapp.core.pairs import as_pairs, pairs_fingerprint
from gcdapp.core.presets import SEED_NUMBERS
from gcdapp.core.run_settings import RunSettings
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
        settings=RunSettings(RunSpec(mode="serial", kernel="euclid", workers=5, chunksize=9), 3),
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
    first = make_window(show=True)
    path = tmp_path / "s.gcdapp.json"
    assert first.documents.save_session(path)
    first.close()
    second = make_window(show=True)
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
    kept = glob.glob(autosave_path().replace(".gcdapp.json", ".unreadable-*.gcdapp.json"))
    assert len(kept) == 1 and kept[0] in window.message.message()


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
    first = make_window(show=True)
    second = make_window(show=True)
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
        returned = len(ticks)
    saved = len(ticks)
    qtbot.wait(20)
    probe.stop()
    write_s = blocker.args[1]
    gaps = np.diff(ticks)
    print(f"\nautosave of 1,000,000 pairs: save_now() {call_ms:.1f} ms on the GUI thread; "
          f"write {write_s * 1000:.0f} ms on its thread; longest event-loop gap "
          f"{float(gaps.max()):.1f} ms")
    # The write ran on its own thread: the GUI thread's event loop went on
    # serving its timer between save_now() returning and the write's end.
    # (Counts, not timings: the figures above are for reading, not asserting.)
    assert saved - returned >= 3
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


# -- a broken autosave never stops the window ----------------------------------------


def _overflowing_autosave() -> bytes:
    """A valid autosave (correct CRCs) whose task range overflows int64:
    it once raised IndexError while the window was built."""
    from gcdapp.core.session import _array_chunks, encode_session

    session = write_crash_autosave()
    doc = json.loads(encode_session(session))
    tasks = doc["runs"][0]["tasks"]
    k = tasks["start"]["shape"][0]
    start = np.zeros(k, dtype=np.int64)
    start[0] = 2**63 - 1
    count = np.zeros(k, dtype=np.int64)
    count[0] = 1
    tasks["start"] = json.loads(b"".join(_array_chunks(start)))
    tasks["count"] = json.loads(b"".join(_array_chunks(count)))
    return json.dumps(doc).encode()


def _future_autosave() -> bytes:
    from gcdapp.core.session import VERSION, encode_session

    doc = json.loads(encode_session(write_crash_autosave()))
    doc.update(version=VERSION + 1, gcdapp_version="42.0")
    return json.dumps(doc).encode()


# kind -> (how to make the broken autosave, the key words of its message)
BROKEN = {
    "truncated": (lambda: b'{"format": "gcdapp-session", "version": 1, "runs": [', "is truncated"),
    "empty": (lambda: b"", "is empty"),
    "not UTF-8": (lambda: b'{"format": "\xff\xfe"}', "is not UTF-8 text"),
    "not JSON": (lambda: b"12,18\n", "is not JSON"),
    "range past int64": (_overflowing_autosave,
                         "runs[0].tasks.start names pairs outside the run: task 0 starts at "
                         "9,223,372,036,854,775,807"),
    "future version": (_future_autosave, "was saved by gcdapp 42.0 in session format 2"),
    "named pipe": ("fifo", "is not a regular file (it is a named pipe)"),
    "link to /dev/zero": ("zero", "is not a regular file (it is a link to /dev/zero, "
                                  "a character device)"),
    "folder": ("dir", "is not a regular file (it is a folder)"),
    "over 1 GiB": ("sparse", "is too large to open as a session (1,073,741,825 bytes"),
}


def _make_broken(path: str, kind: str) -> None:
    make = BROKEN[kind][0]
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.lexists(path):
        os.unlink(path)
    if make == "fifo":
        os.mkfifo(path)
    elif make == "zero":
        os.symlink("/dev/zero", path)
    elif make == "dir":
        os.mkdir(path)
        with open(os.path.join(path, "inside.txt"), "w") as f:
            f.write("kept")
    elif make == "sparse":
        with open(path, "wb") as f:
            f.truncate((1 << 30) + 1)
    else:
        data = make()
        with open(path, "wb") as f:
            f.write(data)


def _fingerprint(path: str):
    """What must survive the move: the bytes, or what the entry is."""
    st = os.lstat(path)
    if stat.S_ISLNK(st.st_mode):
        return ("link", os.readlink(path))
    if stat.S_ISFIFO(st.st_mode):
        return ("fifo",)
    if stat.S_ISDIR(st.st_mode):
        return ("dir", sorted(os.listdir(path)))
    if st.st_size > 1 << 20:  # the sparse file: unread, same size and no blocks written
        return ("big", st.st_size, st.st_blocks, st.st_mtime_ns)
    with open(path, "rb") as f:
        return ("file", hashlib.sha256(f.read()).hexdigest())


def _kept_files() -> list[str]:
    return sorted(glob.glob(autosave_path().replace(".gcdapp.json", ".unreadable-*.gcdapp.json")))


@pytest.mark.timeout(60)
@pytest.mark.parametrize("kind", list(BROKEN))
def test_a_broken_autosave_is_moved_aside_and_the_window_opens(qtbot, make_window, kind):
    _make_broken(autosave_path(), kind)
    before = _fingerprint(autosave_path())
    window = make_window(show=True)  # builds: the broken file does not stop it

    message = window.message.message()
    assert window.message.kind == "warning"
    assert "The autosave could not be restored" in message
    assert BROKEN[kind][1] in message, message
    kept = _kept_files()
    assert len(kept) == 1, kept
    assert f"It was moved aside and kept as {kept[0]}." in message
    assert _fingerprint(kept[0]) == before  # kept as it was, byte for byte
    assert not os.path.lexists(autosave_path())
    assert not window.restore_banner.isVisible()
    assert pair_list(window) == list(SEED_NUMBERS)
    assert len(window.workspace.history) == 0

    # The window autosaves as usual, and never over the kept file.
    with qtbot.waitSignal(window.documents.autosaver.saved, timeout=10_000):
        window.editor.load_pairs(as_pairs([(4, 6)]), "edit")
        window.documents.autosaver.save_now()
    assert window.documents.autosaver.path == autosave_path()
    assert load_session(autosave_path()).pairs.tolist() == [[4, 6]]
    assert _fingerprint(kept[0]) == before


def test_a_broken_recovered_autosave_is_moved_aside_too(make_window):
    recovered = autosave_path().replace(".gcdapp.json", ".recovered.gcdapp.json")
    _make_broken(recovered, "range past int64")
    if os.path.exists(autosave_path()):
        os.unlink(autosave_path())  # written by the helper that built it
    before = _fingerprint(recovered)
    window = make_window(show=True)
    kept = glob.glob(recovered.replace(".gcdapp.json", ".unreadable-*.gcdapp.json"))
    assert len(kept) == 1
    assert os.path.basename(kept[0]).startswith("autosave.recovered.unreadable-")
    assert _fingerprint(kept[0]) == before
    assert f"kept as {kept[0]}" in window.message.message()
    assert "9,223,372,036,854,775,807" in window.message.message()
    assert not os.path.lexists(recovered) and not window.restore_banner.isVisible()


def test_broken_autosaves_from_two_start_ups_are_both_kept(make_window):
    _make_broken(autosave_path(), "truncated")
    first = make_window(show=True)
    first.documents.autosaver.release()  # as if that gcdapp had been killed: its slot frees
    _make_broken(autosave_path(), "not JSON")
    second = make_window(show=True)
    kept = _kept_files()
    assert len(kept) == 2  # the same second or not: never one over the other
    contents = sorted(open(k, "rb").read()[:6] for k in kept)
    assert contents == [b"12,18\n", b'{"form']
    assert kept[0] in first.message.message() or kept[1] in first.message.message()
    assert "is not JSON" in second.message.message()


def test_the_kept_name_carries_the_time_and_never_reuses_a_name(tmp_path):
    from gcdapp.ui.document.autosave import unreadable_path

    path = str(tmp_path / AUTOSAVE_NAME)
    when = time.mktime((2025, 5, 1, 9, 30, 0, 0, 0, -1))
    first = unreadable_path(path, when)
    assert os.path.basename(first) == "autosave.unreadable-20250501-093000.gcdapp.json"
    open(first, "w").close()
    second = unreadable_path(path, when)
    assert os.path.basename(second) == "autosave.unreadable-20250501-093000-2.gcdapp.json"


def test_an_autosave_the_window_fails_to_show_is_moved_aside_too(make_window, monkeypatch):
    """A file the reader passes but the window cannot show (a bug, injected
    here where the window applies the session's runs) still lets the window
    open, and is kept."""
    from gcdapp.core.workspace import Workspace

    session = write_crash_autosave()
    save_session(autosave_path(), Session(
        pairs=session.pairs, runs=session.runs, pair_sets=session.pair_sets,
        autosave=AutosaveMarker(clean_exit=True, pid=999_999)))
    before = _fingerprint(autosave_path())

    def broken_set_runs(self, *args, **kwargs):
        raise RuntimeError("injected: cannot show these runs")

    monkeypatch.setattr(Workspace, "set_runs", broken_set_runs)
    window = make_window(show=True)
    kept = _kept_files()
    assert len(kept) == 1 and _fingerprint(kept[0]) == before
    assert window.message.message() == (
        "The autosave could not be restored (RuntimeError: injected: cannot show these runs). "
        f"It was moved aside and kept as {kept[0]}.")
    assert not os.path.lexists(autosave_path())
    assert window.workspace.path is None
