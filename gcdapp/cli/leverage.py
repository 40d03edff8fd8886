"""``gcdapp-cli leverage``: the grid of speedups, and each cell's per-task figures."""

from __future__ import annotations

import json
import sys

from gcdapp.cli.main import EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_OK, EXIT_RUN_FAILED
from gcdapp.core.atomic import atomic_write_text
from gcdapp.core.engine import RunSetupError
from gcdapp.core.leverage import (
    DEFAULT_CHUNKSIZES, DEFAULT_DIGITS, DEFAULT_KERNELS, DEFAULT_ROUNDS, LeverageMap,
    LeverageObserver, LeverageProgress,
)
from gcdapp.core.leverage_result import CellKey, LeverageCell, LeverageResult


def _err(text: str) -> None:
    print(f"gcdapp-cli: {text}", file=sys.stderr)


class LeverageProgressLine(LeverageObserver):
    """``leverage: 5/24 cells, builtin, 7 digits, 10 per task; about 12 s
    left`` on standard error (terminals only), rewritten in place."""

    def __init__(self, stream=sys.stderr):
        self.stream = stream
        self.shown = False

    def cell_started(self, key: CellKey, progress: LeverageProgress) -> None:
        left = "" if progress.eta_s is None else f"; about {progress.eta_s:.0f} s left"
        self.stream.write(f"\r\033[Kleverage: {progress.done}/{progress.total} cells, "
                          f"{key.label}{left}")
        self.stream.flush()
        self.shown = True

    def map_finished(self, result: LeverageResult) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


def _cell_text(cell: LeverageCell | None) -> str:
    if cell is None:
        return "—"
    if cell.skipped:
        return "skipped"
    return f"{cell.speedup:.2f}×" + ("?" if cell.unstable else "")


def _table(headers: list[str], rows: list[list[str]], left: int = 1,
           last_left: bool = False) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(headers)]
    if last_left:  # free text: as wide as its header
        widths[-1] = len(headers[-1])

    def line(cells):
        return "  ".join(c.ljust(w) if i < left or (last_left and i == len(cells) - 1)
                         else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    return [line(headers), line(["─" * w for w in widths]), *map(line, rows)]


def format_grid(result: LeverageResult) -> str:
    """Per kernel: digits down, pairs per task across, the median speedup in
    each cell (``?`` marks a cell unstable by pyperf's rules)."""
    out = []
    for kernel in result.kernels:
        out.append(f"{kernel}: speedup of {result.mode} ×{result.workers} against serial")
        rows = [[f"{d} digits", *(_cell_text(result.cell(kernel, d, c))
                                  for c in result.chunksizes)] for d in result.digits]
        out += _table(["pairs per task", *map(str, result.chunksizes)], rows)
        out.append("")
    return "\n".join(out).rstrip()


def _seconds(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 1e-3:
        return f"{value * 1e6:.1f} µs"
    return f"{value * 1e3:.2f} ms" if value < 1 else f"{value:.3f} s"


def format_cells(result: LeverageResult) -> str:
    """Every cell measured: its pairs, tasks, speedup and per-task figures."""
    headers = ["kernel", "digits", "per task", "pairs", "tasks", "speedup", "min", "max",
               "compute/task", "transfer/task", "note"]
    rows = []
    for c in result.cells:
        t, s = c.per_task, c.speedups
        note = c.skipped or ("unstable" if c.unstable else "")
        rows.append([c.key.kernel, str(c.key.digits), f"{c.key.chunksize:,}",
                     f"{c.n_pairs:,}" if c.measured else "", f"{c.n_tasks:,}" if c.measured else "",
                     _cell_text(c) if c.measured else "—",
                     f"{s.min:.2f}×" if s else "", f"{s.max:.2f}×" if s else "",
                     _seconds(t.compute_s) if t else "", _seconds(t.transfer_s) if t else "",
                     note])
    return "\n".join(_table(headers, rows, last_left=True))


def _write(path: str, text: str) -> bool:
    try:
        atomic_write_text(path, text)
    except OSError as exc:
        _err(f"cannot write {path}: {exc.strerror or exc}")
        return False
    return True


def leverage_command(args) -> int:
    observer = LeverageProgressLine() if not args.quiet and sys.stderr.isatty() else None
    try:
        lmap = LeverageMap(
            digits=args.digits or DEFAULT_DIGITS, chunksizes=args.chunksize or DEFAULT_CHUNKSIZES,
            kernels=args.kernel or DEFAULT_KERNELS, mode=args.mode, observer=observer,
            workers=args.workers, rounds=args.repeat or DEFAULT_ROUNDS, seed=args.seed)
    except RunSetupError as exc:
        for problem in exc.problems:
            _err(problem)
        return EXIT_BAD_INPUT

    code = EXIT_OK
    try:
        result = lmap.execute()
    except KeyboardInterrupt:
        if observer is not None:
            observer.map_finished(lmap.result())
        _err("interrupted; the cells measured so far follow")
        result, code = lmap.result(), EXIT_INTERRUPTED
    if result.status == "failed":
        _err(f"leverage map failed: {result.error}")
        code = EXIT_RUN_FAILED

    if args.json != "-":
        print(f"leverage map: {result.mode} ×{result.workers} against serial, "
              f"{result.rounds} interleaved round(s) a cell, median speedup with the pool's "
              f"start-up left out, {result.cores} usable cores, seed {result.seed}")
        print()
        print(format_grid(result))
        print()
        print(format_cells(result))
        print(result.finding())
    if args.json is not None:
        text = json.dumps(result.to_json(), indent=2) + "\n"
        if args.json == "-":
            sys.stdout.write(text)
        elif not _write(args.json, text):
            code = code or EXIT_RUN_FAILED
    return code
