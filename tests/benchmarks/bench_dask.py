"""Dask benchmarks for issue 12's targets. Run by hand:

    QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_dask.py [--rounds R]

1. 1,000,000 random 6-digit euclid pairs in tasks of 10,000: dask on a
   2-worker local cluster against processes ×2, interleaved (A B A B ...);
   medians of R rounds, the cluster's start (once, before the rounds)
   reported apart (target: dask ≤ 1.3× the processes wall time);
2. the seed pairs (brute force): dask ×2 against serial, interleaved;
3. cancel: from ``Run.cancel`` until the run has returned (target ≤ 1 s);
   with a control interleaved: bare Dask (``Client.map`` of the same
   chunks, same cluster, no gcdapp), the floor the dask mode can reach;
4. the GUI's longest event-loop stall during a 1,000,000-pair dask run
   (a 10 ms QTimer probe, as in bench_gui.py; target ≤ 50 ms).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import threading
import time


def _median(values: list[float]) -> float:
    return statistics.median(values)


def _bare_euclid(chunk):
    """The control's task: euclid over one chunk, numpy in and out, nothing
    of gcdapp's (no timing, no stop flag, no outcome tuple)."""
    import numpy as np

    from gcdapp.core.kernels import euclid

    flat = iter(chunk.ravel().tolist())
    return np.fromiter(map(euclid, zip(flat, flat)), dtype=np.int64, count=len(chunk))


def _bare_dask(client, chunks) -> float:
    """Dask alone on the same cluster and chunks: every chunk in one
    ``Client.map``, then gather: the floor gcdapp's dask mode can reach."""
    t0 = time.perf_counter()
    client.gather(client.map(_bare_euclid, chunks, pure=False))
    return time.perf_counter() - t0


def walls(rounds: int) -> None:
    from gcdapp.core.backends import dask as dask_backend
    from gcdapp.core.engine import Run, run_pairs
    from gcdapp.core.events import RunSpec
    from gcdapp.core.generate import generate_pairs
    from gcdapp.core.presets import SEED_NUMBERS

    backends_ready()
    pairs = generate_pairs(1_000_000, 6, seed=12)
    dask_spec = RunSpec(mode="dask", workers=2, kernel="euclid", chunksize=10_000)
    proc_spec = RunSpec(mode="processes", workers=2, kernel="euclid", chunksize=10_000)
    first = run_pairs(pairs[:1000], dask_spec)  # starts the cluster
    print(f"local cluster (2 workers) started in {first.info.cluster.start_s:.2f} s, "
          "once, not in the walls below")
    client = next(c for c in dask_backend._clusters.values() if c.local).client
    chunks = [pairs[i:i + 10_000].copy() for i in range(0, len(pairs), 10_000)]
    out: dict[str, list[float]] = {"dask": [], "processes": [], "bare": []}
    for _ in range(rounds):
        for name, spec in (("dask", dask_spec), ("processes", proc_spec)):
            result = run_pairs(pairs, spec)
            assert result.status == "completed", result.error
            out[name].append(result.wall_s)
        out["bare"].append(_bare_dask(client, chunks))
    d, p = _median(out["dask"]), _median(out["processes"])
    ratios = [a / b for a, b in zip(out["dask"], out["processes"])]
    print(f"1,000,000 euclid pairs, tasks of 10,000, {rounds} interleaved rounds:")
    print(f"  dask ×2 (local cluster) median {d:.3f} s  (min {min(out['dask']):.3f}, "
          f"max {max(out['dask']):.3f})")
    print(f"  processes ×2            median {p:.3f} s  (min {min(out['processes']):.3f}, "
          f"max {max(out['processes']):.3f})")
    print(f"  dask / processes: {d / p:.2f}× of the medians; per round median "
          f"{_median(ratios):.2f}×  (target ≤ 1.3×)")
    b = _median(out["bare"])
    print(f"  control, bare Dask (one Client.map of the 100 chunks, same cluster): median "
          f"{b:.3f} s (min {min(out['bare']):.3f}) = {b / p:.2f}× processes; "
          f"gcdapp's dask mode {d / b:.2f}× the bare Dask")

    seed = {"dask": [], "serial": []}
    for _ in range(rounds):
        for name, spec in (("dask", RunSpec(mode="dask", workers=2)),
                           ("serial", RunSpec(mode="serial"))):
            result = run_pairs(SEED_NUMBERS, spec)
            assert result.status == "completed", result.error
            seed[name].append(result.wall_s)
    ds, ss = _median(seed["dask"]), _median(seed["serial"])
    print(f"seed pairs (brute force), {rounds} interleaved rounds: dask ×2 median {ds:.3f} s, "
          f"serial median {ss:.3f} s: speedup {ss / ds:.2f}×")
    cancels = []
    for i in range(rounds):
        run = Run(pairs, RunSpec(mode="dask", workers=2, kernel="bruteforce", chunksize=100))
        thread = threading.Thread(target=run.execute)
        thread.start()
        time.sleep(0.5 + 0.1 * i)
        t0 = time.perf_counter()
        run.cancel()
        thread.join()
        cancels.append(time.perf_counter() - t0)
    print(f"cancel mid-run (brute force, {rounds} cancels): median {_median(cancels) * 1e3:.0f} ms, "
          f"max {max(cancels) * 1e3:.0f} ms  (target ≤ 1 s)")
    dask_backend.close_clusters()


def backends_ready() -> None:
    from gcdapp.core import backends

    backends.get("processes").prepare()


def gui_stall(n_pairs: int, rounds: int) -> None:
    """The GUI thread's longest gap during runs from the window: dask ×2 and,
    as the control, processes ×2, interleaved; the first (unmeasured) run
    starts the cluster."""
    from PySide6.QtCore import QElapsedTimer, QTimer

    from gcdapp.core.generate import generate_pairs
    from gcdapp.ui import MainWindow
    from gcdapp.ui.app import create_application

    app = create_application(sys.argv)
    window = MainWindow()
    window.show()
    window.editor.load_pairs(generate_pairs(n_pairs, 7, seed=64), "Generate")
    panel = window.panel
    panel.kernel.setCurrentIndex(panel.kernel.findData("euclid"))
    panel.workers.setValue(2)
    panel.chunksize.setValue(0)
    plan = ["dask"] + ["dask", "processes"] * rounds
    measured: dict[str, list[tuple[float, float, float, list]]] = {"dask": [], "processes": []}
    gaps: list[float] = []
    clock = QElapsedTimer()
    probe = QTimer()
    probe.setInterval(10)
    probe.timeout.connect(lambda: gaps.append(clock.restart()))

    def start_next():
        mode = plan[0]
        panel.mode.setCurrentIndex(panel.mode.findData(mode))
        QTimer.singleShot(200, begin)

    def begin():
        clock.start()
        gaps.clear()
        probe.start()
        window.runner.start_run()

    def finished(ok):
        probe.stop()
        mode = plan.pop(0)
        first = len(plan) == 2 * rounds  # the run that started the cluster
        result = window.workspace.history.records[-1].result
        assert result.status == "completed", result.error
        ticks = gaps[1:]
        if not first and ticks:
            ordered = sorted(ticks)
            measured[mode].append((max(ticks), ordered[int(0.99 * (len(ordered) - 1))],
                                   result.wall_s, list(ticks)))
        if plan:
            QTimer.singleShot(200, start_next)
        else:
            QTimer.singleShot(200, app.quit)

    window.jobFinished.connect(finished)
    QTimer.singleShot(100, start_next)
    app.exec()
    print(f"GUI, {n_pairs:,} pairs, 10 ms QTimer probe, {rounds} interleaved runs each "
          "(cluster already up):")
    for mode, runs in measured.items():
        worst = [r[0] for r in runs]
        print(f"  {mode:9s} ×2: longest gap median {_median(worst):.0f} ms "
              f"(per run {', '.join(f'{w:.0f}' for w in worst)}), 99th percentile median "
              f"{_median([r[1] for r in runs]):.0f} ms, wall median "
              f"{_median([r[2] for r in runs]):.2f} s"
              + ("  (target ≤ 50 ms)" if mode == "dask" else "  (control)"))
    window.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--pairs", type=int, default=1_000_000)
    parser.add_argument("--skip-gui", action="store_true")
    parser.add_argument("--gui-only", action="store_true")
    args = parser.parse_args()
    import tempfile

    root = tempfile.mkdtemp(prefix="gcdapp-bench-")
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        os.environ[var] = os.path.join(root, var.lower())
        os.makedirs(os.environ[var], exist_ok=True)
    print(f"Python {platform.python_version()}, {os.cpu_count()} cores, "
          f"{time.strftime('%Y-%m-%d %H:%M')}")
    if not args.gui_only:
        walls(args.rounds)
    if not args.skip_gui:
        gui_stall(args.pairs, max(1, args.rounds))


if __name__ == "__main__":
    main()
