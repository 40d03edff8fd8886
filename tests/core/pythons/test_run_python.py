"""The interpreter a run ran in, from its result's python record."""

from __future__ import annotations

import platform
import sys
from types import SimpleNamespace

from gcdapp.core.pythons import run_python as rp

FREE = {"version": "3.14.2", "executable": "/opt/py/bin/python3.14t",
        "free_threaded_build": True, "gil_enabled": False}
OLD = {"version": "3.13.0", "executable": "/opt/py/bin/python3.13",
       "free_threaded_build": False, "gil_enabled": True}


def test_a_run_without_a_record_ran_in_this_python():
    record = rp.run_python(SimpleNamespace())
    assert record["version"] == platform.python_version()
    assert record["executable"] == sys.executable
    assert rp.run_python(SimpleNamespace(python=None)) == record
    assert rp.run_python(SimpleNamespace(python={"version": ""})) == record


def test_labels_long_and_short():
    assert rp.record_label(FREE) == "3.14.2t free-threaded, GIL off"
    assert rp.short_label(FREE) == "3.14.2t GIL off"
    assert rp.record_label(OLD) == rp.short_label(OLD) == "3.13.0"
    assert rp.short_label({**FREE, "gil_enabled": True}) == "3.14.2t GIL on"
    assert rp.record_label({**OLD, "label": "3.13.0 (venv)"}) == "3.13.0 (venv)"
    assert rp.run_label(SimpleNamespace(python=FREE)) == "3.14.2t free-threaded, GIL off"


def test_mixing_is_any_difference_in_interpreter():
    here = SimpleNamespace()
    assert not rp.mixes_pythons([here, SimpleNamespace(python=None)])
    assert not rp.mixes_pythons([SimpleNamespace(python=OLD)] * 2)
    assert rp.mixes_pythons([here, SimpleNamespace(python=OLD)])
    assert rp.mixes_pythons([SimpleNamespace(python=OLD), SimpleNamespace(python=FREE)])
    assert not rp.mixes_pythons([])


def test_a_real_run_in_another_python_reads_as_that_python():
    # The engine records a PythonInfo (not a dict): the runs table and the
    # run labels must read the host's interpreter from it, not fall back.
    from gcdapp.core.engine import run_pairs
    from gcdapp.core.events import RunSpec
    from tests.other_pythons import other_python

    other = other_python("3.12")
    result = run_pairs([(12, 18), (35, 14)], RunSpec(mode="serial", kernel="euclid",
                                                     python=other.path))
    assert result.status == "completed", result.error
    record = rp.run_python(result)
    assert record["version"] == other.probe.version != platform.python_version()
    assert rp.short_label(record) == other.probe.version
    assert rp.mixes_pythons([result, SimpleNamespace()])
