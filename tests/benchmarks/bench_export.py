"""GUI stalls while exporting a million result rows. Run by hand:

    QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_export.py [--rows N] [--rounds R]

A window gets N random 7-digit pairs and a real serial run of them, then
exports its results CSV R times each way, interleaved (A B A B ...):

- before: the synchronous writer called on the GUI thread, as File > Export
  did before it moved to a worker thread (the file the same, byte for byte);
- after: File > Export (``ExportMenu.export_results_csv``), which writes on
  its worker thread while the GUI thread runs its event loop.

A 10 ms probe timer on the GUI thread measures the longest gap between two
of its ticks during each export: the longest the window could not respond.
Printed: each round, and the medians (of R rounds) of that stall and of the
export's wall time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    if args.rounds < 5:
        parser.error("at least 5 rounds")

    from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer

    from gcdapp.core.export import write_results_csv
    from gcdapp.core.generate import generate_pairs
    from gcdapp.ui import MainWindow
    from gcdapp.ui.app import create_application

    app = create_application(sys.argv)  # noqa: F841 (keeps the application alive)
    window = MainWindow()
    window.show()
    window.editor.load_pairs(generate_pairs(args.rows, 7, seed=64), "Generate")
    panel = window.panel
    panel.mode.setCurrentIndex(panel.mode.findData("serial"))
    panel.kernel.setCurrentIndex(panel.kernel.findData("builtin"))
    loop = QEventLoop()
    window.jobFinished.connect(loop.quit)
    assert window.runner.start_run()
    loop.exec()
    model = window.editor.model
    menu = window.export_menu
    assert model.results()[1].all(), "the run did not compute every pair"

    folder = tempfile.mkdtemp(prefix="gcdapp-bench-export-")
    paths = {"before": os.path.join(folder, "before.csv"),
             "after": os.path.join(folder, "after.csv")}

    def export_before(done) -> None:
        # As the menu did: read the editor's columns and write, on this thread.
        write_results_csv(paths["before"], model.pairs(), *model.results(), model._time,
                          model._worker, model.lanes())
        done()

    def export_after(done) -> None:
        def finished(outcome, _path):
            menu.finished.disconnect(finished)
            assert outcome == "saved", window.message.message()
            done()

        menu.finished.connect(finished)
        assert menu.export_results_csv(paths["after"])

    def measure(export) -> tuple[float, float]:
        """(longest probe gap in ms, export wall time in s) of one export."""
        gaps: list[int] = []
        clock = QElapsedTimer()
        probe = QTimer()
        probe.setTimerType(Qt.TimerType.PreciseTimer)
        probe.setInterval(10)
        probe.timeout.connect(lambda: gaps.append(clock.restart()))
        loop = QEventLoop()
        wall = []

        def start():
            t0 = time.perf_counter()

            def done():
                wall.append(time.perf_counter() - t0)
                QTimer.singleShot(50, loop.quit)  # a few more ticks: the gap that ends it

            export(done)

        clock.start()
        probe.start()
        QTimer.singleShot(30, start)
        loop.exec()
        probe.stop()
        return float(max(gaps)), wall[0]

    results: dict[str, list[tuple[float, float]]] = {"before": [], "after": []}
    exports = {"before": export_before, "after": export_after}
    print(f"{args.rows:,} result rows, {args.rounds} rounds, interleaved; 10 ms probe timer")
    for i in range(args.rounds):
        for name in ("before", "after") if i % 2 == 0 else ("after", "before"):
            stall, wall = measure(exports[name])
            results[name].append((stall, wall))
            print(f"  round {i + 1} {name:>6}: longest stall {stall:7.1f} ms, "
                  f"export {wall:5.2f} s", flush=True)
    with open(paths["before"], "rb") as a, open(paths["after"], "rb") as b:
        identical = a.read() == b.read()

    print()
    print(f"{'':>28}{'before (sync)':>16}{'after (thread)':>16}")
    for label, k, unit in (("longest GUI stall, median", 0, "ms"),
                           ("export wall time, median", 1, "s")):
        before = statistics.median(r[k] for r in results["before"])
        after = statistics.median(r[k] for r in results["after"])
        fmt = "{:>13.1f} {}" if unit == "ms" else "{:>14.2f} {}"
        print(f"{label:>28}{fmt.format(before, unit):>16}{fmt.format(after, unit):>16}")
    stalls = sorted(r[0] for r in results["after"])
    print(f"after: stalls from {stalls[0]:.1f} to {stalls[-1]:.1f} ms over {len(stalls)} rounds")
    print(f"files byte-identical: {identical}")
    for path in paths.values():
        os.unlink(path)
    os.rmdir(folder)
    window.close()


if __name__ == "__main__":
    main()
