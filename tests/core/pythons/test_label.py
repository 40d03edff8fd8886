"""Labels runs carry for their interpreter."""

import pytest

from gcdapp.core.pythons.label import label, python_label
from gcdapp.core.pythons.probe import ProbeResult


@pytest.mark.parametrize("kwargs, expected", [
    ({"version": "3.13.0"}, "3.13.0"),
    ({"version": "3.14.2", "free_threaded_build": True, "gil_enabled": False},
     "3.14.2t free-threaded, GIL off"),
    ({"version": "3.13.1", "free_threaded_build": True, "gil_enabled": True},
     "3.13.1t free-threaded, GIL on"),
    ({"version": "3.10.14", "implementation": "pypy"}, "PyPy 3.10.14"),
    ({"version": "3.12.0", "implementation": "weird"}, "weird 3.12.0"),
    ({"version": "3.15.0", "gil_enabled": False}, "3.15.0, GIL off"),
])
def test_python_label(kwargs, expected):
    assert python_label(**kwargs) == expected


def test_label_of_probe_results():
    ok = ProbeResult(path="/p", version="3.14.2", version_info=(3, 14, 2),
                     implementation="cpython", free_threaded_build=True, gil_enabled=False)
    assert label(ok) == "3.14.2t free-threaded, GIL off"
    assert label(ProbeResult(path="/p", error="crashed (SIGSEGV)")) == "unknown (probe failed)"
