"""What a host hands its workers: only gcdapp's core functions, never one
from ``__main__`` (the 3.13 subinterpreter backport hangs forever on one)."""

from __future__ import annotations

import pytest

from gcdapp.core import tasks
from gcdapp.core.host import pools
from gcdapp.core.host.pools import HostRefused, check_sendable, make_executor


def test_every_function_a_host_sends_comes_from_gcdapps_core():
    sent = [*pools.FUNCTIONS.values(), tasks.install_kernel]
    for function in sent:
        assert function.__module__.startswith("gcdapp.core."), function
        check_sendable(function.__module__, function.__qualname__)  # does not raise
    assert set(pools.FUNCTIONS) == {"run_chunk", "run_packed", "warm_up"}


@pytest.mark.parametrize("module", ["__main__", "__mp_main__"])
def test_main_is_refused_before_anything_is_sent(module):
    with pytest.raises(HostRefused, match="defined in __main__"):
        check_sendable(module, "kernel mine")


def test_a_module_outside_gcdapps_core_is_refused():
    with pytest.raises(HostRefused, match="comes from tests.core.faulty_kernels"):
        check_sendable("tests.core.faulty_kernels", "kernel boom")


@pytest.mark.parametrize("mode", pools.MODES)
def test_a_kernel_from_main_is_refused_in_every_mode(mode):
    with pytest.raises(HostRefused, match="defined in __main__"):
        make_executor(mode, 2, None, ("__main__", "my_gcd"))


def test_a_kernel_must_be_named_not_sent():
    with pytest.raises(HostRefused, match="named as \\(module, qualname\\)"):
        make_executor("threads", 2, None, tasks.run_chunk)


def test_unknown_modes_workers_and_modules_are_refused_with_the_reason():
    kernel = ("gcdapp.core.kernels", "euclid")
    with pytest.raises(HostRefused, match="not 'dask'"):
        make_executor("dask", 2, None, kernel)
    with pytest.raises(HostRefused, match="workers must be a whole number"):
        make_executor("threads", 0, None, kernel)
    with pytest.raises(HostRefused, match="cannot be imported here"):
        make_executor("threads", 1, None, ("gcdapp.core.no_such_module", "f"))
    with pytest.raises(HostRefused, match="start method 'nope'"):
        make_executor("processes", 1, "nope", kernel)


def test_threads_in_a_host_run_the_installed_kernel():
    executor = make_executor("threads", 2, None, ("gcdapp.core.kernels", "euclid"))
    try:
        outcome = executor.submit(tasks.run_chunk, 0, [(12, 18), (7, 5)]).result()
    finally:
        executor.shutdown()
    assert list(outcome[1]) == [6, 1] and outcome[5].startswith("gcd-thread")


@pytest.mark.skipif(not hasattr(__import__("fcntl"), "F_GETPIPE_SZ"),
                    reason="pipe sizes are Linux's F_SETPIPE_SZ")
def test_a_process_pools_own_pipes_get_the_hosts_pipe_size():
    import fcntl

    from gcdapp.core.host import protocol

    # (no task submitted: the pipes exist before any worker does)
    executor = make_executor("processes", 2, "spawn", ("gcdapp.core.kernels", "euclid"))
    try:
        with open("/proc/sys/fs/pipe-max-size") as limit:
            wanted = min(protocol.PIPE_SIZE, int(limit.read()))
        for fd in (executor._call_queue._writer.fileno(), executor._result_queue._reader.fileno()):
            assert fcntl.fcntl(fd, fcntl.F_GETPIPE_SZ) >= wanted
    finally:
        executor.shutdown(wait=True)
