"""``gcdapp-cli``: argument parsing and dispatch to the sub-commands."""

from __future__ import annotations

import argparse
import multiprocessing
import sys

from gcdapp import __version__
from gcdapp.cli.settings_flags import add_setting_flags
from gcdapp.core.presets import PRESETS
from gcdapp.core.run_settings import MAX_WORKERS

EXIT_OK = 0
EXIT_RUN_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be ≥ 1, got {value}")
    return value


def _worker_list(text: str) -> list[int]:
    """``1,2,3,4`` or ``1-4`` (or both: ``1-3,6``), each a whole number ≥ 1."""
    counts: list[int] = []
    for item in (t.strip() for t in text.split(",")):
        if not item:
            continue
        low, dash, high = item.partition("-")
        try:
            first = _positive(low)
            last = _positive(high) if dash else first
        except argparse.ArgumentTypeError as exc:
            raise argparse.ArgumentTypeError(f"worker count {item!r}: {exc}") from None
        if last > MAX_WORKERS:
            raise argparse.ArgumentTypeError(
                f"worker count {item!r}: at most {MAX_WORKERS} workers")
        span = list(range(first, last + 1))
        if not span:
            raise argparse.ArgumentTypeError(f"worker range {item!r} is empty")
        counts += span
    if not counts:
        raise argparse.ArgumentTypeError(f"no worker counts in {text!r}")
    return sorted(set(counts))


def _list_of(what: str):
    """A parser of ``1,10,100``: whole numbers ≥ 1, in the order given."""
    def parse(text: str) -> list[int]:
        values = []
        for item in (t.strip() for t in text.split(",")):
            if not item:
                continue
            try:
                values.append(_positive(item))
            except argparse.ArgumentTypeError as exc:
                raise argparse.ArgumentTypeError(f"{what} {item!r}: {exc}") from None
        if not values:
            raise argparse.ArgumentTypeError(f"no {what}s in {text!r}")
        return list(dict.fromkeys(values))
    return parse


def _names(text: str) -> list[str]:
    names = list(dict.fromkeys(t.strip() for t in text.split(",") if t.strip()))
    if not names:
        raise argparse.ArgumentTypeError(f"no names in {text!r}")
    return names


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gcdapp-cli",
        description="Run gcd over integer pairs serially, on threads or on processes, and time it.",
    )
    parser.add_argument("--version", action="version", version=f"gcdapp {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser(
        "run",
        help="run a workload and report timings",
        description="Run gcd over pairs in one or more modes and report wall times.",
    )
    source = run.add_mutually_exclusive_group()
    source.add_argument(
        "input", nargs="?", metavar="INPUT",
        help="a pair list (lines, CSV, JSON or a Python list); '-' reads standard input",
    )
    source.add_argument("--preset", choices=sorted(PRESETS), help="a built-in pair list")
    source.add_argument("--generate", type=_positive, metavar="N", help="N random pairs")
    run.add_argument("--digits", type=_positive, default=7, metavar="D",
                     help="digits per generated integer (default 7)")
    run.add_argument("--seed", type=int, default=0, metavar="S",
                     help="random seed for --generate (default 0)")
    add_setting_flags(run)
    run.add_argument("--json", metavar="PATH|-", default=None,
                     help="also write the measurements as JSON to PATH, or '-' for standard output")
    run.add_argument("--quiet", "-q", action="store_true", help="no progress on standard error")

    sweep = commands.add_parser(
        "sweep",
        help="speedup against workers, with Amdahl and USL fits",
        description=(
            "Run one mode at several worker counts and a serial baseline, in shuffled, "
            "interleaved rounds (--repeat rounds), and report each point's median speedup "
            "with its spread, the Karp-Flatt serial fraction, and Amdahl and USL fits."
        ),
    )
    sweep_source = sweep.add_mutually_exclusive_group()
    sweep_source.add_argument(
        "input", nargs="?", metavar="INPUT",
        help="a pair list (lines, CSV, JSON or a Python list); '-' reads standard input",
    )
    sweep_source.add_argument("--preset", choices=sorted(PRESETS), help="a built-in pair list")
    sweep_source.add_argument("--generate", type=_positive, metavar="N", help="N random pairs")
    sweep.add_argument("--digits", type=_positive, default=7, metavar="D",
                       help="digits per generated integer (default 7)")
    sweep.add_argument("--seed", type=int, default=0, metavar="S",
                       help="random seed for --generate (default 0)")
    # The schema's --workers takes one count; a sweep's takes a list, so it
    # is this command's own flag.
    add_setting_flags(sweep, skip=("workers",))
    sweep.add_argument("--workers", type=_worker_list, default=None, metavar="N,N,...",
                       help="worker counts to sweep, e.g. 1,2,3,4 or 1-4 "
                            "(default 1 to twice the usable cores)")
    sweep.add_argument("--order-seed", type=int, default=None, metavar="S",
                       help="seed of the shuffled order of each round (default: random; "
                            "the JSON records the one used)")
    sweep.add_argument("--json", metavar="PATH|-", default=None,
                       help="also write the sweep as JSON to PATH, or '-' for standard output")
    sweep.add_argument("--pyperf", metavar="PATH", default=None,
                       help="also write every measured run as pyperf JSON (one benchmark "
                            "per point and one for the serial baseline)")
    sweep.add_argument("--quiet", "-q", action="store_true", help="no progress on standard error")

    leverage = commands.add_parser(
        "leverage",
        help="a map of where a parallel mode pays, over digits, chunk size and kernel",
        description=(
            "For each cell of a grid (digits per integer x pairs per task x kernel), run "
            "generated pairs serially and in --mode, interleaved for --repeat rounds, and "
            "report the median speedup (pool start-up left out) with the compute and "
            "transfer per task."
        ),
    )
    leverage.add_argument("--digits", type=_list_of("digit count"), default=None,
                          metavar="D,D,...", help="digits per integer (default 3,7,20)")
    leverage.add_argument("--chunksize", type=_list_of("chunk size"), default=None,
                          metavar="C,C,...", help="pairs per task (default 1,10,100,1000)")
    leverage.add_argument("--kernel", type=_names, default=None, metavar="K,K,...",
                          help="kernels (default bruteforce,builtin)")
    leverage.add_argument("--mode", default="processes", metavar="M",
                          help="the mode to map against serial (default processes)")
    leverage.add_argument("--workers", type=_positive, default=None, metavar="N",
                          help="workers of the mode (default: the usable cores)")
    leverage.add_argument("--repeat", type=_positive, default=None, metavar="R",
                          help="interleaved rounds per cell (default 3)")
    leverage.add_argument("--seed", type=int, default=0, metavar="S",
                          help="random seed of the generated pairs (default 0)")
    leverage.add_argument("--json", metavar="PATH|-", default=None,
                          help="also write the map as JSON to PATH, or '-' for standard output")
    leverage.add_argument("--quiet", "-q", action="store_true",
                          help="no progress on standard error")

    desktop = commands.add_parser(
        "install-desktop",
        help="add gcdapp to the desktop's application menu",
        description=(
            "Write a desktop entry and icons into $XDG_DATA_HOME (default ~/.local/share) "
            "so that gcdapp appears in the application menu and opens with a click."
        ),
    )
    desktop.add_argument("--uninstall", action="store_true",
                         help="remove the desktop entry and icons instead")

    from gcdapp.cli.pythons import add_pythons_arguments

    add_pythons_arguments(commands.add_parser(
        "pythons",
        help="list the Python interpreters found on this machine",
        description=(
            "Find the Python interpreters on this machine (this one, python3.X on PATH, "
            "pyenv, uv, paths added with --add), probe each in a subprocess, and list "
            "what each can run."
        ),
    ))
    return parser


def main(argv: list[str] | None = None) -> int:
    multiprocessing.freeze_support()
    args = build_parser().parse_args(argv)
    if args.command == "run":
        from gcdapp.cli.run import run_command

        return run_command(args)
    if args.command == "sweep":
        from gcdapp.cli.sweep import sweep_command

        return sweep_command(args)
    if args.command == "leverage":
        from gcdapp.cli.leverage import leverage_command

        return leverage_command(args)
    if args.command == "install-desktop":
        from gcdapp.cli.desktop import desktop_command

        return desktop_command(args)
    if args.command == "pythons":
        from gcdapp.cli.pythons import pythons_command

        return pythons_command(args)
    return EXIT_BAD_INPUT  # pragma: no cover - argparse requires a command


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
