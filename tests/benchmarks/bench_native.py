"""The native kernels' targets, measured through the real engine. Run by hand:

    python tests/benchmarks/bench_native.py [--rounds 11] [--pure-rounds 5]

1. ``bruteforce-native``, threads x2 against native serial, on the seed pairs
   repeated 20 times (200 pairs, chunk size auto). Target: at least 1.8x.
2. ``bruteforce-native`` against the pure-Python ``bruteforce``, serial, on
   the seed pairs (10 pairs). Reported as a factor, no target.

Beside 1, a control: the same bruteforce chunk called from two bare Python
threads against twice from one (no engine), interleaved in the same rounds.
It shows how much parallelism the machine gave at the time: when other work
holds the cores, neither figure can reach 2x, and they fall together.

The kernels are compiled (or loaded from the cache) once before anything is
measured, so no measured run pays for it; the start-up seen on first use is
printed separately. Each round runs the contenders back to back, alternating
which goes first (A B, B A, ...); the figure is the median of the per-round
ratios of wall times, with the medians of the wall times beside it.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _wall(pairs, mode: str, kernel: str, workers: int = 2) -> float:
    from gcdapp.core.engine.run import run_pairs
    from gcdapp.core.events import RunSpec

    result = run_pairs(pairs, RunSpec(mode=mode, kernel=kernel, workers=workers))
    assert result.status == "completed", result.error
    return result.wall_s


def interleaved(rounds: int, a, b) -> tuple[list[float], list[float]]:
    """Wall times of ``a()`` and ``b()``, ``rounds`` each, alternating order."""
    times_a, times_b = [], []
    for i in range(rounds):
        order = ((a, times_a), (b, times_b)) if i % 2 == 0 else ((b, times_b), (a, times_a))
        for run, times in order:
            times.append(run())
    return times_a, times_b


def bare_threads_control(pairs):
    """Two halves of ``pairs`` through the compiled chunk entry: one after
    the other in this thread, and at once in two threads."""
    import threading
    from array import array

    from gcdapp.core import native

    half = len(pairs) // 2
    chunks = [array("q", [v for pair in part for v in pair]) for part in (pairs[:half], pairs[half:])]
    entry = native.bruteforce_native.chunk_entry

    def one_thread():
        t0 = time.perf_counter()
        for chunk in chunks:
            entry(chunk, None)
        return time.perf_counter() - t0

    def two_threads():
        t0 = time.perf_counter()
        threads = [threading.Thread(target=entry, args=(chunk, None)) for chunk in chunks]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return time.perf_counter() - t0

    return one_thread, two_threads


def report(title: str, name_a: str, times_a, name_b: str, times_b, target: float | None):
    ratios = [x / y for x, y in zip(times_a, times_b)]
    factor = statistics.median(ratios)
    print(f"\n{title}")
    print(f"  {name_a}: median {statistics.median(times_a) * 1e3:8.1f} ms  "
          f"(min {min(times_a) * 1e3:.1f}, max {max(times_a) * 1e3:.1f})")
    print(f"  {name_b}: median {statistics.median(times_b) * 1e3:8.1f} ms  "
          f"(min {min(times_b) * 1e3:.1f}, max {max(times_b) * 1e3:.1f})")
    verdict = "" if target is None else ("  PASS" if factor >= target else "  FAIL") + \
        f" (target >= {target}x)"
    print(f"  factor {name_a} / {name_b}: median {factor:.2f}x over {len(ratios)} rounds "
          f"(per-round range {min(ratios):.2f}-{max(ratios):.2f}){verdict}")
    return factor


def first_use_startup() -> None:
    """A fresh process's first native run: numba's import plus loading the
    kernels from the cache (or compiling them when the cache is cold)."""
    code = (
        "from gcdapp.core.engine.run import run_pairs\n"
        "from gcdapp.core.events import RunSpec\n"
        "from gcdapp.core import native\n"
        "r = run_pairs([(12, 18)] * 40, RunSpec(mode='threads', workers=2, kernel='euclid-native'))\n"
        "print(f'{r.startup_s:.3f} {native.load_seconds:.3f}')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout.split()
    print(f"\nfirst native run in a fresh process: start-up {float(out[0]) * 1e3:.0f} ms, "
          f"of which numba import + kernel load {float(out[1]) * 1e3:.0f} ms")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=11, help="rounds of threads vs serial")
    parser.add_argument("--pure-rounds", type=int, default=5,
                        help="rounds of native vs pure Python (pure takes ~1 s a round)")
    args = parser.parse_args(argv)

    from gcdapp.core import native
    from gcdapp.core.presets import SEED_NUMBERS
    from gcdapp.core.system import usable_cores

    reason = native.unavailable_reason()
    if reason:
        print(f"native kernels unavailable: {reason}")
        return 1
    print(f"Python {sys.version.split()[0]}, {usable_cores()} usable cores")
    first_use_startup()
    started = time.perf_counter()
    native.compiled()
    print(f"this process: compiled/loaded in {(time.perf_counter() - started) * 1e3:.0f} ms "
          "(before any measured run)")

    seed20 = list(SEED_NUMBERS) * 20
    _wall(seed20[:20], "threads", "bruteforce-native")  # warm the pool's code paths
    control = bare_threads_control(seed20)
    serial, threads, bare_one, bare_two = [], [], [], []
    for i in range(args.rounds):  # the control between the engine's runs
        pair = [(lambda: _wall(seed20, "serial", "bruteforce-native"), serial),
                (lambda: _wall(seed20, "threads", "bruteforce-native"), threads)]
        bare = [(control[0], bare_one), (control[1], bare_two)]
        if i % 2:
            pair.reverse()
            bare.reverse()
        for run, times in (pair[0], bare[0], pair[1], bare[1]):
            times.append(run())
    report("1. bruteforce-native on the seed pairs x20 (200 pairs): threads x2 vs serial",
           "serial", serial, "threads x2", threads, target=1.8)
    report("   control: the same pairs as two bare chunk calls, one thread vs two threads",
           "one thread", bare_one, "two threads", bare_two, target=None)

    seed = list(SEED_NUMBERS)
    pure, compiled = interleaved(
        args.pure_rounds,
        lambda: _wall(seed, "serial", "bruteforce"),
        lambda: _wall(seed, "serial", "bruteforce-native"),
    )
    report("2. serial on the seed pairs (10 pairs): pure-Python bruteforce vs bruteforce-native",
           "bruteforce", pure, "bruteforce-native", compiled, target=None)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
