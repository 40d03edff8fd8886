"""What a discovered interpreter offers, against this machine's interpreters."""

from __future__ import annotations

from gcdapp.core.backends import registry
from gcdapp.core.pythons import offers
from tests.other_pythons import discovered, other_python


def test_the_running_python_answers_with_its_own_backends_and_kernels():
    assert offers.mode_reason(None, "threads") is None
    assert offers.mode_reason(None, "interpreters") == \
        registry.get("interpreters").capabilities.unavailable_reason
    assert offers.mode_reason(None, "nope") == "unknown mode 'nope'"
    assert offers.kernel_reason(None, "euclid") is None
    running = next(i for i in discovered() if i.is_running)
    assert offers.mode_reason(running, "interpreters") == offers.mode_reason(None, "interpreters")
    assert not offers.backport_missing(running) and not offers.is_other(running)


def test_on_3_12_interpreters_are_refused_with_the_probe_reason():
    py312 = other_python("3.12")
    sub = py312.probe.subinterpreters
    reason = offers.mode_reason(py312, "interpreters")
    assert not sub.usable
    assert reason == f"in {py312.label}, subinterpreters: unusable ({sub.reason})"
    for mode in ("serial", "threads", "processes"):
        assert offers.mode_reason(py312, mode) is None
    if not py312.probe.numba:
        assert offers.kernel_reason(py312, "euclid-native") == \
            f"numba is not installed in {py312.label} ({py312.path})"
    assert offers.kernel_reason(py312, "euclid") is None


def test_an_unusable_interpreter_offers_nothing_and_says_why():
    bad = [i for i in discovered() if not i.usable]
    if not bad:
        import pytest

        pytest.skip("no unusable interpreter on this machine")
    item = bad[0]
    assert offers.mode_reason(item, "serial") == \
        f"{item.label} is unusable: {item.probe.unusable_reason}"
    assert not offers.backport_missing(item)
    assert offers.with_interpreters([item]) is None and offers.free_threaded([item]) is None


def test_the_backport_is_offered_for_a_3_13_that_lacks_it_only():
    from dataclasses import replace

    from gcdapp.core.pythons import backport
    from gcdapp.core.pythons.discovery import Interpreter
    from gcdapp.core.pythons.probe import Subinterpreters

    for version in ("3.13", "3.12"):
        item = other_python(version)
        missing = Subinterpreters(False, "backport", "missing", (backport.PACKAGE,))
        lacking = Interpreter(item.path, item.sources, replace(item.probe, subinterpreters=missing))
        assert offers.backport_missing(lacking) is (version == "3.13")
        usable = Subinterpreters(True, "backport")
        has = Interpreter(item.path, item.sources, replace(item.probe, subinterpreters=usable))
        assert not offers.backport_missing(has)
