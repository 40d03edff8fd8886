"""Find the Python interpreters on this machine, and probe each once.

Where from: the running interpreter; ``python3.X`` and ``python3.Xt`` on
PATH; pyenv's versions; uv-managed Pythons; paths the user added. The same
interpreter found twice (a ``python3`` link beside ``python3.13``) is listed
once with every source; a virtual environment's python is its own entry even
though it links to its base interpreter, because it sees other packages.
pyenv's shims are skipped: they only re-dispatch to pyenv's versions.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from gcdapp.core.pythons.cache import ProbeCache
from gcdapp.core.pythons.label import label
from gcdapp.core.pythons.probe import ProbeResult, probe
from gcdapp.core.pythons.user_paths import load_user_paths

TOOL_TIMEOUT_S = 5.0
PROBE_THREADS = 4
_PATH_NAME = re.compile(r"^python3\.\d+t?(\.exe)?$")


@dataclass(frozen=True)
class Candidate:
    path: str
    sources: tuple[str, ...]  # "running", "PATH", "pyenv", "uv", "user"


@dataclass(frozen=True)
class Interpreter:
    path: str
    sources: tuple[str, ...]
    probe: ProbeResult

    @property
    def label(self) -> str:
        return label(self.probe)

    @property
    def usable(self) -> bool:
        return self.probe.usable

    @property
    def is_running(self) -> bool:
        return "running" in self.sources

    def to_json(self) -> dict:
        data = {"path": self.path, "sources": list(self.sources), "label": self.label,
                "usable": self.usable, "unusable_reason": self.probe.unusable_reason}
        data.update({k: v for k, v in self.probe.to_json().items() if k != "path"})
        return data


def _tool_output(args: list[str]) -> str | None:
    """First line a helper tool (pyenv, uv) prints, or None if it fails."""
    if shutil.which(args[0]) is None:
        return None
    try:
        proc = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=TOOL_TIMEOUT_S)
    except (OSError, subprocess.SubprocessError):
        return None
    out = proc.stdout.strip().splitlines()
    return out[0].strip() if proc.returncode == 0 and out else None


def pyenv_root() -> Path:
    found = _tool_output(["pyenv", "root"])
    if found:
        return Path(found)
    return Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")


def uv_python_dir() -> Path:
    found = _tool_output(["uv", "python", "dir"])
    if found:
        return Path(found)
    if os.environ.get("UV_PYTHON_INSTALL_DIR"):
        return Path(os.environ["UV_PYTHON_INSTALL_DIR"])
    return Path(platformdirs.user_data_dir("uv", appauthor=False)) / "python"


def _is_executable_file(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def _installation_pythons(root: Path) -> list[str]:
    """``<root>/*/bin/python3`` (or ``python.exe`` on Windows), sorted."""
    if not root.is_dir():
        return []
    out = []
    for version in sorted(root.iterdir()):
        for rel in ("bin/python3", "bin/python", "python.exe"):
            exe = version / rel
            if _is_executable_file(exe):
                out.append(str(exe))
                break
    return out


def _is_pyenv_shims(directory: str) -> bool:
    """A pyenv shims folder (``<root>/shims`` beside ``<root>/versions``), whatever the root."""
    return os.path.basename(os.path.normpath(directory)) == "shims" and os.path.isdir(
        os.path.join(directory, os.pardir, "versions"))


def path_pythons(path_var: str | None = None, skip: tuple[Path, ...] = ()) -> list[str]:
    """``python3.X`` and ``python3.Xt`` in the PATH directories, in PATH order."""
    skipped = {os.path.realpath(p) for p in skip}
    out = []
    for directory in (path_var if path_var is not None else os.environ.get("PATH", "")).split(os.pathsep):
        if not directory or os.path.realpath(directory) in skipped or _is_pyenv_shims(directory):
            continue
        try:
            names = sorted(os.listdir(directory))
        except OSError:
            continue
        for name in names:
            exe = Path(directory, name)
            if _PATH_NAME.match(name) and _is_executable_file(exe):
                out.append(str(exe))
    return out


def _identity(path: str) -> tuple[str, str]:
    """Two paths are one interpreter if they reach the same file from the same
    directory: the directory decides which pyvenv.cfg (if any) applies."""
    full = os.path.abspath(path)
    return os.path.realpath(full), os.path.realpath(os.path.dirname(full))


def find_candidates(extra_paths: list[str] | None = None, *,
                    include_user_settings: bool = True) -> list[Candidate]:
    """Every interpreter file found, deduplicated, without probing."""
    found: list[tuple[str, str]] = []
    if not getattr(sys, "frozen", False) and sys.executable:
        found.append((sys.executable, "running"))
    root = pyenv_root()
    found += [(p, "PATH") for p in path_pythons(skip=(root / "shims",))]
    found += [(p, "pyenv") for p in _installation_pythons(root / "versions")]
    found += [(p, "uv") for p in _installation_pythons(uv_python_dir())]
    user = list(load_user_paths()) if include_user_settings else []
    user += list(extra_paths or [])
    found += [(os.path.abspath(os.path.expanduser(p)), "user") for p in user]

    order: list[tuple[str, str]] = []
    merged: dict[tuple[str, str], tuple[str, list[str]]] = {}
    for path, source in found:
        ident = _identity(path)
        if ident not in merged:
            merged[ident] = (os.path.abspath(path), [])
            order.append(ident)
        sources = merged[ident][1]
        if source not in sources:
            sources.append(source)
    return [Candidate(merged[i][0], tuple(merged[i][1])) for i in order]


def probe_all(paths: list[str], *, cache: ProbeCache | None = None,
              refresh: bool = False) -> dict[str, ProbeResult]:
    """Probe each path (in parallel, each in its own subprocesses), reusing
    valid cached results unless ``refresh``; the cache is saved after."""
    cache = cache if cache is not None else ProbeCache()
    results: dict[str, ProbeResult] = {}
    todo = []
    for path in paths:
        hit = None if refresh else cache.get(path)
        if hit is not None:
            results[path] = hit
        else:
            todo.append(path)
    if todo:
        with cf.ThreadPoolExecutor(max_workers=min(PROBE_THREADS, len(todo))) as pool:
            for path, result in zip(todo, pool.map(probe, todo)):
                results[path] = result
                cache.put(result)
        cache.save()
    return results


def _sort_key(item: Interpreter):
    info = item.probe.version_info or (0, 0, 0)
    return (not item.is_running, not item.usable, tuple(-v for v in info), item.path)


def find_pythons(extra_paths: list[str] | None = None, *, include_user_settings: bool = True,
                 cache: ProbeCache | None = None, refresh: bool = False) -> list[Interpreter]:
    """Every interpreter found, probed: the running one first, then usable
    ones newest first, then the unusable ones with their reasons."""
    candidates = find_candidates(extra_paths, include_user_settings=include_user_settings)
    results = probe_all([c.path for c in candidates], cache=cache, refresh=refresh)
    found = [Interpreter(c.path, c.sources, results[c.path]) for c in candidates]
    return sorted(found, key=_sort_key)


class NoSuchPython(LookupError):
    pass


def select(interpreters: list[Interpreter], spec: str) -> Interpreter:
    """The interpreter a user means by ``spec``: a path, or a version such as
    "3.13", "3.13.0" or "3.13t" (free-threaded). Among several matches the
    first in :func:`find_pythons` order that is not a virtual environment wins.
    NoSuchPython says what was found instead."""
    if os.sep in spec or (os.altsep and os.altsep in spec) or os.path.exists(spec):
        ident = _identity(os.path.expanduser(spec))
        for item in interpreters:
            if _identity(item.path) == ident:
                return item
        raise NoSuchPython(f"{spec} is not among the interpreters found "
                           "(add it with gcdapp-cli pythons --add PATH)")
    match = re.fullmatch(r"(\d+)\.(\d+)(?:\.(\d+))?(t?)", spec.strip())
    if match is None:
        raise NoSuchPython(f"{spec!r} is neither a path nor a version such as 3.13 or 3.13t")
    wanted = tuple(int(g) for g in match.groups()[:3] if g is not None)
    free_threaded = bool(match.group(4))
    hits = [i for i in interpreters
            if i.probe.ok and i.probe.version_info is not None
            and tuple(i.probe.version_info[: len(wanted)]) == wanted
            and i.probe.free_threaded_build == free_threaded]
    if not hits:
        ok = sorted((i for i in interpreters if i.probe.ok), key=lambda i: i.probe.version_info)
        have = ", ".join(dict.fromkeys(i.label for i in ok)) or "none"
        raise NoSuchPython(f"no Python {spec} found (found: {have})")
    hits.sort(key=lambda i: i.probe.is_venv)
    return hits[0]
