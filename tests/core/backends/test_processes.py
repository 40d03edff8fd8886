import multiprocessing
import subprocess
import sys

import pytest

from gcdapp.core import backends
from gcdapp.core.backends.processes import _FORKSERVER_PRELOAD


def test_the_three_modes_are_available_everywhere():
    for name in ("serial", "threads", "processes"):
        assert backends.get(name).capabilities.unavailable_reason is None


def test_processes_take_every_start_method_and_never_default_to_fork():
    caps = backends.get("processes").capabilities
    assert caps.out_of_process and caps.isolated
    assert caps.start_methods == tuple(multiprocessing.get_all_start_methods())
    assert caps.default_start_method in ("forkserver", "spawn")


def test_an_unknown_start_method_is_refused_by_name():
    with pytest.raises(ValueError, match="start method 'nope' is not available here"):
        backends.get("processes").create(1, "nope")


def test_the_fork_server_preloads_only_modules_without_numpy():
    modules = [m for m in _FORKSERVER_PRELOAD if m != "__main__"]
    code = (
        f"import sys, importlib; [importlib.import_module(m) for m in {modules!r}];"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'numpy', 'PySide6'}),"
        " sorted(m for m in sys.modules if m.startswith('gcdapp.core.backends')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[] []"


class _Handle:
    def __init__(self, exitcode):
        self.exitcode = exitcode


def test_a_broken_pool_names_the_exit_codes_of_the_workers_that_died():
    describe = backends.get("processes").describe_failure
    assert describe([_Handle(3), _Handle(-15)]) == "a worker process ended abruptly (exit code 3)"
    assert describe([_Handle(-9), _Handle(None)]) == (
        "a worker process ended abruptly (killed by SIGKILL)")
    assert describe([_Handle(0), _Handle(-15)]) == ""
