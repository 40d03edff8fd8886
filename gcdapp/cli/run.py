"""``gcdapp-cli run``: load pairs, run each mode, report."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field

import numpy as np

from gcdapp.cli.main import EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_OK, EXIT_RUN_FAILED
from gcdapp.cli.report import (
    format_cluster, format_findings, format_table, format_warnings, mode_record,
)
from gcdapp.cli.settings_flags import plan_from_args
from gcdapp.core.atomic import atomic_write_text
from gcdapp.core.engine import Run, backend_for, check_run
from gcdapp.core.events import NullObserver, RunResult, RunSpec, TaskBatch
from gcdapp.core.findings import bound_speedup, comparison_findings, run_findings
from gcdapp.core.generate import generate_pairs
from gcdapp.core.history import RunHistory, RunRecord
from gcdapp.core.pairs import pairs_fingerprint
from gcdapp.core.parsing import ParseResult, parse_file, parse_pairs
from gcdapp.core.presets import get_preset


class InputError(Exception):
    """Input that cannot be run; ``lines`` are the messages for standard error."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


def load_pairs(args) -> tuple[np.ndarray, str]:
    """The pairs named by the arguments, and a short description of where from."""
    if args.preset:
        return get_preset(args.preset).array(), f"preset {args.preset}"
    if args.generate:
        try:
            pairs = generate_pairs(args.generate, args.digits, args.seed)
        except ValueError as exc:
            raise InputError([str(exc)]) from None
        return pairs, f"{args.generate} random {args.digits}-digit pairs (seed {args.seed})"
    if args.input in (None, "-"):
        if args.input is None and sys.stdin.isatty():
            raise InputError(["no input: give a file, '-' for standard input, --preset or --generate"])
        parsed, name = parse_pairs(sys.stdin.read()), "standard input"
    else:
        try:
            parsed, name = parse_file(args.input), args.input
        except OSError as exc:
            raise InputError([f"{args.input}: cannot read: {exc.strerror or exc}"]) from None
    return _accept(parsed, name), name


def _accept(parsed: ParseResult, name: str) -> np.ndarray:
    if parsed.fatal:
        raise InputError([f"{name}: {parsed.fatal}"])
    if parsed.errors:
        lines = [f"{name}: {error}" for error in parsed.errors]
        if parsed.n_errors > len(parsed.errors):
            lines.append(f"{name}: … and {parsed.n_errors - len(parsed.errors)} more bad lines")
        lines.append(f"{name}: {parsed.n_errors} bad line(s); nothing was run")
        raise InputError(lines)
    if len(parsed.pairs) == 0:
        raise InputError([f"{name}: no pairs found"])
    return parsed.pairs


class Progress(NullObserver):
    """A one-line progress display on standard error (terminals only)."""

    def __init__(self, label: str, stream=sys.stderr):
        self.label = label
        self.stream = stream
        self.done = 0
        self.total = 0
        self.t0 = time.monotonic()
        self.last = 0.0

    def run_started(self, info):
        self.total = info.n_pairs
        self.t0 = time.monotonic()

    def tasks_completed(self, batch: TaskBatch):
        self.done += batch.n_pairs
        now = time.monotonic()
        if now - self.last >= 0.1:
            self.last = now
            pct = 100 * self.done / max(1, self.total)
            self.stream.write(
                f"\r{self.label}: {self.done:,}/{self.total:,} pairs ({pct:.0f}%) "
                f"{now - self.t0:.1f} s"
            )
            self.stream.flush()

    def run_finished(self, result):
        if self.last:
            self.stream.write("\r\033[K")
            self.stream.flush()


@dataclass
class ModeRuns:
    spec: RunSpec
    results: list[RunResult] = field(default_factory=list)


def _add_findings(records: list[dict], all_runs: list[ModeRuns], pairs) -> list:
    """Add ``bound_speedup`` and ``findings`` to each mode's JSON record, and
    return the findings to print under the table (the comparison's, when
    several modes ran).

    Each mode is represented by its run nearest the median wall time. Those
    go into the history last, so the serial one is the reference of the
    speedups and bounds; every repeat is in the history, so unstable
    repeats are named."""
    fingerprint = pairs_fingerprint(pairs)
    history = RunHistory()
    chosen = []
    for mode_runs, record in zip(all_runs, records):
        median = record["wall_s"]
        chosen.append(min(mode_runs.results, key=lambda r: abs(r.wall_s - median)))
    others, representatives = [], []
    for mode_runs, pick in zip(all_runs, chosen):
        for result in mode_runs.results:
            run = RunRecord(history.new_id(), f"{result.info.mode} run", fingerprint, result)
            (representatives if result is pick else others).append(run)
    for run in others + representatives:
        history.add(run)
    for record, run in zip(records, representatives):
        record["bound_speedup"] = bound_speedup(run, history)
        record["findings"] = [f.text for f in run_findings(run, history)]
    if len(representatives) > 1:
        return comparison_findings(history, history)
    return run_findings(representatives[0], history)


def run_command(args) -> int:
    try:
        pairs, source = load_pairs(args)
    except InputError as exc:
        for line in exc.lines:
            print(f"gcdapp-cli: {line}", file=sys.stderr)
        return EXIT_BAD_INPUT

    plan = plan_from_args(args)
    specs = list(dict.fromkeys(plan.runs))  # one per mode, in order
    problems = [f"{spec.mode}: {p}" for spec in specs for p in check_run(pairs, spec)]
    if problems:
        for problem in dict.fromkeys(problems):
            print(f"gcdapp-cli: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT

    for spec in specs:
        backend_for(spec).prepare(spec.start_method)
    show_progress = not args.quiet and sys.stderr.isatty()
    all_runs = {spec: ModeRuns(spec) for spec in specs}
    todo = [(spec, "warm-up") for spec in plan.warm_up]
    todo += [(spec, None) for spec in plan.runs]
    for spec, warm_up in todo:
        mode_runs = all_runs[spec]
        label = f"{spec.mode} {warm_up or f'{len(mode_runs.results) + 1}/{args.repeats}'}"
        run = Run(pairs, spec, Progress(label) if show_progress else None)
        try:
            result = run.execute()
        except KeyboardInterrupt:
            print("gcdapp-cli: interrupted; nothing was reported", file=sys.stderr)
            return EXIT_INTERRUPTED
        if result.status != "completed":
            what = f"{spec.mode} {warm_up} run" if warm_up else f"{spec.mode} run"
            print(f"gcdapp-cli: {what} failed: {result.error or result.status}", file=sys.stderr)
            return EXIT_RUN_FAILED
        if not warm_up:
            mode_runs.results.append(result)

    records = [mode_record(m.results) for m in all_runs.values()]
    serial = next((r for r in records if r["mode"] == "serial"), None)
    for record in records:
        record["speedup"] = (
            serial["wall_s"] / record["wall_s"] if serial and record["wall_s"] > 0 else None
        )
    findings = _add_findings(records, list(all_runs.values()), pairs)
    reference = records[0]["results"]
    disagree = [r["mode"] for r in records if r["results"] != reference]

    if args.json != "-":
        pythons = ", ".join(dict.fromkeys(r["python"]["label"] for r in records))
        print(f"{source}: {len(pairs):,} pairs, kernel {args.kernel}, Python {pythons}")
        print(format_table(records))
        for record in records:
            for line in format_cluster(record):
                print(line)
        for warning in format_warnings(records):
            print(warning)
        for line in format_findings(findings):
            print(line)
        if len(pairs) <= 20:
            print("results: " + ", ".join(map(str, reference)))
    if disagree:
        print(f"gcdapp-cli: results differ between modes: {', '.join(disagree)}", file=sys.stderr)
        return EXIT_RUN_FAILED
    if args.json is not None:
        payload = records[0] if len(records) == 1 else records
        text = json.dumps(payload, indent=None if len(pairs) > 1000 else 2) + "\n"
        if args.json == "-":
            sys.stdout.write(text)
        else:
            try:
                atomic_write_text(args.json, text)
            except OSError as exc:
                print(f"gcdapp-cli: cannot write {args.json}: {exc.strerror or exc}", file=sys.stderr)
                return EXIT_RUN_FAILED
    return EXIT_OK
