"""What the stop flag costs, and how fast a threads run stops. Run by hand:

    python tests/benchmarks/bench_cancel.py [--rounds 11] [--cancels 20] [--seed N]

1. The cost of looking at the stop flag, serial, in this process: the seed
   pairs through the brute force, and 1,000,000 random pairs through Euclid in
   tasks of 10,000 pairs (the auto chunk size's cap). Each round runs the old
   path (no flag: the seed's plain loop, ``run_chunk`` without a flag) and the
   new one (the blocked loop and ``run_chunk`` with a clear flag) side by
   side, alternating which goes first; the median of the per-round ratios is
   the figure (target: at most 1.02).
2. Threads cancel latency: threads runs (2 workers) over the seed pairs with
   the brute force, and over 1M Euclid pairs, cancelled at a random moment
   from another thread; the time from ``Run.cancel()`` to ``execute()``
   returning, median and max (target: at most 100 ms), and the ``gcd-thread``
   threads still alive afterwards (target: 0).
"""

from __future__ import annotations

import argparse
import random
import statistics
import threading
import time


def seed_bruteforce_unchecked(pair):
    """The seed's loop before the stop flag, for comparison."""
    a, b = pair
    low = min(a, b)
    for i in range(low, 0, -1):
        if a % i == 0 and b % i == 0:
            return i
    assert False, "not reachable"


def _chunks(pairs, size):
    from gcdapp.core.engine.chunks import encode_chunk

    return [(begin, encode_chunk(pairs[begin:begin + size])) for begin in range(0, len(pairs), size)]


def _task_seconds(kernel, flag):
    from gcdapp.core.tasks import run_chunk

    def one(task):
        begin, chunk = task
        t0 = time.perf_counter()
        if flag is None:
            run_chunk(begin, chunk, kernel)
        else:
            run_chunk(begin, chunk, kernel, flag)
        return time.perf_counter() - t0

    return one


def flag_cost(name, rounds, tasks, old, new):
    """Each round runs every task twice, the old way and the new, side by
    side (alternating which goes first), so the machine's drift hits both
    alike; the per-round ratio is new total / old total."""
    ratios, olds, news = [], [], []
    for r in range(rounds):
        t_old = t_new = 0.0
        for i, task in enumerate(tasks):
            if (i + r) % 2:
                t_new += new(task)
                t_old += old(task)
            else:
                t_old += old(task)
                t_new += new(task)
        olds.append(t_old)
        news.append(t_new)
        ratios.append(t_new / t_old)
    print(f"{name}: {rounds} rounds, {len(tasks)} tasks each, interleaved task by task")
    print(f"  without flag  median {statistics.median(olds):.3f} s")
    print(f"  with flag     median {statistics.median(news):.3f} s")
    print(f"  ratio         median {statistics.median(ratios):.4f}  "
          f"(per round {min(ratios):.3f} .. {max(ratios):.3f})", flush=True)
    return statistics.median(ratios)


def cancel_latency(name, pairs, spec, cancels, rng):
    from gcdapp.core.engine import Run

    # One full run first: random cancel moments fall within a typical run.
    full = Run(pairs, spec).execute()
    span = full.wall_s
    latencies, leftover = [], []
    for _ in range(cancels):
        run = Run(pairs, spec)
        delay = rng.uniform(0.0, 0.9 * span)
        stamp = {}

        def cancel_later():
            time.sleep(delay)
            stamp["at"] = time.perf_counter()
            run.cancel()

        canceller = threading.Thread(target=cancel_later)
        canceller.start()
        run.execute()
        returned = time.perf_counter()
        canceller.join()
        latencies.append(max(0.0, returned - stamp["at"]) * 1000)
        leftover.append(sum(t.name.startswith("gcd-thread") for t in threading.enumerate()))
    print(f"{name}: {cancels} cancels at random moments in a {span:.2f} s run")
    print(f"  cancel latency median {statistics.median(latencies):.1f} ms, "
          f"max {max(latencies):.1f} ms")
    print(f"  gcd-thread threads alive after the run: max {max(leftover)}", flush=True)
    return statistics.median(latencies), max(latencies), max(leftover)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--cancels", type=int, default=20)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    print(f"random seed {seed}", flush=True)
    rng = random.Random(seed)

    import numpy as np

    from gcdapp.core.events import RunSpec
    from gcdapp.core.kernels import bruteforce, euclid
    from gcdapp.core.pairs import as_pairs
    from gcdapp.core.presets import SEED_NUMBERS

    seed_pairs = as_pairs(SEED_NUMBERS)
    seed_tasks = _chunks(seed_pairs, 1)
    generator = np.random.default_rng(seed)
    million = generator.integers(1, 2**62, size=(1_000_000, 2), dtype=np.int64)
    million_tasks = _chunks(million, 10_000)

    flag = threading.Event()
    bf = flag_cost("seed pairs, brute force, serial", args.rounds, seed_tasks,
                   _task_seconds(seed_bruteforce_unchecked, None), _task_seconds(bruteforce, flag))
    eu = flag_cost("1M pairs, Euclid, serial, tasks of 10,000", args.rounds, million_tasks,
                   _task_seconds(euclid, None), _task_seconds(euclid, flag))
    lat_bf = cancel_latency("threads, seed pairs, brute force, 2 workers, chunk 1", seed_pairs,
                            RunSpec(mode="threads", kernel="bruteforce", workers=2, chunksize=1),
                            args.cancels, rng)
    lat_eu = cancel_latency("threads, 1M pairs, Euclid, 2 workers, auto chunks", million,
                            RunSpec(mode="threads", kernel="euclid", workers=2),
                            args.cancels, rng)
    print()
    print("summary (targets: flag cost <= 1.02x, cancel <= 100 ms, 0 threads left)")
    print(f"  flag cost: brute force {bf:.4f}x, Euclid {eu:.4f}x")
    for label, (median, worst, left) in (("brute force", lat_bf), ("Euclid", lat_eu)):
        print(f"  threads cancel, {label}: median {median:.1f} ms, max {worst:.1f} ms, "
              f"threads left {left}")


if __name__ == "__main__":
    main()
