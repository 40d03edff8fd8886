"""Build the frozen app: one folder with the ``gcdapp`` window and the
``gcdapp-cli`` command line, sharing one ``_internal/``.

    python -m pip install ".[test]"        # brings PyInstaller
    python resources/pyinstaller/build.py  # → dist/gcdapp/

Options: ``--dist DIR`` (default ``dist/``), ``--work DIR`` (default
``build/pyinstaller``), ``--clean`` (drop PyInstaller's caches first). Run it
with the Python whose packages should be frozen. The result runs on machines
with the same or a newer glibc than the one that built it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SPEC = HERE / "gcdapp.spec"
APP = "gcdapp"
EXECUTABLES = ("gcdapp", "gcdapp-cli")


def build(dist: Path, work: Path, *, clean: bool = False, log_level: str = "WARN") -> Path:
    """Run PyInstaller on the spec; returns the app folder (``dist/gcdapp``)."""
    cmd = [
        sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", log_level,
        "--distpath", str(dist), "--workpath", str(work), str(SPEC),
    ]
    if clean:
        cmd.insert(3, "--clean")
    subprocess.run(cmd, check=True, cwd=ROOT)
    app = dist / APP
    missing = [name for name in EXECUTABLES if not os.access(app / name, os.X_OK)]
    if missing:
        raise RuntimeError(f"the build made no {', '.join(missing)} in {app}")
    return app


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder (default dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller",
                        help="PyInstaller's work folder (default build/pyinstaller)")
    parser.add_argument("--clean", action="store_true", help="drop PyInstaller's caches first")
    args = parser.parse_args(argv)

    started = time.monotonic()
    try:
        app = build(args.dist.resolve(), args.work.resolve(), clean=args.clean)
    except subprocess.CalledProcessError as exc:
        print(f"build.py: PyInstaller failed (exit code {exc.returncode})", file=sys.stderr)
        return 1
    elapsed = time.monotonic() - started
    print(f"built {app} in {elapsed:.0f} s, {folder_size(app) / 2**20:.0f} MiB")
    for name in EXECUTABLES:
        print(f"  {app / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
