"""Quitting while a thread is stuck in one long pair ends the process."""

import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, %r)
    from PySide6.QtCore import QTimer
    from gcdapp.core import kernels
    from tests.core import faulty_kernels
    from gcdapp.ui.app import create_application, finish_app

    def main():
        app = create_application(sys.argv)
        from gcdapp.ui import MainWindow
        window = MainWindow()
        window.show()
        kernels.KERNELS["euclid"] = faulty_kernels.HANGS  # sleeps 10 min on a == 13
        window.editor.load_pairs([(4, 6), (13, 5), (8, 12)] * 4, "x")
        panel = window.panel
        panel.mode.setCurrentIndex(panel.mode.findData(sys.argv[1]))
        panel.kernel.setCurrentIndex(panel.kernel.findData("euclid"))
        panel.chunksize.setValue(1)
        assert window.runner.start_run()
        QTimer.singleShot(1500, window.close)
        sys.exit(finish_app(window, app.exec()))

    if __name__ == "__main__":
        main()
    """
) % str(ROOT)


def _run(tmp_path, mode):
    script = tmp_path / "stuck.py"
    script.write_text(SCRIPT)
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, str(script), mode], capture_output=True, text=True,
                          timeout=120)
    return proc, time.monotonic() - t0


def test_quitting_during_a_stuck_threads_run_ends_the_process(tmp_path):
    proc, seconds = _run(tmp_path, "threads")
    assert proc.returncode == 0, proc.stderr
    assert "QThread: Destroyed" not in proc.stderr
    assert seconds < 60  # the stuck pair sleeps for 600 s


def test_quitting_during_a_stuck_serial_run_ends_the_process(tmp_path):
    proc, seconds = _run(tmp_path, "serial")
    assert proc.returncode == 0, proc.stderr
    assert "QThread: Destroyed" not in proc.stderr and "Aborted" not in proc.stderr
    assert seconds < 60


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
