import sys

import pytest

from gcdapp.core.backends import BACKENDS, InlineExecutor, get_backend
from gcdapp.core.system import gil_enabled, usable_cores


def test_the_three_modes_are_available_everywhere():
    for name in ("serial", "threads", "processes"):
        assert BACKENDS[name].unavailable_reason() is None


@pytest.mark.skipif(sys.version_info >= (3, 14), reason="available on 3.14+")
def test_interpreters_say_why_they_are_unavailable():
    reason = get_backend("interpreters").unavailable_reason()
    assert "3.14" in reason


def test_inline_executor_runs_in_the_calling_thread():
    import threading

    future = InlineExecutor().submit(lambda: threading.current_thread())
    assert future.done() and future.result() is threading.current_thread()
    failing = InlineExecutor().submit(lambda: 1 / 0)
    assert isinstance(failing.exception(), ZeroDivisionError)


def test_usable_cores_and_gil():
    assert 1 <= usable_cores()
    assert isinstance(gil_enabled(), bool)


def test_unknown_backend():
    with pytest.raises(ValueError, match="serial, threads, processes"):
        get_backend("gpu")
