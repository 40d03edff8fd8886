"""``gcdapp-cli``: argument parsing and dispatch to the sub-commands."""

from __future__ import annotations

import argparse
import multiprocessing
import sys

from gcdapp import __version__
from gcdapp.cli.settings_flags import add_setting_flags
from gcdapp.core.presets import PRESETS

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
    if args.command == "install-desktop":
        from gcdapp.cli.desktop import desktop_command

        return desktop_command(args)
    if args.command == "pythons":
        from gcdapp.cli.pythons import pythons_command

        return pythons_command(args)
    return EXIT_BAD_INPUT  # pragma: no cover - argparse requires a command


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
