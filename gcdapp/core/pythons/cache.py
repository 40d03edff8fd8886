"""Probe results cached in the user cache directory, by path and mtime.

An entry is reused while the interpreter file (followed through links) has
the same mtime and size, the probe's code is the same, and the
subinterpreter backport for its ABI has not been installed or replaced since.
A probe that timed out is never cached: the machine may just have been busy.
A damaged cache file is ignored and rewritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path

import platformdirs

from gcdapp.core.atomic import atomic_write_text
from gcdapp.core.pythons import backport, probe, probe_script
from gcdapp.core.pythons.probe import PROBE_VERSION, ProbeResult

FORMAT = 1


def default_cache_path() -> Path:
    return Path(platformdirs.user_cache_dir("gcdapp", appauthor=False)) / "pythons.json"


def file_key(path: str) -> tuple[int, int] | None:
    """(mtime_ns, size) of the interpreter file, or None if it is gone."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def probe_fingerprint() -> str:
    """Changes whenever the probe's code does, so results from another
    version of gcdapp are probed again."""
    digest = hashlib.sha256()
    for module in (probe_script, probe, backport):
        try:
            digest.update(Path(module.__file__).read_bytes())
        except (OSError, TypeError):
            digest.update(module.__name__.encode())
    return digest.hexdigest()[:16]


def _backport_stamp(result: ProbeResult) -> int | None:
    if not result.ok:
        return None
    return backport.install_stamp(backport.backport_dir(result.ext_suffix))


class ProbeCache:
    """A dict of path -> (key, result), loaded from and saved to one JSON file."""

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path is not None else default_cache_path()
        self._entries: dict[str, dict] = {}
        self._lock = threading.Lock()
        self._fingerprint = probe_fingerprint()
        self._load()

    def _load(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return
        entries = data.get("entries")
        if isinstance(entries, dict):
            self._entries = {k: v for k, v in entries.items() if isinstance(v, dict)}

    def get(self, path: str) -> ProbeResult | None:
        """The cached result for ``path`` if it is still valid."""
        with self._lock:
            entry = self._entries.get(path)
        if entry is None:
            return None
        key = file_key(path)
        if key is None or entry.get("file") != list(key):
            return None
        if entry.get("probe") != self._fingerprint:
            return None
        try:
            result = ProbeResult.from_json(entry.get("result"))
        except ValueError:
            return None
        if result.probe_version != PROBE_VERSION or result.path != path:
            return None
        if entry.get("backport") != _backport_stamp(result):
            return None
        return result

    def put(self, result: ProbeResult) -> None:
        if result.error is not None and result.error.startswith("timed out"):
            return
        key = file_key(result.path)
        if key is None:
            return
        entry = {"file": list(key), "probe": self._fingerprint, "backport": _backport_stamp(result),
                 "result": result.to_json()}
        with self._lock:
            self._entries[result.path] = entry

    def forget(self, path: str) -> None:
        with self._lock:
            self._entries.pop(path, None)

    def save(self) -> None:
        with self._lock:
            text = json.dumps({"format": FORMAT, "entries": self._entries}, indent=1,
                              sort_keys=True)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.path, text + "\n")
        except OSError:
            pass  # a cache that cannot be written only costs a probe next time
