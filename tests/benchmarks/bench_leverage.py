"""The default leverage map's own time. Run by hand:

    python tests/benchmarks/bench_leverage.py [--times 3]

Target: the default map (digits 3,7,20 x chunk sizes 1,10,100,1000 x
kernels bruteforce,builtin, processes against serial, 3 interleaved rounds a
cell) takes ≤ 60 s on 2 cores. Runs it ``--times`` times in a row and
prints each wall time, the median, and the map's cells on both sides of
1.0×. (The GUI-stall half of the target is for the window.)
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from gcdapp.core.leverage import LeverageMap
from gcdapp.core.system import usable_cores


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--times", type=int, default=3)
    args = parser.parse_args()
    walls = []
    for i in range(args.times):
        t0 = time.perf_counter()
        result = LeverageMap().execute()
        walls.append(time.perf_counter() - t0)
        above = sum(1 for c in result.measured if c.pays)
        print(f"map {i + 1}: {walls[-1]:.1f} s, {len(result.measured)} cells measured, "
              f"{above} above 1.0×, load average {os.getloadavg()[0]:.1f}")
        print(f"  {result.finding()}")
    print(f"default leverage map on {usable_cores()} usable cores: median "
          f"{statistics.median(walls):.1f} s of {args.times} (min {min(walls):.1f}, "
          f"max {max(walls):.1f}); target ≤ 60 s")


if __name__ == "__main__":
    main()
