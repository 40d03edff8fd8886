"""Quitting while a thread is stuck in one long pair ends the process."""

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    import glob, os, sys, tempfile, threading
    sys.path.insert(0, %r)
    from PySide6.QtCore import QTimer
    from gcdapp.core import kernels
    from tests.core import faulty_kernels
    from gcdapp.ui.app import finish_app, start_app

    def main():
        mode, kernel = sys.argv[1], sys.argv[2]
        app, window = start_app([sys.argv[0]])  # starts the fork server, as the app does
        for thread in threading.enumerate():
            if thread.name == "prepare-pools":
                thread.join(60)
        # The fork server's socket lives in multiprocessing's temp directory.
        print("pymp before:", len(glob.glob(os.path.join(tempfile.gettempdir(), "pymp-*"))))
        if kernel == "hangs":
            kernels.KERNELS["euclid"] = faulty_kernels.HANGS  # sleeps 10 min on a == 13
            window.editor.load_pairs([(4, 6), (13, 5), (8, 12)] * 4, "x")
            kernel = "euclid"
        else:  # hours of brute force per pair, but it looks at the stop flag
            window.editor.load_pairs([(10**12 + 39, 10**12 + 61)] * 6, "x")
        panel = window.panel
        panel.mode.setCurrentIndex(panel.mode.findData(mode))
        panel.kernel.setCurrentIndex(panel.kernel.findData(kernel))
        panel.chunksize.setValue(1)
        assert window.runner.start_run()
        QTimer.singleShot(1500, window.close)
        code = finish_app(window, app.exec())
        print("finish_app returned;", "gcd-threads left:",
              sum(t.name.startswith("gcd-thread") for t in threading.enumerate()), flush=True)
        sys.exit(code)

    if __name__ == "__main__":
        main()
    """
) % str(ROOT)


def _run(tmp_path, mode, kernel="hangs"):
    script = tmp_path / "stuck.py"
    script.write_text(SCRIPT)
    private_tmp = tmp_path / "tmp"  # multiprocessing's pymp-* directory lands here
    private_tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(private_tmp), "QT_QPA_PLATFORM": "offscreen"}
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, str(script), mode, kernel], capture_output=True,
                          text=True, timeout=120, env=env)
    return proc, time.monotonic() - t0, sorted(p.name for p in private_tmp.glob("pymp-*"))


def test_quitting_during_a_stuck_threads_run_ends_the_process(tmp_path):
    proc, seconds, left = _run(tmp_path, "threads")
    assert proc.returncode == 0, proc.stderr
    assert "QThread: Destroyed" not in proc.stderr
    assert seconds < 60  # the stuck pair sleeps for 600 s
    # Ended with os._exit: multiprocessing's temp directory is removed anyway.
    assert "pymp before: 1" in proc.stdout and "finish_app returned" not in proc.stdout
    assert left == []


def test_quitting_during_a_stuck_serial_run_ends_the_process(tmp_path):
    proc, seconds, left = _run(tmp_path, "serial")
    assert proc.returncode == 0, proc.stderr
    assert "QThread: Destroyed" not in proc.stderr and "Aborted" not in proc.stderr
    assert seconds < 60
    assert left == []


@pytest.mark.parametrize("mode", ["threads", "serial"])
def test_closing_the_window_mid_brute_force_stops_the_threads_and_cleans_up(tmp_path, mode):
    # The brute force looks at the run's stop flag: closing the window stops
    # the computing threads, the process exits normally, and nothing of
    # multiprocessing's is left in the temporary directory.
    proc, seconds, left = _run(tmp_path, mode, "bruteforce")
    assert proc.returncode == 0, proc.stderr
    assert "pymp before: 1" in proc.stdout
    assert "finish_app returned; gcd-threads left: 0" in proc.stdout, proc.stdout + proc.stderr
    assert left == []


def test_garbage_is_collected_on_the_gui_thread_only():
    # A collection on a worker thread (the coordinator's, autosave's) could
    # free a cycle holding Qt objects there and crash Qt.
    code = textwrap.dedent(
        """
        import gc, sys, threading
        from gcdapp.ui.app import create_application
        app = create_application(sys.argv)
        assert not gc.isenabled()
        collected_on = []
        gc.callbacks.append(lambda phase, info: collected_on.append(threading.current_thread().name))
        def churn():  # allocate plenty on another thread
            for _ in range(200000):
                a = []; a.append(a)
        t = threading.Thread(target=churn, name="worker"); t.start(); t.join()
        from PySide6.QtCore import QTimer
        QTimer.singleShot(1500, app.quit)
        app.exec()
        print(sorted(set(collected_on)))
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "['MainThread']"
