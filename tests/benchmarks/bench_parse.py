"""Parser speed and memory against issue 8's targets, before and after.

Run by hand:  PYTHONPATH=$PWD python tests/benchmarks/bench_parse.py [--rounds 5] [--quick]

* time: median of ``--rounds`` rounds, new and old interleaved (new, old,
  new, old...); the old parser is the last ``gcdapp/core/parsing.py`` in git
  history, loaded as a separate module. Old runs that would take over
  ``--old-limit`` seconds (measured on the first round) are not repeated.
* memory: tracemalloc peak during one parse (result included) / input size.

Targets: no input up to 50 MB over 2 s; 1,000,000 plain lines <= 0.4 s;
peak parse memory <= 3x the input.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from gcdapp.core.parsing import parse_pairs  # noqa: E402

MB = 1_000_000


def old_parser():
    """The single-module parser as it was before the package split."""
    rev = subprocess.run(
        ["git", "rev-list", "-1", "HEAD", "--", "gcdapp/core/parsing.py"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.strip()
    source = subprocess.run(
        ["git", "show", f"{rev}^:gcdapp/core/parsing.py"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout
    path = Path(tempfile.mkdtemp()) / "parsing_old.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("parsing_old", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["parsing_old"] = module
    spec.loader.exec_module(module)
    return module.parse_pairs, rev[:10]


def cases(scale: float) -> dict[str, str]:
    n = int(50 * MB * scale)
    seed_row = "(1963309, 2265973), (2030677, 3814172),\n"
    return {
        "1M plain lines a,b": "".join(f"{i * 7919 % 9999991},{i * 104729 % 9999991}\n" for i in range(1_000_000)),
        "lines 50MB 7-digit": "1963309,2265973\n" * (n // 16),
        "json 50MB": "[" + ",".join(["[1963309, 2265973]"] * (n // 19)) + "]",
        "python 50MB seed rows": "NUMBERS = [\n" + seed_row * (n // len(seed_row)) + "]\n",
        '"(1"*4M (8MB)': "(1" * int(4_000_000 * min(scale * 5, 1)),
        '"(1"*25M': "(1" * (n // 2),
        "50MB of [": "[" * n,
        "50MB of ,": "," * n,
        "nested [[..]]": "[" * (n // 2) + "]" * (n // 2),
        "one line '1 1 1...'": "1 " * (n // 2),
        "one line junk words": "foo bar baz " * (n // 12),
        "junk lines foo\\n": "foo\n" * (n // 4),
        "bad lines 1.5 2\\n": "1.5 2\n" * (n // 6),
        "bad lines 1 2 3\\n": "1 2 3\n" * (n // 6),
        "list: x,\\n lines": "[\n" + "x,\n" * (n // 3),
        "list: (1, 2) x\\n": "[\n" + "(1, 2) x\n" * (n // 9),
        'quoted csv "1","2"': '"1963309","2265973"\n' * (n // 20),
        "_ groups 1_963,2_265": "1_963_309,2_265_973\n" * (n // 20),
        "22-digit integers": "1234567890123456789012,2345678901234567890123\n" * (n // 46),
    }


def timed(parse, text) -> float:
    t0 = time.perf_counter()
    parse(text)
    return time.perf_counter() - t0


def peak_ratio(text: str) -> float:
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    result = parse_pairs(text)
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    del result
    return peak / len(text.encode("utf-8"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--old-limit", type=float, default=8.0)
    ap.add_argument("--quick", action="store_true", help="inputs at 1/10 size")
    ap.add_argument("--no-old", action="store_true")
    args = ap.parse_args()
    old, rev = (None, "") if args.no_old else old_parser()
    print(f"rounds: {args.rounds} (new and old interleaved); old parser from {rev}^")
    print(f"{'case':24} {'MB':>6} {'new s':>7} {'old s':>8} {'speedup':>8} {'peak/input':>10}")
    for name, text in cases(0.1 if args.quick else 1.0).items():
        new_t, old_t = [], []
        for r in range(args.rounds):
            new_t.append(timed(parse_pairs, text))
            if old is not None and (not old_t or old_t[0] <= args.old_limit):
                old_t.append(timed(old, text))
        new_med = statistics.median(new_t)
        old_med = statistics.median(old_t) if old_t else float("nan")
        note = "" if len(old_t) == args.rounds else f" (old: {len(old_t)} run)" if old_t else ""
        print(f"{name:24} {len(text) / MB:6.1f} {new_med:7.3f} {old_med:8.3f} "
              f"{old_med / new_med:7.1f}x {peak_ratio(text):9.2f}x{note}", flush=True)


if __name__ == "__main__":
    main()
