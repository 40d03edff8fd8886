"""The window's experiments against their targets. Run by hand:

    QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_experiments_gui.py [--rounds 2]
        [--save SESSION.gcdapp.json]

- the default leverage map started from the window (Run ▸ Leverage map…,
  the default grid): its total time (target ≤ 60 s on 2 cores) and the
  longest event-loop stall while it runs (a 10 ms QTimer probes the GUI
  thread; target: no stall over 50 ms), with the GUI thread's own time per
  update (storing the map so far, redrawing the heat map);
- beside it, interleaved round by round (window, bare, window, bare, …),
  the same map run bare (``LeverageMap().execute()``, what ``gcdapp-cli
  leverage`` does), so the window's own cost is a ratio measured side by
  side. Medians of ``--rounds`` rounds.

- a sweep from the window (seed pairs, processes, workers 1,2, 3 repeats)
  against the same sweep run bare (``Sweep(...).execute()``), interleaved,
  ``--sweep-rounds`` rounds: the window's own cost on a sweep. A sweep's
  overhead against the same runs made one by one with ``gcdapp-cli run`` is
  measured by ``tests/benchmarks/bench_sweep.py`` (the window runs that very
  :class:`~gcdapp.core.sweep.Sweep`).

- ``--in-process``: instead of the bare map, the window's map run on the
  coordinator thread itself (as before it moved to a child process,
  :mod:`gcdapp.core.leverage_process`), interleaved with the child-process
  one: the stalls of both, side by side.
- ``--diagnose MS``: a thread samples every thread's stack every 2 ms; each
  stall over MS ms is printed with the GUI thread's own CPU time in it and
  the stacks around the sampler's longest gap (a gap: no thread of this
  process could run Python), and so are the run's longest gaps.

``--save`` writes the last window's session (with its map) for a screenshot.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time


def _sandbox_user_dirs() -> None:
    root = tempfile.mkdtemp(prefix="gcdapp-bench-")
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        os.environ[var] = os.path.join(root, var.lower())
        os.makedirs(os.environ[var], exist_ok=True)
    os.environ["HOME"] = os.path.join(root, "home")
    os.makedirs(os.environ["HOME"], exist_ok=True)


class Sampler:
    """``--diagnose``: a thread that wakes every 2 ms and notes the stacks of
    every other thread. It needs the GIL to run, so a long gap between its
    own samples is a stretch in which one thread held the GIL without
    letting go (a C call) or the process got no CPU; the samples either side
    of a window stall say what each thread was doing."""

    def __init__(self):
        import threading
        self.samples: list[tuple[float, dict]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="sampler", daemon=True)

    def _loop(self):
        import threading
        import traceback
        me = threading.get_ident()
        names = {}
        while not self._stop.is_set():
            t = time.perf_counter()
            frames = sys._current_frames()
            stacks = {}
            for ident, frame in frames.items():
                if ident == me:
                    continue
                if ident not in names:
                    names = {th.ident: th.name for th in threading.enumerate()}
                summary = traceback.extract_stack(frame)[-6:]
                stacks[names.get(ident, str(ident))] = " < ".join(
                    f"{os.path.basename(f.filename)}:{f.lineno}:{f.name}"
                    for f in reversed(summary))
            self.samples.append((t, stacks))
            time.sleep(0.002)

    def start(self):
        self._thread.start()

    def stop(self):
        self._stop.set()
        self._thread.join()

    def longest_gaps(self, n: int = 8) -> str:
        """The sampler's own ``n`` longest gaps over the run, with the stacks
        just before and after each."""
        s = self.samples
        order = sorted(range(1, len(s)), key=lambda i: s[i - 1][0] - s[i][0])[:n]
        lines = []
        for i in sorted(order):
            lines.append(f"  sampler gap {1000 * (s[i][0] - s[i - 1][0]):.0f} ms:")
            for label, st in (("before", s[i - 1][1]), ("after", s[i][1])):
                for name, stack in st.items():
                    if name != "MainThread" or label == "after":
                        lines.append(f"    {label} {name}: {stack}")
        return "\n".join(lines)

    def explain(self, t_end: float, gap_s: float) -> str:
        """What the samples say about a stall that ended at ``t_end``
        (perf_counter) and lasted ``gap_s``."""
        t_start = t_end - gap_s
        inside = [(t, st) for t, st in self.samples if t_start - 0.003 <= t <= t_end + 0.003]
        if len(inside) < 2:
            return "    (no samples)"
        worst = max(range(1, len(inside)), key=lambda i: inside[i][0] - inside[i - 1][0])
        lines = [f"    {len(inside)} samples, sampler's longest gap "
                 f"{1000 * (inside[worst][0] - inside[worst - 1][0]):.0f} ms"]
        for label, (t, st) in (("before", inside[worst - 1]), ("after", inside[worst])):
            lines.append(f"    {label} it (+{1000 * (t - t_start):.0f} ms):")
            for name, stack in st.items():
                lines.append(f"      {name}: {stack}")
        return "\n".join(lines)


def window_map(app, save: str | None = None, diagnose: int = 0,
               in_process: bool = False) -> dict:
    """``in_process``: the map runs on the coordinator thread itself (as
    before it moved to a child process), for a side-by-side comparison."""
    from PySide6.QtCore import QElapsedTimer, QTimer

    from gcdapp.ui import MainWindow
    from gcdapp.ui.running import experiments as experiments_module

    if in_process:
        from gcdapp.core.leverage import LeverageMap
        experiments_module.LeverageMapProcess = LeverageMap
    else:
        from gcdapp.core.leverage_process import LeverageMapProcess
        experiments_module.LeverageMapProcess = LeverageMapProcess

    window = MainWindow()
    window.resize(1280, 800)
    window.show()
    experiments, chart = window.experiments, window.leverage_chart
    gaps: list[float] = []
    clock = QElapsedTimer()
    probe = QTimer()
    probe.setInterval(10)
    stalls: list[tuple[float, int]] = []  # (seconds since the start, gap in ms) over 50 ms
    explained: list[str] = []
    sampler = Sampler() if diagnose else None

    cpu = {"last": time.thread_time()}

    def tick():
        gap = clock.restart()
        gaps.append(gap)
        cpu_now = time.thread_time()
        busy_ms = 1000 * (cpu_now - cpu["last"])
        cpu["last"] = cpu_now
        if gap > min(50, diagnose or 50) and "t" in started:
            now = time.perf_counter()
            if gap > 50:
                stalls.append((now - started["t"], gap))
            if sampler is not None:
                explained.append(f"  stall {gap} ms at {now - started['t']:.2f} s "
                                 f"(GUI thread's own CPU time in it {busy_ms:.0f} ms):\n"
                                 + sampler.explain(now, gap / 1000))

    probe.timeout.connect(tick)
    # the GUI thread's own work per update: the slot storing the map so far
    # (the workspace and its listeners) and the chart's throttled redraws
    spent = {"progress": [], "redraw": []}

    def timed(name, func):
        def wrapper(*args):
            t = time.perf_counter()
            func(*args)
            spent[name].append(time.perf_counter() - t)
        return wrapper

    coordinator = window.runner.coordinator
    coordinator.experimentProgressed.disconnect(experiments._on_progressed)
    coordinator.experimentProgressed.connect(timed("progress", experiments._on_progressed))
    chart._timer.timeout.disconnect()
    chart._timer.timeout.connect(timed("redraw", chart._redraw))
    finished = {}
    started = {}

    def done(kind, status):
        finished["t"] = time.perf_counter()
        finished["status"] = status
        QTimer.singleShot(200, app.quit)

    experiments.experimentFinished.connect(done)

    def start():
        started["t"] = time.perf_counter()
        assert experiments.start_map(None)

    clock.start()
    probe.start()
    if sampler is not None:
        sampler.start()
    QTimer.singleShot(100, start)
    app.exec()
    probe.stop()
    if sampler is not None:
        sampler.stop()
        print("\n".join(explained), flush=True)
        print(sampler.longest_gaps(), flush=True)
    total = finished["t"] - started["t"]
    result = window.workspace.leverage
    if save:
        window.documents.save_session(save)
    window.close()
    ordered = sorted(gaps[1:])
    return {
        "total": total, "status": finished["status"], "cells": len(result.cells),
        "measured": len(result.measured), "worst_gap": ordered[-1] if ordered else float("nan"),
        "p99_gap": ordered[int(0.99 * (len(ordered) - 1))] if ordered else float("nan"),
        "ticks": len(gaps), "updates": len(spent["progress"]), "redraws": len(spent["redraw"]),
        "progress_ms": 1000 * max(spent["progress"], default=0.0),
        "redraw_ms": 1000 * max(spent["redraw"], default=0.0),
        "finding": result.finding(),
        "stalls": ", ".join(f"{g} ms at {t:.1f} s" for t, g in stalls) or "none",
    }


SWEEP = ("processes", (1, 2), 3)


def window_sweep(app) -> float:
    from PySide6.QtCore import QTimer

    from gcdapp.ui import MainWindow
    from gcdapp.ui.running.experiment_dialogs import SweepParams

    window = MainWindow()
    window.show()
    times = {}

    def start():
        times["start"] = time.perf_counter()
        assert window.experiments.start_sweep(SweepParams(*SWEEP))

    def done(_kind, status):
        times["end"] = time.perf_counter()
        assert status == "completed", window.workspace.sweep.error
        QTimer.singleShot(100, app.quit)

    window.experiments.experimentFinished.connect(done)
    QTimer.singleShot(100, start)
    app.exec()
    window.close()
    return times["end"] - times["start"]


def bare_sweep() -> float:
    from gcdapp.core.presets import get_preset
    from gcdapp.core.run_settings import RunSettings
    from gcdapp.core.sweep import Sweep

    mode, workers, repeats = SWEEP
    t = time.perf_counter()
    result = Sweep(get_preset("seed").array(),
                   RunSettings().with_values(mode=mode, repeats=repeats), workers).execute()
    assert result.status == "completed", result.error
    return time.perf_counter() - t


def bare_map() -> float:
    from gcdapp.core.leverage import LeverageMap

    t = time.perf_counter()
    result = LeverageMap().execute()
    assert result.status == "completed", result.error
    return time.perf_counter() - t


def main() -> None:
    _sandbox_user_dirs()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--save", default=None)
    parser.add_argument("--sweep-rounds", type=int, default=3)
    parser.add_argument("--diagnose", type=int, default=0, metavar="MS",
                        help="sample every thread's stack every 2 ms and explain each "
                             "stall over MS (at most 50) ms")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare maps")
    parser.add_argument("--in-process", action="store_true",
                        help="instead of the bare maps, window maps run on the coordinator "
                             "thread itself (as before the child process), interleaved")
    args = parser.parse_args()
    from gcdapp.core.system import usable_cores
    from gcdapp.ui.app import create_application

    app = create_application(sys.argv[:1])
    print(f"Python {platform.python_version()}, {usable_cores()} usable cores, "
          f"QT_QPA_PLATFORM={os.environ.get('QT_QPA_PLATFORM', '(default)')}; "
          f"{args.rounds} rounds, window and bare interleaved")
    windows, bares, inproc = [], [], []
    for r in range(args.rounds):
        first_window = r % 2 == 0
        for side in (("window", "bare") if first_window else ("bare", "window")):
            if side == "window":
                m = window_map(app, args.save if r == args.rounds - 1 else None,
                               args.diagnose)
                windows.append(m)
                print(f"  round {r + 1} window: {m['total']:.1f} s, {m['status']}, "
                      f"{m['measured']}/{m['cells']} cells measured; longest stall "
                      f"{m['worst_gap']:.0f} ms (99th pct {m['p99_gap']:.0f} ms, "
                      f"{m['ticks']} ticks); {m['updates']} updates, {m['redraws']} redraws, "
                      f"slowest update {m['progress_ms']:.1f} ms, slowest redraw "
                      f"{m['redraw_ms']:.1f} ms; stalls over 50 ms: {m['stalls']}", flush=True)
            elif args.in_process:
                m = window_map(app, None, args.diagnose, in_process=True)
                inproc.append(m)
                print(f"  round {r + 1} window, map in process: {m['total']:.1f} s; longest "
                      f"stall {m['worst_gap']:.0f} ms (99th pct {m['p99_gap']:.0f} ms); "
                      f"stalls over 50 ms: {m['stalls']}", flush=True)
            elif not args.no_bare:
                bares.append(bare_map())
                print(f"  round {r + 1} bare:   {bares[-1]:.1f} s", flush=True)
    if not windows:
        return sweeps(app, args.sweep_rounds)
    med_w = statistics.median(m["total"] for m in windows)
    med_b = statistics.median(bares) if bares else float("nan")
    worst = max(m["worst_gap"] for m in windows)
    print(f"default leverage map from the window: median {med_w:.1f} s over {len(windows)} "
          f"(target ≤ 60 s on 2 cores); bare median {med_b:.1f} s; window/bare "
          f"{med_w / med_b:.3f}×")
    print(f"longest event-loop stall in any round: {worst:.0f} ms (target ≤ 50 ms); "
          f"median of the rounds' longest "
          f"{statistics.median(m['worst_gap'] for m in windows):.0f} ms")
    if inproc:
        print(f"map in process on the coordinator thread: longest stall in any round "
              f"{max(m['worst_gap'] for m in inproc):.0f} ms, median of the rounds' longest "
              f"{statistics.median(m['worst_gap'] for m in inproc):.0f} ms, median total "
              f"{statistics.median(m['total'] for m in inproc):.1f} s")
    print(f"finding: {windows[-1]['finding']}")
    sweeps(app, args.sweep_rounds)


def sweeps(app, rounds: int) -> None:
    if rounds:
        sw, sb = [], []
        for r in range(rounds):
            for side in (("window", "bare") if r % 2 == 0 else ("bare", "window")):
                (sw if side == "window" else sb).append(
                    window_sweep(app) if side == "window" else bare_sweep())
            print(f"  sweep round {r + 1}: window {sw[-1]:.2f} s, bare {sb[-1]:.2f} s",
                  flush=True)
        ratios = sorted(w / b for w, b in zip(sw, sb))
        print(f"sweep from the window / bare sweep ({SWEEP[0]} ×{SWEEP[1]}, {SWEEP[2]} "
              f"repeats, seed pairs): median {statistics.median(ratios):.3f}× over "
              f"{len(ratios)} rounds (per round {ratios[0]:.3f}–{ratios[-1]:.3f})")


if __name__ == "__main__":
    main()
