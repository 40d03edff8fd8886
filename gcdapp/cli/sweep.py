"""``gcdapp-cli sweep``: one mode at several worker counts, a table and the fits."""

from __future__ import annotations

import argparse
import json
import sys

from gcdapp.cli.main import EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_OK, EXIT_RUN_FAILED
from gcdapp.cli.run import InputError, load_pairs
from gcdapp.cli.settings_flags import settings_from_args
from gcdapp.core.atomic import atomic_write_text
from gcdapp.core.engine import RunSetupError
from gcdapp.core.sweep import Sweep, SweepObserver, SweepProgress, SweepStep
from gcdapp.core.sweep_result import SweepResult


def _err(text: str) -> None:
    print(f"gcdapp-cli: {text}", file=sys.stderr)


class SweepProgressLine(SweepObserver):
    """``sweep: 5/16 runs, processes ×3, round 2; about 12 s left`` on
    standard error (terminals only), rewritten in place."""

    def __init__(self, stream=sys.stderr):
        self.stream = stream
        self.shown = False

    def step_started(self, step: SweepStep, progress: SweepProgress) -> None:
        left = "" if progress.eta_s is None else f"; about {progress.eta_s:.0f} s left"
        self.stream.write(f"\r\033[Ksweep: {progress.done}/{progress.total} runs, "
                          f"{step.label}{left}")
        self.stream.flush()
        self.shown = True

    def sweep_finished(self, result: SweepResult) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


def _times(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


def _sd(summary) -> str:
    if summary is None or summary.n < 2:
        return "—"
    return f"{summary.spread:.0%}"


def format_sweep(result: SweepResult) -> str:
    """The points as a table: the baseline first, then each worker count."""
    headers = ["workers", "wall (median)", "speedup", "min", "max", "± (sd)", "Karp–Flatt",
               "note"]
    rows = []
    if result.baseline is not None:
        b = result.baseline
        rows.append(["serial", f"{b.median:.3f} s", "1.00×", "", "", _sd(b), "",
                     "baseline, unstable" if result.baseline_instability else "baseline"])
    for p in result.points:
        notes = [n for n, on in (("oversubscribed", p.oversubscribed),
                                 ("unstable", p.unstable)) if on]
        s = p.speedups
        kf = p.karp_flatt
        rows.append([str(p.workers), f"{p.walls.median:.3f} s", _times(p.speedup),
                     _times(s.min if s else None), _times(s.max if s else None), _sd(s),
                     "—" if kf is None else f"{kf:.3f}", ", ".join(notes)])
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(headers)]

    def line(cells):
        out = [c.ljust(w) if i in (0, len(cells) - 1) else c.rjust(w)
               for i, (c, w) in enumerate(zip(cells, widths))]
        return "  ".join(out).rstrip()

    return "\n".join([line(headers), line(["─" * w for w in widths]), *map(line, rows)])


def format_fits(result: SweepResult) -> list[str]:
    if result.fit_error:
        return [result.fit_error]
    lines = []
    a, u = result.amdahl, result.usl
    if a is None:
        lines.append(f"Amdahl: no fit (it needs a point at 2 to {result.cores} workers)")
    else:
        ci = ("no interval from one point" if a.ci is None else
              f"95 % CI {100 * a.ci[0]:.1f}–{100 * a.ci[1]:.1f} %")
        lines.append(f"Amdahl (points within {result.cores} cores): serial fraction "
                     f"{100 * a.serial_fraction:.1f} % ({ci})")
    if u is None:
        lines.append("USL: no fit (it needs two worker counts above 1)")
    else:
        peak = u.peak_workers
        where = (", no peak (κ = 0)" if peak is None else
                 f", peak near {peak:.1f} workers" if peak >= 1 else ", no gain from 1 worker on")
        lines.append(f"USL (every point): σ = {u.sigma:.3f}, κ = {u.kappa:.4f}{where}")
    return lines


def _write(path: str, text: str) -> bool:
    try:
        atomic_write_text(path, text)
    except OSError as exc:
        _err(f"cannot write {path}: {exc.strerror or exc}")
        return False
    return True


def sweep_command(args) -> int:
    try:
        pairs, source = load_pairs(args)
    except InputError as exc:
        for line in exc.lines:
            _err(line)
        return EXIT_BAD_INPUT
    if len(args.mode) != 1:
        _err(f"a sweep takes one mode, got {', '.join(args.mode)}")
        return EXIT_BAD_INPUT
    # the schema's settings, with workers left to the sweep
    settings = settings_from_args(argparse.Namespace(**dict(vars(args), workers=None)))[0]
    observer = SweepProgressLine() if not args.quiet and sys.stderr.isatty() else None
    try:
        sweep = Sweep(pairs, settings, args.workers, observer, order_seed=args.order_seed)
    except RunSetupError as exc:
        for problem in exc.problems:
            _err(problem)
        return EXIT_BAD_INPUT

    code = EXIT_OK
    try:
        result = sweep.execute()
    except KeyboardInterrupt:
        if observer is not None:
            observer.sweep_finished(sweep.result())
        _err("interrupted; the points measured so far follow")
        result, code = sweep.result(), EXIT_INTERRUPTED
    if result.status == "failed":
        _err(f"sweep failed: {result.error}")
        code = EXIT_RUN_FAILED

    if args.json != "-":
        print(f"{source}: {len(pairs):,} pairs, kernel {settings.spec.kernel}, "
              f"{result.mode} against serial, {settings.repeats} round(s), "
              f"{result.cores} usable cores")
        print(format_sweep(result))
        for line in format_fits(result):
            print(line)
        print(result.finding())
    if args.json is not None:
        text = json.dumps(result.to_json(), indent=2) + "\n"
        if args.json == "-":
            sys.stdout.write(text)
        elif not _write(args.json, text):
            code = code or EXIT_RUN_FAILED
    if args.pyperf is not None and result.measurements:
        from gcdapp.core.pairs import pairs_fingerprint
        from gcdapp.core.pyperf_io import PyperfError, pyperf_text, sweep_groups

        try:
            text = pyperf_text(sweep_groups(result, pairs_fingerprint(pairs)))
        except PyperfError as exc:
            _err(str(exc))
            return code or EXIT_RUN_FAILED
        if not _write(args.pyperf, text):
            code = code or EXIT_RUN_FAILED
    return code
