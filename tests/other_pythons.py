"""Other interpreters for the tests, found through gcdapp's own discovery.

A test that needs one skips, saying what it looked for, when none is found.
With GCDAPP_REQUIRE_OTHER_PYTHON=1 (set by .ci/run) those skips are failures,
so CI proves the feature. A free-threaded build is the exception: no registry
reachable here carries one, so its tests skip even then.
"""

from __future__ import annotations

import functools
import os

import pytest

from gcdapp.core.pythons.discovery import Interpreter, NoSuchPython, find_pythons, select

REQUIRE_ENV = "GCDAPP_REQUIRE_OTHER_PYTHON"


def required() -> bool:
    return os.environ.get(REQUIRE_ENV) == "1"


def skip_or_fail(reason: str):
    if required():
        pytest.fail(f"{reason} ({REQUIRE_ENV}=1 makes this a failure)")
    pytest.skip(reason)


@functools.lru_cache(maxsize=1)
def discovered() -> tuple[Interpreter, ...]:
    return tuple(find_pythons(include_user_settings=False))


def other_python(version: str) -> Interpreter:
    """A usable interpreter of ``version`` ("3.12", "3.13") other than this one."""
    others = [i for i in discovered() if not i.is_running and i.usable]
    try:
        return select(others, version)
    except NoSuchPython as exc:
        skip_or_fail(f"needs a Python {version} besides the running one: {exc}")


def free_threaded_python() -> Interpreter:
    found = [i for i in discovered() if i.usable and i.probe.free_threaded_build]
    if not found:
        pytest.skip("no free-threaded CPython (3.13t, 3.14t) found on this machine; none is "
                    "installable from the registries reachable here")
    return found[0]
