"""The worker host's targets (issue 10), through the real engine. Run by hand:

    python tests/benchmarks/bench_host.py [--rounds 7] [--pairs 1000000]

a. ``interpreters`` x2 in the 3.13 host against ``serial`` in the same host,
   on the seed pairs (bruteforce). Target: at least 1.7x. Interleaved in the
   same rounds, a control: ``processes`` x2 in the same host, which shows how
   much parallelism the machine gave at the time (other work on the cores
   holds both figures down together).
b. Host overhead: ``processes`` x2 inside a 3.12 host against in-app
   ``processes`` x2 (this interpreter, fork server already running), on
   1,000,000 random euclid pairs. Target: at most 1.15x.

Interleaved in the same rounds, a control: the same run inside a host of
this Python's own base interpreter, which has the host's costs without
3.12's own speed (3.12 runs this loop at its own pace).

Both sides are prepared as the CLI prepares them (``Backend.prepare``): the
in-app fork server is running, and each host backend keeps a spare host
(with its fork server) started while the previous run ends.

Wall times are the engine's (``RunResult.wall_s``: from before the pool,
here the host, is started until every worker has stopped), so a host's
start-up counts against it. Each round runs both contenders back to back,
alternating which goes first (A B, B A, ...); the figure is the median of
the per-round ratios, with the median wall times beside it. Runs are half
a second apart, so that the spare host a host run starts as it ends (an
interpreter and its fork server) does not start inside the next contender's
run. The machine's
speed drifts: compare the ratios, not the seconds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _wall(pairs, **spec) -> float:
    from gcdapp.core.engine import run_pairs
    from gcdapp.core.events import RunSpec

    result = run_pairs(pairs, RunSpec(**spec))
    assert result.status == "completed", result.error
    return result.wall_s


#: Seconds between two runs: a host run's stop starts the next spare host
#: (an interpreter and its fork server: ~0.1 s of CPU), which would otherwise
#: land inside whichever contender runs next on these 2 cores.
SETTLE_S = 0.5


def interleaved(rounds: int, *runs) -> list[list[float]]:
    """Wall times of each of ``runs``, ``rounds`` each, in rounds whose
    order alternates (A B C, C B A, ...), :data:`SETTLE_S` apart."""
    times: list[list[float]] = [[] for _ in runs]
    for i in range(rounds):
        order = list(range(len(runs)))
        if i % 2:
            order.reverse()
        for k in order:
            time.sleep(SETTLE_S)
            times[k].append(runs[k]())
    return times


def report(title: str, name_a: str, a: list[float], name_b: str, b: list[float],
           ratio: list[float], what: str, target: str, ok: bool) -> None:
    print(title)
    print(f"  {name_a:<34} median {statistics.median(a):.3f} s  "
          f"(min {min(a):.3f}, max {max(a):.3f})")
    print(f"  {name_b:<34} median {statistics.median(b):.3f} s  "
          f"(min {min(b):.3f}, max {max(b):.3f})")
    print(f"  {what}: median {statistics.median(ratio):.2f}×  over {len(ratio)} rounds "
          f"(per round: {', '.join(f'{r:.2f}' for r in ratio)})  target {target}: "
          f"{'met' if ok else 'NOT met'}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--pairs", type=int, default=1_000_000)
    args = parser.parse_args(argv)

    from gcdapp.core import backends
    from gcdapp.core.engine import backend_for
    from gcdapp.core.events import RunSpec
    from gcdapp.core.generate import generate_pairs
    from gcdapp.core.presets import get_preset
    from gcdapp.core.pythons.choice import resolve

    py313, py312 = resolve("3.13"), resolve("3.12")
    print(f"3.13: {py313.path} ({py313.label}; subinterpreters "
          f"{py313.probe.subinterpreters.describe()})")
    print(f"3.12: {py312.path} ({py312.label})")
    print(f"{args.rounds} rounds each, interleaved A B, B A, ...\n")

    seed = get_preset("seed").array()
    for mode in ("serial", "interpreters"):  # spare hosts, as the CLI and the window have them
        backend_for(RunSpec(mode=mode, python="3.13")).prepare(None)
    _wall(seed, mode="interpreters", python="3.13", workers=2)  # warm the disk caches
    backend_for(RunSpec(mode="processes", python="3.13")).prepare(None)
    serial, interp, procs = interleaved(
        args.rounds,
        lambda: _wall(seed, mode="serial", python="3.13"),
        lambda: _wall(seed, mode="interpreters", python="3.13", workers=2),
        lambda: _wall(seed, mode="processes", python="3.13", workers=2),
    )
    speedup = [s / i for s, i in zip(serial, interp)]
    report("a. seed pairs, bruteforce, in the 3.13 host", "serial", serial,
           "interpreters x2", interp, speedup, "speedup", "≥ 1.7×",
           statistics.median(speedup) >= 1.7)
    control = [s / p for s, p in zip(serial, procs)]
    print(f"  control, processes x2 in the same host (how much parallelism the machine gave): "
          f"median {statistics.median(procs):.3f} s, speedup {statistics.median(control):.2f}× "
          f"(per round: {', '.join(f'{r:.2f}' for r in control)})")

    pairs = generate_pairs(args.pairs, 7, 1)
    backends.get("processes").prepare(None)  # the in-app fork server, as the app has it
    backend_for(RunSpec(mode="processes", python="3.12")).prepare(None)  # a spare host
    _wall(pairs, mode="processes", kernel="euclid", workers=2)
    _wall(pairs, mode="processes", kernel="euclid", workers=2, python="3.12")
    # A host of this very interpreter version (the venv's base Python), as a
    # control: it has the host's costs without 3.12's own speed.
    base = getattr(sys, "_base_executable", None) or sys.executable
    same = base if base != sys.executable else None  # (outside a venv: no control)
    runs = [
        lambda: _wall(pairs, mode="processes", kernel="euclid", workers=2),
        lambda: _wall(pairs, mode="processes", kernel="euclid", workers=2, python="3.12"),
    ]
    if same is not None:
        backend_for(RunSpec(mode="processes", python=same)).prepare(None)
        _wall(pairs, mode="processes", kernel="euclid", workers=2, python=same)
        runs.append(lambda: _wall(pairs, mode="processes", kernel="euclid", workers=2,
                                  python=same))
    inapp, hosted, *control = interleaved(args.rounds, *runs)
    overhead = [h / i for h, i in zip(hosted, inapp)]
    print()
    report(f"b. {args.pairs:,} euclid pairs, processes x2", "in-app (this Python)", inapp,
           "inside the 3.12 host", hosted, overhead, "host / in-app", "≤ 1.15×",
           statistics.median(overhead) <= 1.15)
    if control:
        ratio = [c / i for c, i in zip(control[0], inapp)]
        print(f"  control, inside a host of this Python's own interpreter ({same}): "
              f"median {statistics.median(control[0]):.3f} s, {statistics.median(ratio):.2f}× "
              f"in-app (per round: {', '.join(f'{r:.2f}' for r in ratio)}): the host's cost "
              "without another interpreter's own speed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
