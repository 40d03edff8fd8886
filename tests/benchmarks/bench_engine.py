"""Engine benchmarks for the foundation targets. Run by hand:

    python tests/benchmarks/bench_engine.py [--quick]

Each comparison runs both sides in this one script, interleaved, and reports
the median of several repeats, so the ratios are fair on a noisy machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor

# Like any multiprocessing script, this module is imported again by each
# worker process: module level stays stdlib-only (numpy would cost every
# worker ~0.1 s). gcdapp and numpy are imported inside the functions.
from gcdapp.core.kernels import euclid


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def interleaved(repeats, **contenders):
    """Run each contender once per round, ``repeats`` rounds; median seconds."""
    times = {name: [] for name in contenders}
    for _ in range(repeats):
        for name, fn in contenders.items():
            seconds, _ = timed(fn)
            times[name].append(seconds)
    return {name: statistics.median(ts) for name, ts in times.items()}, times


def seed_speedup(repeats):
    from gcdapp.core.engine import run_pairs
    from gcdapp.core.events import RunSpec
    from gcdapp.core.presets import SEED_NUMBERS

    def serial():
        return run_pairs(SEED_NUMBERS, RunSpec(mode="serial", kernel="bruteforce")).wall_s

    def processes():
        return run_pairs(
            SEED_NUMBERS, RunSpec(mode="processes", kernel="bruteforce", workers=2)
        ).wall_s

    walls = {"serial": [], "processes": []}
    for _ in range(repeats):
        walls["serial"].append(serial())
        walls["processes"].append(processes())
    med = {k: statistics.median(v) for k, v in walls.items()}
    print(f"seed, bruteforce: serial {med['serial']:.3f} s, processes×2 {med['processes']:.3f} s "
          f"(engine wall incl. pool start-up, median of {repeats})")
    print(f"  speedup processes vs serial: {med['serial'] / med['processes']:.2f}×  (target ≥ 1.8×)")


def million(n, repeats):
    from gcdapp.core.engine import run_pairs
    from gcdapp.core.events import RunSpec
    from gcdapp.core.generate import generate_pairs

    pairs = generate_pairs(n, 7, seed=64)
    as_tuples = [tuple(p) for p in pairs.tolist()]

    def engine_processes():
        r = run_pairs(pairs, RunSpec(mode="processes", kernel="euclid", workers=2, chunksize="auto"))
        assert r.status == "completed"

    def bare_processes():
        with ProcessPoolExecutor(2) as pool:
            return list(pool.map(euclid, as_tuples, chunksize=10000))

    def engine_serial():
        r = run_pairs(pairs, RunSpec(mode="serial", kernel="euclid"))
        assert r.status == "completed"

    def bare_serial():
        return list(map(euclid, as_tuples))

    med, _ = interleaved(repeats, engine=engine_processes, bare=bare_processes)
    print(f"{n:,} random 7-digit pairs, euclid, processes×2, chunk auto: engine {med['engine']:.3f} s, "
          f"bare ProcessPoolExecutor(2).map(chunksize=10000) {med['bare']:.3f} s")
    print(f"  ratio engine/bare: {med['engine'] / med['bare']:.3f}  (target ≤ 1.15)")
    med, _ = interleaved(repeats, engine=engine_serial, bare=bare_serial)
    print(f"{n:,} pairs, euclid, serial: engine {med['engine']:.3f} s, bare list(map(fn, pairs)) {med['bare']:.3f} s")
    print(f"  ratio engine/bare: {med['engine'] / med['bare']:.3f}  (target ≤ 1.3)")


def anatomy_cost(n, repeats):
    """What measuring each task's anatomy costs: the same run with and
    without it (``Run(..., instrument=False)``), interleaved."""
    from gcdapp.core.engine import Run
    from gcdapp.core.events import RunSpec
    from gcdapp.core.generate import generate_pairs

    pairs = generate_pairs(n, 7, seed=64)
    spec = RunSpec(mode="processes", kernel="euclid", workers=2, chunksize="auto")
    walls = {"with": [], "without": []}
    for i in range(repeats):
        # alternate which side goes first, so neither always follows the other
        order = ("with", "without") if i % 2 == 0 else ("without", "with")
        for side in order:
            r = Run(pairs, spec, instrument=side == "with").execute()
            assert r.status == "completed"
            walls[side].append(r.wall_s)
    med = {k: statistics.median(v) for k, v in walls.items()}
    print(f"{n:,} pairs, euclid, processes×2, chunk auto: with the task anatomy {med['with']:.3f} s, "
          f"without {med['without']:.3f} s (engine wall, median of {repeats}, interleaved)")
    print(f"  cost of the anatomy: {med['with'] / med['without'] - 1:+.1%}  (target ≤ +3 %); "
          f"fastest runs {min(walls['with']):.3f} s vs {min(walls['without']):.3f} s")


def peak_memory(n):
    """Peak RSS of a fresh process that generates n pairs and runs them."""
    code = (
        "import resource, sys\n"
        "from gcdapp.core.engine import run_pairs\n"
        "from gcdapp.core.events import RunSpec\n"
        "from gcdapp.core.generate import generate_pairs\n"
        "if __name__ == '__main__':\n"
        f"    pairs = generate_pairs({n}, 7, seed=64)\n"
        "    r = run_pairs(pairs, RunSpec(mode='processes', kernel='euclid', workers=2))\n"
        "    assert r.status == 'completed'\n"
        "    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    script = os.path.join(os.path.dirname(__file__), "_peak_memory_probe.py")
    with open(script, "w") as fh:
        fh.write(code)
    try:
        out = subprocess.run([sys.executable, script], capture_output=True, text=True, check=True)
    finally:
        os.unlink(script)
    kib = int(out.stdout.strip().splitlines()[-1])
    print(f"peak RSS of the whole process, {n:,} pairs, processes×2: {kib / 1024:.0f} MB  (target ≤ 400 MB)")


def dispatch(n, repeats):
    from gcdapp.core.engine import run_pairs
    from gcdapp.core.events import RunSpec
    from gcdapp.core.generate import generate_pairs

    pairs = generate_pairs(n, 7, seed=5)
    as_tuples = [tuple(p) for p in pairs.tolist()]

    def engine():
        r = run_pairs(pairs, RunSpec(mode="processes", kernel="euclid", workers=2, chunksize=1))
        assert r.status == "completed" and len(r.tasks) == n

    def bare():
        with ProcessPoolExecutor(2) as pool:
            futures = [pool.submit(euclid, p) for p in as_tuples]
            return [f.result() for f in futures]

    med, _ = interleaved(repeats, engine=engine, bare=bare)
    print(f"chunk size 1, {n:,} tasks, processes×2: engine {n / med['engine']:,.0f} tasks/s, "
          f"bare submit loop {n / med['bare']:,.0f} tasks/s")
    print(f"  throughput engine/bare: {med['bare'] / med['engine']:.2f}  (target ≥ 0.9)")


def main():
    from gcdapp.core import backends
    from gcdapp.core.system import usable_cores

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    parser.add_argument("--only", choices=["anatomy"], help="run one comparison only")
    args = parser.parse_args()
    n = 200_000 if args.quick else 1_000_000
    repeats = 3 if args.quick else 5
    print(f"Python {platform.python_version()} on {platform.machine()}, {usable_cores()} usable cores, "
          f"{platform.platform()}")
    backends.get("processes").prepare()
    if args.only == "anatomy":
        anatomy_cost(n, 5 if args.quick else 11)
        return
    seed_speedup(repeats)
    million(n, 3)
    peak_memory(n)
    dispatch(20_000 if args.quick else 50_000, 3)
    anatomy_cost(n, 5 if args.quick else 11)


if __name__ == "__main__":
    main()
