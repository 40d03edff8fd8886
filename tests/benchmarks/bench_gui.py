"""GUI benchmarks for the window targets. Run by hand:

    QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_gui.py [--pairs N]

- event-loop stalls: a 10 ms QTimer probes the GUI thread during a run of N
  random 7-digit pairs, euclid, processes mode; prints the longest gap;
- start-up: seconds from launching ``python -m gcdapp`` to the window's
  first event-loop turn after ``show()``;
- memory: RSS of the app with N pairs loaded and run.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time

import psutil


def startup_seconds(repeats: int = 3) -> list[float]:
    code = (
        "import sys, time\n"
        "from PySide6.QtCore import QTimer\n"
        "from gcdapp.ui.app import create_application\n"
        "def main():\n"
        "    app = create_application(sys.argv)\n"
        "    from gcdapp.ui import MainWindow\n"
        "    w = MainWindow(); w.show()\n"
        "    QTimer.singleShot(0, lambda: (print(time.time(), flush=True), app.quit()))\n"
        "    app.exec()\n"
        "    w.close()\n"
        "if __name__ == '__main__':\n"
        "    main()\n"
    )
    out = []
    for _ in range(repeats):
        t0 = time.time()
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=True)
        out.append(float(proc.stdout.strip().splitlines()[-1]) - t0)
    return out


def run_probe(n_pairs: int) -> None:
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from gcdapp.core import backends
    from gcdapp.core.generate import generate_pairs
    from gcdapp.ui.app import create_application
    from gcdapp.ui import MainWindow

    app = create_application(sys.argv)
    backends.get("processes").prepare()
    window = MainWindow()
    window.show()
    pairs = generate_pairs(n_pairs, 7, seed=64)
    t = time.perf_counter()
    window.editor.load_pairs(pairs, "Generate")
    load_s = time.perf_counter() - t
    panel = window.panel
    panel.mode.setCurrentIndex(panel.mode.findData("processes"))
    panel.kernel.setCurrentIndex(panel.kernel.findData("euclid"))
    panel.workers.setValue(2)
    panel.chunksize.setValue(0)

    gaps: list[float] = []
    clock = QElapsedTimer()
    probe = QTimer()
    probe.setInterval(10)

    def tick():
        gaps.append(clock.restart())

    probe.timeout.connect(tick)
    batches = []
    window.runner.coordinator.tasksCompleted.connect(lambda run_id, batch: batches.append(len(batch)))
    window.jobFinished.connect(lambda ok: QTimer.singleShot(200, app.quit))
    clock.start()
    probe.start()
    t0 = time.perf_counter()
    QTimer.singleShot(100, window.runner.start_run)
    app.exec()
    wall = time.perf_counter() - t0 - 0.3
    probe.stop()
    rss = psutil.Process().memory_info().rss / 2**20
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = window.workspace.history.records[-1].result
    worst = max(gaps[1:]) if len(gaps) > 1 else float("nan")
    gaps_sorted = sorted(gaps[1:])
    p99 = gaps_sorted[int(0.99 * (len(gaps_sorted) - 1))] if gaps_sorted else float("nan")
    print(f"{n_pairs:,} pairs loaded into the editor in {load_s:.2f} s")
    print(f"run: {result.status}, wall {result.wall_s:.2f} s, {len(result.tasks)} tasks, "
          f"{len(batches)} GUI updates ({len(batches) / max(result.wall_s, 1e-9):.0f}/s)")
    print(f"event loop: {len(gaps)} probe ticks of 10 ms; longest gap {worst:.0f} ms, "
          f"99th percentile {p99:.0f} ms  (target: no stall over 50 ms)")
    print(f"memory: RSS now {rss:.0f} MB, peak {peak:.0f} MB  (target < 600 MB)")
    window.close()


def _sandbox_user_dirs() -> None:
    """Windows autosave and restore: keep benchmarks away from the user's
    data, and start each from an empty state."""
    root = tempfile.mkdtemp(prefix="gcdapp-bench-")
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        os.environ[var] = os.path.join(root, var.lower())
        os.makedirs(os.environ[var], exist_ok=True)


def main():
    _sandbox_user_dirs()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", type=int, default=1_000_000)
    args = parser.parse_args()
    print(f"Python {platform.python_version()}, {os.cpu_count()} cores, "
          f"QT_QPA_PLATFORM={os.environ.get('QT_QPA_PLATFORM', '(default)')}")
    times = startup_seconds()
    print("window up after: " + ", ".join(f"{t:.2f} s" for t in times) + "  (target ≤ 1.5 s)")
    run_probe(args.pairs)


if __name__ == "__main__":
    main()
