"""``gcdapp-cli pythons``: the interpreters discovery found, probed; adding
and removing interpreters by path; installing the subinterpreter backport."""

from __future__ import annotations

import json
import sys

from gcdapp.core.pythons import backport
from gcdapp.core.pythons.discovery import Interpreter, NoSuchPython, find_pythons, select
from gcdapp.core.pythons.probe import SUBINTERPRETERS_MIN_VERSION, Subinterpreters
from gcdapp.core.pythons.user_paths import UserPathsError, add_user_path, remove_user_path

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2

COLUMNS = ("path", "version", "label", "free-threaded", "GIL", "subinterpreters", "numba")


def add_pythons_arguments(parser) -> None:
    parser.add_argument("--json", action="store_true",
                        help="print a JSON list of the interpreters and their probe fields")
    parser.add_argument("--refresh", action="store_true",
                        help="probe every interpreter again instead of using the cache")
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--add", metavar="PATH",
                        help="remember this interpreter file (kept in the user config)")
    action.add_argument("--remove", metavar="PATH", help="forget an interpreter added with --add")
    action.add_argument("--install-backport", metavar="VERSION|PATH",
                        help=f"install the {backport.PACKAGE} subinterpreter backport for that "
                             "interpreter, with its own pip, into gcdapp's cache directory")


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def short_subinterpreters(sub: Subinterpreters, version_info) -> str:
    if sub.usable:
        return f"usable ({sub.source})"
    if sub.missing:
        return "backport missing"
    reason = sub.reason or ""
    for start in ("crashed when tried", "hung when tried", "failed when tried", "not tried"):
        if reason.startswith(start):
            return start
    if version_info is not None and tuple(version_info[:2]) < SUBINTERPRETERS_MIN_VERSION:
        return "needs 3.12+"
    return "unusable"


def row(item: Interpreter) -> tuple[str, ...]:
    p = item.probe
    path = item.path + (" (running)" if item.is_running else "")
    if not p.ok:
        return (path, "?", item.label, "?", "?", "not tried", "?")
    return (path, p.version or "?", item.label, _yes_no(p.free_threaded_build),
            "on" if p.gil_enabled else "off",
            short_subinterpreters(p.subinterpreters, p.version_info), _yes_no(p.numba))


def notes(item: Interpreter) -> list[str]:
    out = []
    if item.probe.unusable_reason:
        out.append(f"unusable: {item.probe.unusable_reason}")
    elif short_subinterpreters(item.probe.subinterpreters, item.probe.version_info) not in (
            "needs 3.12+", "usable (stdlib)", "usable (backport)"):
        out.append(f"subinterpreters: unusable ({item.probe.subinterpreters.reason})")
    return out


def table(found: list[Interpreter]) -> str:
    rows = [COLUMNS] + [row(i) for i in found]
    widths = [max(len(r[c]) for r in rows) for c in range(len(COLUMNS))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("─" * w for w in widths))
    noted = [(i.path, n) for i in found for n in notes(i)]
    if noted:
        lines.append("")
        lines += [f"{path}: {note}" for path, note in noted]
    return "\n".join(lines)


def _install(spec: str, refresh: bool) -> int:
    found = find_pythons(refresh=refresh)
    try:
        item = select(found, spec)
    except NoSuchPython as exc:
        print(f"gcdapp-cli pythons: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    p = item.probe
    if not p.ok or p.version_info is None:
        print(f"gcdapp-cli pythons: {item.path}: {p.unusable_reason}", file=sys.stderr)
        return EXIT_FAILED
    try:
        backport.packages_needed(p.version_info)
    except ValueError as exc:
        print(f"gcdapp-cli pythons: {item.path} ({item.label}): {exc}", file=sys.stderr)
        return EXIT_FAILED
    if p.subinterpreters.usable and p.subinterpreters.source == "stdlib":
        print(f"{item.path} ({item.label}): not needed, InterpreterPoolExecutor is in its "
              "standard library")
        return EXIT_OK
    print(f"{item.path} ({item.label}): installing the backport with its own pip …",
          file=sys.stderr)
    outcome = backport.install(item.path, p.version_info, p.ext_suffix, has_pip=p.pip)
    if not outcome.ok:
        print(f"gcdapp-cli pythons: {item.path}: {outcome.message}", file=sys.stderr)
        return EXIT_FAILED
    print(outcome.message)
    again = select(find_pythons(), item.path).probe.subinterpreters
    if again.usable:
        print(f"{item.path} ({item.label}): subinterpreters usable ({again.source})")
        return EXIT_OK
    print(f"gcdapp-cli pythons: {item.path} ({item.label}): the backport is installed, but "
          f"subinterpreters are unusable there: {again.reason}", file=sys.stderr)
    return EXIT_FAILED


def pythons_command(args) -> int:
    if args.add:
        try:
            added = add_user_path(args.add)
        except UserPathsError as exc:
            print(f"gcdapp-cli pythons: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
        print(f"added {added}")
    elif args.remove:
        if not remove_user_path(args.remove):
            print(f"gcdapp-cli pythons: {args.remove} was not added with --add", file=sys.stderr)
            return EXIT_BAD_INPUT
        print(f"removed {args.remove}")
        return EXIT_OK
    elif args.install_backport:
        return _install(args.install_backport, args.refresh)
    found = find_pythons(refresh=args.refresh)
    if args.json:
        json.dump([i.to_json() for i in found], sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(table(found))
    return EXIT_OK
