"""The python record a run carries: observed facts, label, JSON."""

from __future__ import annotations

import platform
import sys

import pytest

from gcdapp.core.python_info import JSON_KEYS, PythonInfo, observe, this_python


def test_this_python_is_what_the_interpreter_says():
    info = this_python()
    assert info.version == platform.python_version()
    assert info.executable == sys.executable
    assert info.label == platform.python_version()  # a 3.11 build with its GIL
    assert set(observe()) >= set(JSON_KEYS)


@pytest.mark.parametrize("info, label", [
    (PythonInfo("3.13.0", "/p"), "3.13.0"),
    (PythonInfo("3.14.2", "/p", free_threaded_build=True, gil_enabled=False),
     "3.14.2t free-threaded, GIL off"),
    (PythonInfo("3.13.1", "/p", free_threaded_build=True, gil_enabled=True),
     "3.13.1t free-threaded, GIL on"),
    (PythonInfo("3.10.14", "/p", implementation="pypy"), "PyPy 3.10.14"),
])
def test_labels_and_json_round_trip(info, label):
    assert info.label == label
    data = info.to_json()
    assert {k: data[k] for k in JSON_KEYS} == {k: getattr(info, k) for k in JSON_KEYS}
    assert data["label"] == label
    assert PythonInfo.from_json(data) == info


@pytest.mark.parametrize("data, message", [
    ([], "should be an object"),
    ({"version": 3.13, "executable": "/p", "free_threaded_build": False, "gil_enabled": True},
     "version should be text, not 3.13"),
    ({"version": "3.13.0", "executable": "/p", "free_threaded_build": "no", "gil_enabled": True},
     "free_threaded_build should be true or false, not 'no'"),
    ({"version": "3.13.0", "executable": "/p", "free_threaded_build": False},
     "gil_enabled should be true or false, not None"),
])
def test_from_json_names_the_bad_field(data, message):
    with pytest.raises(ValueError, match=message):
        PythonInfo.from_json(data)
