"""``gcdapp-cli install-desktop``: put gcdapp in the desktop's application menu.

Writes a freedesktop desktop entry, ``gcdapp.desktop``, into
``$XDG_DATA_HOME/applications`` and the icons into
``$XDG_DATA_HOME/icons/hicolor/<size>/apps/gcdapp.png`` (``$XDG_DATA_HOME``
defaults to ``~/.local/share``). Exec and Icon are absolute paths: Exec is the
``gcdapp`` GUI script beside the running Python (or the frozen app's ``gcdapp``
beside ``gcdapp-cli``), else ``<python> -m gcdapp``. ``--uninstall`` removes
those files again.

The file is named after the desktop file name the app sets
(``QGuiApplication.setDesktopFileName("gcdapp")``), and ``StartupWMClass`` is
the application name Qt puts in WM_CLASS, so the window manager ties the
running window to this entry.

No Qt: only the standard library, gcdapp.core and gcdapp.resources (itself
standard library only).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from gcdapp.core.atomic import atomic_write_bytes
from gcdapp.resources import ICON_SIZES, desktop_template, icon_png, icon_svg

APP_ID = "gcdapp"
ENTRY_NAME = f"{APP_ID}.desktop"
#: The icon the entry names, by absolute path.
ENTRY_ICON_SIZE = 256

# Characters that make an Exec argument need quotes (Desktop Entry spec, "The Exec key").
_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")
# Characters escaped with a backslash inside a quoted Exec argument.
_ESCAPED_IN_QUOTES = set('"`$\\')


class DesktopError(Exception):
    """A problem the user can fix; the message says what."""


# --- paths -------------------------------------------------------------------


def data_home(environ: Mapping[str, str] = os.environ) -> Path:
    """``$XDG_DATA_HOME``, or ``~/.local/share`` when it is unset, empty or
    relative (the XDG Base Directory spec says to ignore a relative one)."""
    value = environ.get("XDG_DATA_HOME", "")
    if value and os.path.isabs(value):
        return Path(value)
    home = environ.get("HOME") or os.path.expanduser("~")
    return Path(home) / ".local" / "share"


def entry_path(home: Path) -> Path:
    return home / "applications" / ENTRY_NAME


def icon_paths(home: Path) -> dict[Path, Path]:
    """Where each icon is installed → the packaged file it is copied from."""
    hicolor = home / "icons" / "hicolor"
    paths = {hicolor / f"{s}x{s}" / "apps" / f"{APP_ID}.png": icon_png(s) for s in ICON_SIZES}
    paths[hicolor / "scalable" / "apps" / f"{APP_ID}.svg"] = icon_svg()
    return paths


def installed_icon(home: Path) -> Path:
    """The icon the entry's ``Icon=`` names."""
    size = ENTRY_ICON_SIZE
    return home / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"


def gui_command() -> list[str]:
    """The command line that opens gcdapp's window, with absolute paths.

    Frozen: the ``gcdapp`` executable beside this ``gcdapp-cli``. Installed:
    the ``gcdapp`` GUI script beside the running Python (a virtual
    environment's ``bin/``). Otherwise ``<python> -m gcdapp``. The interpreter
    path is kept as it is, not resolved: resolving a virtual environment's
    ``python`` symlink would leave the environment.
    """
    here = Path(os.path.abspath(sys.executable)).parent
    script = here / APP_ID
    if getattr(sys, "frozen", False):
        if not _is_executable(script):
            raise DesktopError(f"the frozen app has no {APP_ID} executable beside {sys.executable}")
        return [str(script)]
    if _is_executable(script):
        return [str(script)]
    return [os.path.abspath(sys.executable), "-m", APP_ID]


def _is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


# --- desktop entry syntax ----------------------------------------------------


def quote_exec_arg(arg: str) -> str:
    """One Exec argument, quoted when it holds a reserved character, with
    ``%`` doubled (field codes): the Desktop Entry spec's Exec quoting."""
    if not arg:
        return '""'
    if any(ch in _RESERVED for ch in arg):
        arg = '"' + "".join("\\" + ch if ch in _ESCAPED_IN_QUOTES else ch for ch in arg) + '"'
    return arg.replace("%", "%%")


def exec_line(command: list[str]) -> str:
    if "=" in command[0]:
        raise DesktopError(
            f"the program path {command[0]!r} contains '=', which a desktop entry's Exec "
            "cannot hold; install gcdapp in a folder without '=' in its path"
        )
    return " ".join(quote_exec_arg(arg) for arg in command)


def escape_value(value: str) -> str:
    """A string value's escapes (``\\\\``, ``\\n``, ``\\t``, ``\\r``); applied to
    Exec after quoting, so a quoted backslash becomes four."""
    return (
        value.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")
    )


def render_entry(command: list[str], icon: Path) -> str:
    """The desktop entry text for ``command`` and the absolute ``icon``."""
    text = desktop_template().read_text(encoding="utf-8")
    values = {
        "@EXEC@": escape_value(exec_line(command)),
        "@TRYEXEC@": escape_value(command[0]),
        "@ICON@": escape_value(str(icon)),
    }
    for placeholder, value in values.items():
        if placeholder not in text:
            raise DesktopError(f"{desktop_template()} lacks the {placeholder} placeholder")
        text = text.replace(placeholder, value)
    return text


# --- install / uninstall -----------------------------------------------------


def _write(path: Path, data: bytes) -> None:
    """Write atomically, so a menu never reads half an entry or icon."""
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, data)
    os.chmod(path, 0o644)  # the usual mode for these files (the temp file is 0600)


def install(home: Path, report: Callable[[str], None] = print) -> list[Path]:
    """Install the icons and the entry under ``home``; returns the files written."""
    written = []
    for target, source in icon_paths(home).items():
        _write(target, source.read_bytes())
        report(f"installed icon     {target}")
        written.append(target)
    command = gui_command()
    entry = entry_path(home)
    _write(entry, render_entry(command, installed_icon(home)).encode("utf-8"))
    written.append(entry)
    report(f"installed entry    {entry}")
    report(f"  Exec={exec_line(command)}")
    report(f"  Icon={installed_icon(home)}")
    if "-m" in command and not _installed():
        report(
            "warning: gcdapp is not installed in this Python, so the entry works only if "
            "gcdapp is importable from your home folder; 'python -m pip install .' fixes that"
        )
    return written


def _installed() -> bool:
    from importlib import metadata

    try:
        metadata.distribution(APP_ID)
    except metadata.PackageNotFoundError:
        return False
    return True


def uninstall(home: Path, report: Callable[[str], None] = print) -> list[Path]:
    """Remove the entry and icons :func:`install` wrote; returns the files removed."""
    removed = []
    for path in [entry_path(home), *icon_paths(home)]:
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        removed.append(path)
        report(f"removed {path}")
        if path.suffix != ".desktop":
            _prune_empty(path.parent, stop=home / "icons")
    if not removed:
        report(f"nothing to remove: no gcdapp entry or icons under {home}")
    return removed


def _prune_empty(directory: Path, stop: Path) -> None:
    """Remove ``directory`` and its parents up to ``stop`` while they are empty."""
    while directory != stop and stop in directory.parents:
        try:
            directory.rmdir()
        except OSError:  # not empty, or already gone
            return
        directory = directory.parent


def desktop_command(args) -> int:
    """Run ``install-desktop``; returns the exit code."""
    if sys.platform in ("win32", "darwin"):
        print(
            "gcdapp-cli install-desktop: desktop entries are a freedesktop (Linux, BSD) "
            "feature; nothing to do here",
            file=sys.stderr,
        )
        return 2
    home = data_home()
    try:
        if args.uninstall:
            uninstall(home)
        else:
            install(home)
            print("gcdapp is now in the application menu; "
                  "'gcdapp-cli install-desktop --uninstall' removes it")
    except (OSError, DesktopError) as exc:
        print(f"gcdapp-cli install-desktop: error: {exc}", file=sys.stderr)
        return 1
    return 0
