"""A sweep's own overhead. Run by hand:

    python tests/benchmarks/bench_sweep.py [--rounds 5] [--repeat 3] [--workers 1,2]

Target: a sweep costs ≤ 1.05× the total time of the same runs made one by
one with ``gcdapp-cli run``. Two comparisons, each interleaved round by
round (the order of the sides rotates every round), medians quoted:

* command line, timed from outside: ``gcdapp-cli sweep --preset seed --mode
  processes --workers 1,2 --repeat R`` against the same runs made with
  ``gcdapp-cli run``, (a) one invocation per run (``--repeat 1``, 3R
  invocations: the serial baseline and each worker count, R times) and (b)
  one invocation per point (``--repeat R``, 3 invocations);
* in process: ``Sweep(...).execute()`` against a bare loop of
  ``run_pairs`` over the very same steps in the same order, so only the
  sweep's own book-keeping (pairing, points, fits after each run, the scipy
  import) differs.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import time


def cli(*args: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "gcdapp.cli", *args], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def sweep_cli(workers, repeat, mode):
    return cli("sweep", "--preset", "seed", "--mode", mode, "--workers",
               ",".join(map(str, workers)), "--repeat", str(repeat), "--quiet")


def runs_one_by_one(workers, repeat, mode):
    total = 0.0
    for _ in range(repeat):
        total += cli("run", "--preset", "seed", "--mode", "serial", "--quiet")
        for n in workers:
            total += cli("run", "--preset", "seed", "--mode", mode, "--workers", str(n),
                         "--quiet")
    return total


def runs_per_point(workers, repeat, mode):
    total = cli("run", "--preset", "seed", "--mode", "serial", "--repeat", str(repeat),
                "--quiet")
    for n in workers:
        total += cli("run", "--preset", "seed", "--mode", mode, "--workers", str(n),
                     "--repeat", str(repeat), "--quiet")
    return total


def interleaved(rounds, sides):
    """``{name: [seconds per round]}``, the order of the sides rotating."""
    names = list(sides)
    out = {name: [] for name in names}
    for r in range(rounds):
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            out[name].append(sides[name]())
        print(f"  round {r + 1}/{rounds}: " + "  ".join(
            f"{n} {out[n][-1]:.2f} s" for n in names), flush=True)
    return out


def report(times, reference, target=None):
    ref = times[reference]
    for name, values in times.items():
        if name == reference:
            continue
        ratios = sorted(v / b for v, b in zip(ref, values))
        print(f"  {reference} / {name}: median {statistics.median(ratios):.3f}× "
              f"(min {ratios[0]:.3f}, max {ratios[-1]:.3f}); medians "
              f"{statistics.median(ref):.2f} s against {statistics.median(values):.2f} s"
              + (f"   (target ≤ {target}×)" if target else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--mode", default="processes")
    args = parser.parse_args()
    workers = [int(w) for w in args.workers.split(",")]

    from gcdapp.core.engine import run_pairs
    from gcdapp.core.presets import SEED_NUMBERS
    from gcdapp.core.run_settings import RunSettings
    from gcdapp.core.sweep import Sweep
    from gcdapp.core.system import usable_cores

    print(f"Python {platform.python_version()}, {usable_cores()} usable cores; seed pairs, "
          f"brute force, {args.mode} at workers {args.workers} and serial, {args.repeat} "
          f"rounds per sweep; {args.rounds} interleaved benchmark rounds")

    print("\ncommand line (timed from outside, interpreter start-up included):")
    times = interleaved(args.rounds, {
        "sweep": lambda: sweep_cli(workers, args.repeat, args.mode),
        "run one by one": lambda: runs_one_by_one(workers, args.repeat, args.mode),
        "run per point": lambda: runs_per_point(workers, args.repeat, args.mode),
    })
    report(times, "sweep", target=1.05)

    settings = RunSettings().with_values(mode=args.mode, kernel="bruteforce",
                                         repeats=args.repeat)

    from gcdapp.core.events import NullObserver
    from gcdapp.core.sweep import SweepObserver

    engine_s = []  # per library sweep: seconds inside the engine's runs

    class EngineClock(NullObserver, SweepObserver):
        """Times each run from its run_started to its run_finished."""

        def __init__(self):
            self.inside = 0.0
            self.t0 = 0.0

        def run_observer(self, step):
            return self

        def run_started(self, info):
            self.t0 = time.perf_counter()

        def run_finished(self, result):
            self.inside += time.perf_counter() - self.t0

    def library_sweep():
        clock = EngineClock()
        t0 = time.perf_counter()
        Sweep(SEED_NUMBERS, settings, workers, clock, order_seed=0).execute()
        total = time.perf_counter() - t0
        engine_s.append((total, clock.inside))
        return total

    steps = Sweep(SEED_NUMBERS, settings, workers, order_seed=0).steps

    def bare_loop():
        t0 = time.perf_counter()
        for step in steps:
            run_pairs(SEED_NUMBERS, step.spec)
        return time.perf_counter() - t0

    print("\nin process (same steps, same order):")
    times = interleaved(args.rounds, {"Sweep.execute": library_sweep, "run_pairs loop": bare_loop})
    report(times, "Sweep.execute", target=1.05)
    shares = sorted(total / inside for total, inside in engine_s)
    own = sorted(total - inside for total, inside in engine_s)
    print(f"  within each sweep, total / time inside the engine's runs: median "
          f"{statistics.median(shares):.3f}× (min {shares[0]:.3f}, max {shares[-1]:.3f}); "
          f"the sweep's own time: median {statistics.median(own) * 1e3:.0f} ms "
          f"(the first sweep imports scipy)")


if __name__ == "__main__":
    main()
