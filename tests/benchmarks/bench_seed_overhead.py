"""The engine's own cost on the seed workload, against the book's bare code.
Run by hand:

    python tests/benchmarks/bench_seed_overhead.py [--rounds 21] [--only processes serial dispatch]

Three comparisons, each interleaved round by round (the side that goes first
alternates every round), so that this machine's drift hits both sides alike:

* processes: ``run_pairs(SEED_NUMBERS, processes, workers=2)`` against
  ``with ProcessPoolExecutor(2) as p: list(p.map(gcd, NUMBERS))``, pool
  creation included on both sides, with the same start method (the engine's
  default, with its fork server already running for both);
* serial: ``run_pairs(SEED_NUMBERS, serial)`` against ``list(map(gcd, NUMBERS))``;
* dispatch: chunk size 1 over 50,000 euclid tasks against a bare submit loop.

Each reports the median of the per-round ratios and their spread (min,
quartiles, max), and for processes the median breakdown of the engine's wall
time: pool start, warm-up, compute, the wait after the last task, shutdown.
Both sides are timed from outside, the same way (``perf_counter`` around the
call), so the engine's set-up checks and result building count against it.
"""

from __future__ import annotations

import argparse
import multiprocessing
import platform
import statistics
import time
from concurrent.futures import ProcessPoolExecutor

# Workers (and the fork server, which preloads ``__main__``) import this
# module again: module level stays stdlib-only.
from gcdapp.core.kernels import bruteforce as gcd
from gcdapp.core.kernels import euclid


def quartiles(values):
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return min(values), q1, q2, q3, max(values)


def spread(ratios) -> str:
    lo, q1, med, q3, hi = quartiles(ratios)
    return f"min {lo:.3f}  q1 {q1:.3f}  median {med:.3f}  q3 {q3:.3f}  max {hi:.3f}"


def interleave(rounds, engine, bare):
    """``rounds`` rounds of both sides, alternating which goes first.

    ``engine`` returns whatever it wants kept per round (its breakdown); both
    are timed from outside. Returns (engine seconds, bare seconds, kept)."""
    engine_s, bare_s, kept = [], [], []
    for i in range(rounds):
        order = ("engine", "bare") if i % 2 == 0 else ("bare", "engine")
        for side in order:
            t0 = time.perf_counter()
            out = engine() if side == "engine" else bare()
            seconds = time.perf_counter() - t0
            if side == "engine":
                engine_s.append(seconds)
                kept.append(out)
            else:
                bare_s.append(seconds)
    return engine_s, bare_s, kept


def report(title, rounds, engine_s, bare_s, target, *, throughput_of=None):
    ratios = [e / b for e, b in zip(engine_s, bare_s)]
    print(f"\n{title}  ({rounds} interleaved rounds)")
    if throughput_of is None:
        print(f"  engine median {statistics.median(engine_s) * 1e3:8.1f} ms   "
              f"bare median {statistics.median(bare_s) * 1e3:8.1f} ms")
        print(f"  per-round ratio engine/bare: {spread(ratios)}   (target ≤ {target})")
    else:
        n = throughput_of
        speeds = [b / e for e, b in zip(engine_s, bare_s)]  # engine tasks/s over bare tasks/s
        print(f"  engine median {n / statistics.median(engine_s):9,.0f} tasks/s   "
              f"bare median {n / statistics.median(bare_s):9,.0f} tasks/s")
        print(f"  per-round throughput engine/bare: {spread(speeds)}   (target ≥ {target})")


def breakdown(result, outside_s) -> dict:
    """Where the engine's time went, in seconds (see the module docstring)."""
    import numpy as np

    tasks = result.tasks
    lane_ready = np.asarray(getattr(result, "lane_startup_s", ()), dtype=float)
    shutdown = getattr(result, "shutdown_s", 0.0)
    last_end = float(tasks.t_end.max())
    compute_end = result.wall_s - shutdown
    known = lane_ready[np.isfinite(lane_ready)] if len(lane_ready) else lane_ready
    # Pool start: until the last worker was ready to take work (or, where the
    # workers do not say, until the engine saw them ready).
    pool_start = float(known.max()) if len(known) else result.startup_s
    return {
        "pool start": pool_start,
        "warm-up": max(0.0, result.startup_s - pool_start),
        "compute": last_end - result.startup_s,
        "wait after last task": compute_end - last_end,
        "shutdown": shutdown,
        "outside the engine's clock": outside_s - result.wall_s,
    }


def processes(rounds):
    from gcdapp.core import backends
    from gcdapp.core.engine import Run
    from gcdapp.core.events import RunSpec
    from gcdapp.core.presets import SEED_NUMBERS, SEED_RESULTS

    numbers = list(SEED_NUMBERS)
    spec = RunSpec(mode="processes", kernel="bruteforce", workers=2)
    method = Run(numbers, spec).info.start_method
    backend = backends.get("processes")
    backend.prepare(method)  # the fork server, for both sides
    context = multiprocessing.get_context(method)
    breakdowns = []

    def engine():
        t0 = time.perf_counter()
        result = Run(numbers, spec).execute()
        outside = time.perf_counter() - t0
        assert result.result_list() == list(SEED_RESULTS)
        breakdowns.append(breakdown(result, outside))

    def bare():
        with ProcessPoolExecutor(2, mp_context=context) as p:
            out = list(p.map(gcd, numbers))
        assert out == list(SEED_RESULTS)

    engine(), bare()  # one untimed round each: caches, the fork server
    breakdowns.clear()
    engine_s, bare_s, _ = interleave(rounds, engine, bare)
    report(f"seed pairs, bruteforce, processes×2 ({method}), pool creation included",
           rounds, engine_s, bare_s, 1.03)
    print("  engine wall time, median per phase:")
    for key in breakdowns[0]:
        values = [b[key] for b in breakdowns]
        print(f"    {key:<28} {statistics.median(values) * 1e3:8.2f} ms"
              f"   (min {min(values) * 1e3:.2f}, max {max(values) * 1e3:.2f})")


def serial(rounds):
    from gcdapp.core.engine import run_pairs
    from gcdapp.core.events import RunSpec
    from gcdapp.core.presets import SEED_NUMBERS, SEED_RESULTS

    numbers = list(SEED_NUMBERS)
    spec = RunSpec(mode="serial", kernel="bruteforce")

    def engine():
        assert run_pairs(numbers, spec).result_list() == list(SEED_RESULTS)

    def bare():
        assert list(map(gcd, numbers)) == list(SEED_RESULTS)

    engine(), bare()
    engine_s, bare_s, _ = interleave(rounds, engine, bare)
    report("seed pairs, bruteforce, serial vs list(map(gcd, NUMBERS))",
           rounds, engine_s, bare_s, 1.05)


def dispatch(rounds, n):
    from gcdapp.core.engine import Run
    from gcdapp.core.events import RunSpec
    from gcdapp.core.generate import generate_pairs

    pairs = generate_pairs(n, 7, seed=5)
    as_tuples = [tuple(p) for p in pairs.tolist()]
    spec = RunSpec(mode="processes", kernel="euclid", workers=2, chunksize=1)
    context = multiprocessing.get_context(Run(pairs[:1], spec).info.start_method)

    def engine():
        result = Run(pairs, spec).execute()
        assert result.status == "completed" and len(result.tasks) == n

    def bare():
        with ProcessPoolExecutor(2, mp_context=context) as pool:
            futures = [pool.submit(euclid, p) for p in as_tuples]
            return [f.result() for f in futures]

    engine_s, bare_s, _ = interleave(rounds, engine, bare)
    report(f"chunk size 1, {n:,} euclid tasks, processes×2 vs a bare submit loop",
           rounds, engine_s, bare_s, 1.0, throughput_of=n)


def main():
    from gcdapp.core.system import usable_cores

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--dispatch-rounds", type=int, default=None,
                        help="rounds for the dispatch comparison (default: --rounds)")
    parser.add_argument("--tasks", type=int, default=50_000, help="tasks for the dispatch comparison")
    parser.add_argument("--only", nargs="+", choices=["processes", "serial", "dispatch"],
                        default=["processes", "serial", "dispatch"])
    args = parser.parse_args()
    print(f"Python {platform.python_version()} on {platform.machine()}, {usable_cores()} usable cores, "
          f"{platform.platform()}")
    if "processes" in args.only:
        processes(args.rounds)
    if "serial" in args.only:
        serial(args.rounds)
    if "dispatch" in args.only:
        dispatch(args.dispatch_rounds or args.rounds, args.tasks)


if __name__ == "__main__":
    main()
