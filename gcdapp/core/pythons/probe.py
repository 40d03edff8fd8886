"""Probe one interpreter in a subprocess: what it is, and what it can run.

Two subprocesses, each with a timeout: the facts (version, implementation,
free-threaded build, GIL at run time, numba, pip), then, on 3.12 or newer, a
real InterpreterPoolExecutor round trip in its own process, so a backport that
crashes the interpreter (pyenv's 3.12.1 segfaults importing it) only ends that
throwaway process. Anything that times out, crashes, exits non-zero or prints
something other than the probe's one line is a failed probe with its reason;
nothing here raises for a bad interpreter.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

from gcdapp.core.pythons import backport, probe_script

# Bump when the probe learns something new: cached results from an older
# probe are then probed again.
PROBE_VERSION = 1
FACTS_TIMEOUT_S = 10.0
SUBINTERPRETERS_TIMEOUT_S = 30.0
# gcdapp's own code (the worker host) needs what gcdapp itself needs.
MIN_VERSION = (3, 11)
SUBINTERPRETERS_MIN_VERSION = (3, 12)


class ProbeOutputError(ValueError):
    """The probe's output is not the one line it prints."""


@dataclass(frozen=True)
class Subinterpreters:
    """Whether an InterpreterPoolExecutor works in that interpreter.

    ``source`` is where it comes from ("stdlib" or "backport"), ``reason``
    why it cannot be used, ``missing`` the backport packages to install."""

    usable: bool
    source: str | None = None
    reason: str | None = None
    missing: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.usable:
            return f"usable ({self.source})"
        return f"unusable ({self.reason})"


@dataclass(frozen=True)
class ProbeResult:
    path: str
    error: str | None = None  # the probe itself failed: timeout, crash, garbage
    version: str | None = None
    version_info: tuple[int, int, int] | None = None
    implementation: str | None = None
    executable: str | None = None
    prefix: str | None = None
    base_prefix: str | None = None
    free_threaded_build: bool = False
    gil_enabled: bool = True
    ext_suffix: str = ""
    numba: bool = False
    pip: bool = False
    subinterpreters: Subinterpreters = field(
        default_factory=lambda: Subinterpreters(False, reason="not probed"))
    probe_version: int = PROBE_VERSION

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def unusable_reason(self) -> str | None:
        """Why gcdapp cannot run work in this interpreter, or None."""
        if self.error is not None:
            return f"probe failed: {self.error}"
        if self.implementation != "cpython":
            return f"{self.implementation} is not supported (CPython only)"
        if self.version_info is None or tuple(self.version_info[:2]) < MIN_VERSION:
            need = ".".join(map(str, MIN_VERSION))
            return f"too old: Python {self.version} (gcdapp needs {need} or newer)"
        return None

    @property
    def usable(self) -> bool:
        return self.unusable_reason is None

    @property
    def is_venv(self) -> bool:
        return self.prefix is not None and self.prefix != self.base_prefix

    def to_json(self) -> dict:
        data = asdict(self)
        data["subinterpreters"]["missing"] = list(self.subinterpreters.missing)
        if self.version_info is not None:
            data["version_info"] = list(self.version_info)
        return data

    @classmethod
    def from_json(cls, data: dict) -> "ProbeResult":
        """Rebuild a result saved by :meth:`to_json`; ValueError if malformed."""
        if not isinstance(data, dict) or not isinstance(data.get("path"), str):
            raise ValueError("not a probe result")
        sub = data.get("subinterpreters")
        if not isinstance(sub, dict) or not isinstance(sub.get("usable"), bool):
            raise ValueError("probe result without subinterpreters")
        subinterpreters = Subinterpreters(
            usable=sub["usable"],
            source=_opt_str(sub.get("source"), "subinterpreters.source"),
            reason=_opt_str(sub.get("reason"), "subinterpreters.reason"),
            missing=tuple(_str_list(sub.get("missing", []), "subinterpreters.missing")),
        )
        error = _opt_str(data.get("error"), "error")
        if error is not None:
            return cls(path=data["path"], error=error, subinterpreters=subinterpreters,
                       probe_version=_int(data.get("probe_version", 0), "probe_version"))
        facts = validate_facts({k: data.get(k) for k in _FACT_TYPES})
        return cls(path=data["path"], subinterpreters=subinterpreters,
                   probe_version=_int(data.get("probe_version", 0), "probe_version"), **facts)


# The facts the probe script prints, and their JSON types.
_FACT_TYPES = {
    "version": str, "version_info": list, "implementation": str, "executable": str,
    "prefix": str, "base_prefix": str, "free_threaded_build": bool, "gil_enabled": bool,
    "ext_suffix": str, "numba": bool, "pip": bool,
}


def _opt_str(value, name):
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{name} is {type(value).__name__}, not text")
    return value


def _str_list(value, name):
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{name} is not a list of text")
    return value


def _int(value, name):
    if type(value) is not int:
        raise ValueError(f"{name} is not a whole number")
    return value


def validate_facts(data: dict) -> dict:
    """Check the facts object field by field; ValueError names the bad one."""
    out = {}
    for name, kind in _FACT_TYPES.items():
        value = data.get(name)
        if type(value) is not kind:
            raise ValueError(f"field {name!r} is {value!r}, expected {kind.__name__}")
        out[name] = value
    info = out["version_info"]
    if len(info) != 3 or not all(type(v) is int and v >= 0 for v in info):
        raise ValueError(f"field 'version_info' is {info!r}, expected three whole numbers")
    out["version_info"] = tuple(info)
    return out


def parse_probe_output(stdout: str) -> dict:
    """The JSON object on the probe's marker line. ProbeOutputError otherwise."""
    lines = [line for line in stdout.splitlines() if line.startswith(probe_script.MARKER)]
    if len(lines) != 1:
        shown = stdout.strip()[:200] or "nothing"
        raise ProbeOutputError(f"printed no probe answer (got {shown!r})")
    try:
        data = json.loads(lines[0][len(probe_script.MARKER):])
    except ValueError as exc:
        raise ProbeOutputError(f"printed a damaged probe answer ({exc})") from None
    if not isinstance(data, dict):
        raise ProbeOutputError("printed a probe answer that is not an object")
    return data


def parse_facts(stdout: str) -> dict:
    data = parse_probe_output(stdout)
    try:
        return validate_facts(data)
    except ValueError as exc:
        raise ProbeOutputError(f"printed a probe answer with a bad {exc}") from None


def _script_source() -> str:
    # with_name: a frozen build's module is a .pyc; the spec ships the .py beside it.
    return Path(probe_script.__file__).with_name("probe_script.py").read_text(encoding="utf-8")


def _clean_env(pythonpath: str | None = None) -> dict[str, str]:
    """This process's environment without PYTHON* settings (they belong to
    gcdapp's own Python), plus an explicit PYTHONPATH when given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONSAFEPATH"] = "1"  # 3.11+: never the working directory first
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def _signal_name(returncode: int) -> str:
    try:
        return signal.Signals(-returncode).name
    except ValueError:
        return f"signal {-returncode}"


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""


@dataclass(frozen=True)
class _Failure:
    kind: str  # "timeout", "crash", "exit", "start"
    detail: str

    def __str__(self) -> str:
        return {
            "timeout": "timed out after {}",
            "crash": "crashed ({})",
            "exit": "exited with status {}",
            "start": "could not be started ({})",
        }[self.kind].format(self.detail)


def _run(args: list[str], timeout: float, env: dict[str, str]):
    """(stdout, failure): failure is None, or a _Failure saying why the
    subprocess did not finish cleanly."""
    try:
        proc = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return "", _Failure("timeout", f"{timeout:g} s")
    except OSError as exc:
        return "", _Failure("start", exc.strerror or str(exc))
    stdout = proc.stdout.decode("utf-8", "replace")
    if proc.returncode < 0:
        return stdout, _Failure("crash", _signal_name(proc.returncode))
    if proc.returncode != 0:
        detail = _last_line(proc.stderr.decode("utf-8", "replace"))
        return stdout, _Failure("exit", f"{proc.returncode}" + (f": {detail}" if detail else ""))
    return stdout, None


def probe_subinterpreters(path: str, facts: dict, *,
                          timeout: float = SUBINTERPRETERS_TIMEOUT_S) -> Subinterpreters:
    """Try an InterpreterPoolExecutor in its own subprocess of ``path``."""
    info = tuple(facts["version_info"][:2])
    if facts["implementation"] != "cpython":
        return Subinterpreters(False, reason=f"not available on {facts['implementation']}")
    if info < SUBINTERPRETERS_MIN_VERSION:
        return Subinterpreters(False, reason=(
            f"needs Python 3.12 or newer (3.12 and 3.13 with the {backport.PACKAGE} "
            f"backport, 3.14 in the standard library); this is {facts['version']}"))
    needed = backport.packages_needed(info)
    target = backport.backport_dir(facts["ext_suffix"])
    pythonpath = str(target) if needed and backport.is_installed(target) else None
    stdout, failure = _run([path, "-s", "-c", _script_source(), "--subinterpreters"],
                           timeout, _clean_env(pythonpath))
    source = "backport" if needed else "stdlib"
    if failure is not None:
        if failure.kind == "crash":
            reason = f"crashed when tried ({failure.detail})"
        elif failure.kind == "timeout":
            reason = f"hung when tried (no answer after {failure.detail})"
        else:
            reason = f"failed when tried: {failure}"
        return Subinterpreters(False, source, reason)
    try:
        data = parse_probe_output(stdout)
    except ProbeOutputError as exc:
        return Subinterpreters(False, source, f"failed when tried: {exc}")
    if data.get("ok") is True:
        return Subinterpreters(True, source=data.get("source") or source)
    if data.get("missing") and needed and pythonpath is None:
        return Subinterpreters(False, "backport", backport.missing_reason(needed, path), needed)
    return Subinterpreters(False, source, f"failed when tried: {data.get('error')}")


def probe(path: str | os.PathLike, *, facts_timeout: float = FACTS_TIMEOUT_S,
          subinterpreters_timeout: float = SUBINTERPRETERS_TIMEOUT_S) -> ProbeResult:
    """Probe the interpreter at ``path``. Never raises for a bad interpreter."""
    path = os.fspath(path)
    stdout, failure = _run([path, "-E", "-s", "-c", _script_source()], facts_timeout,
                           _clean_env())
    not_tried = Subinterpreters(False, reason="not tried: the probe failed")
    if failure is not None:
        return ProbeResult(path=path, error=str(failure), subinterpreters=not_tried)
    try:
        facts = parse_facts(stdout)
    except ProbeOutputError as exc:
        return ProbeResult(path=path, error=str(exc), subinterpreters=not_tried)
    sub = probe_subinterpreters(path, facts, timeout=subinterpreters_timeout)
    return ProbeResult(path=path, subinterpreters=sub, **facts)
