"""Which interpreter a run ran in, as observed there: :class:`PythonInfo`.

Standard library only: the worker host (:mod:`gcdapp.core.host`) calls
:func:`observe` inside the other interpreter and sends the plain dict back.
"""

from __future__ import annotations

import platform
import sys
import sysconfig
from dataclasses import dataclass

from gcdapp.core.pythons.label import python_label

#: The keys of a run's ``python`` record in JSON (the CLI, sessions, exports).
JSON_KEYS = ("version", "executable", "free_threaded_build", "gil_enabled")


def observe() -> dict:
    """This interpreter's facts, as a plain dict (what the host sends)."""
    check = getattr(sys, "_is_gil_enabled", None)
    return {
        "version": platform.python_version(),
        "executable": sys.executable,
        "free_threaded_build": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
        "gil_enabled": True if check is None else bool(check()),
        "implementation": sys.implementation.name,
    }


@dataclass(frozen=True)
class PythonInfo:
    """The interpreter a run's workers ran in."""

    version: str
    executable: str
    free_threaded_build: bool = False
    gil_enabled: bool = True
    implementation: str = "cpython"

    @property
    def label(self) -> str:
        """ "3.13.0", "3.14.2t free-threaded, GIL off"."""
        return python_label(self.version, implementation=self.implementation,
                            free_threaded_build=self.free_threaded_build,
                            gil_enabled=self.gil_enabled)

    def to_json(self) -> dict:
        data = {key: getattr(self, key) for key in JSON_KEYS}
        if self.implementation != "cpython":
            data["implementation"] = self.implementation
        data["label"] = self.label
        return data

    @classmethod
    def from_json(cls, data) -> PythonInfo:
        """Rebuild from :meth:`to_json` (or :func:`observe`); ValueError
        names the field that is wrong."""
        if not isinstance(data, dict):
            raise ValueError(f"should be an object, not {type(data).__name__}")
        values = {}
        for key, kind in (("version", str), ("executable", str),
                          ("free_threaded_build", bool), ("gil_enabled", bool)):
            value = data.get(key)
            if type(value) is not kind:
                raise ValueError(f"{key} should be {'text' if kind is str else 'true or false'}, "
                                 f"not {value!r}")
            values[key] = value
        implementation = data.get("implementation", "cpython")
        if type(implementation) is not str:
            raise ValueError(f"implementation should be text, not {implementation!r}")
        return cls(implementation=implementation, **values)


def this_python() -> PythonInfo:
    """The interpreter this process runs on."""
    return PythonInfo.from_json(observe())
