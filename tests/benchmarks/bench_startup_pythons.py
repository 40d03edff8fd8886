"""Start-up with the Python choice: does discovery slow the window down?
Run by hand:

    QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_startup_pythons.py \
        --other /work/main [--rounds 7]

Launches the app the way ``python -m gcdapp`` does (``start_app``: the window
shown, then discovery started on a thread) from this checkout and from
``--other`` (a checkout without the Python choice), interleaved (A B A B …),
and prints the medians of:

- window up: launch until the first event-loop turn after ``show()``;
- list filled: launch until discovery's answer is in the Python list (this
  checkout only; probes cached, as after the first start).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[2]

CODE = """
import sys, time
from PySide6.QtCore import QTimer
from gcdapp.ui.app import start_app
t0 = float(sys.argv[1])
app, window = start_app([sys.argv[0]])
def up():
    print("up", time.time() - t0, flush=True)
    choice = getattr(window.panel, "python_choice", None)
    if choice is None:
        app.quit()
        return
    def done():
        print("found", time.time() - t0, len(choice.interpreters()), flush=True)
        app.quit()
    if choice.is_finding():
        choice.discovered.connect(done)
    else:
        done()
QTimer.singleShot(0, up)
app.exec()
window.close()
"""


def launch(checkout: Path, env: dict) -> dict:
    t0 = time.time()
    proc = subprocess.run([sys.executable, "-c", CODE, repr(t0)], capture_output=True,
                          text=True, check=True, timeout=300,
                          env={**env, "PYTHONPATH": str(checkout)})
    out = {}
    for line in proc.stdout.splitlines():
        parts = line.split()
        if parts and parts[0] in ("up", "found"):
            out[parts[0]] = float(parts[1])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--other", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    root = tempfile.mkdtemp(prefix="gcdapp-bench-")
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        env[var] = os.path.join(root, var.lower())
        os.makedirs(env[var], exist_ok=True)
    first = launch(HERE, env)  # fills the probe cache (and warms the disk cache)
    launch(args.other, env)
    print(f"first start (probing every interpreter): list filled after {first['found']:.2f} s")
    mine, theirs, found = [], [], []
    for _ in range(args.rounds):
        a = launch(HERE, env)
        b = launch(args.other, env)
        mine.append(a["up"])
        found.append(a["found"])
        theirs.append(b["up"])
    med = statistics.median
    print(f"{args.rounds} rounds, interleaved; medians:")
    print(f"  window up, with the Python choice ({HERE}): {med(mine):.3f} s")
    print(f"  window up, without it ({args.other}):        {med(theirs):.3f} s")
    print(f"  ratio: {med(mine) / med(theirs):.3f}")
    print(f"  Python list filled (probes cached): {med(found):.3f} s")


if __name__ == "__main__":
    main()
