import dataclasses
import threading
from concurrent.futures import BrokenExecutor, ThreadPoolExecutor

import pytest

from gcdapp.core.backends import Backend, Capabilities, InlineExecutor
from gcdapp.core.backends.threads import ThreadBackend
from gcdapp.core.system import usable_cores


def test_inline_executor_runs_in_the_calling_thread():
    future = InlineExecutor().submit(lambda: threading.current_thread())
    assert future.done() and future.result() is threading.current_thread()
    failing = InlineExecutor().submit(lambda: 1 / 0)
    assert isinstance(failing.exception(), ZeroDivisionError)


def test_capabilities_are_frozen_data_computed_once():
    backend = ThreadBackend()
    caps = backend.capabilities
    assert caps is backend.capabilities
    assert caps == Capabilities()
    with pytest.raises(dataclasses.FrozenInstanceError):
        caps.max_workers = 3  # type: ignore[misc]
    assert caps.available and caps.takes_workers and not caps.takes_start_method


class _Capped(ThreadBackend):
    def probe_capabilities(self):
        return Capabilities(max_workers=3)


def test_resolve_workers_defaults_to_usable_cores_and_obeys_the_limit():
    backend = ThreadBackend()
    assert backend.resolve_workers(None) == usable_cores()
    assert backend.resolve_workers(5) == 5
    capped = _Capped()
    assert capped.resolve_workers(2) == 2
    assert capped.resolve_workers(8) == 3
    assert capped.resolve_workers(None) == min(3, usable_cores())


def test_the_default_failure_types_are_the_broken_executor_family():
    assert Backend.failure_types == (BrokenExecutor,)


class _WaitOnlyExecutor(ThreadPoolExecutor):
    """A thread pool whose ``shutdown`` takes ``wait`` alone, like Dask's
    ``ClientExecutor.shutdown(wait=True)``."""

    def shutdown(self, wait=True):  # noqa: D102 - the narrower signature is the point
        self.shutdown_wait = wait
        super().shutdown(wait=wait)


@pytest.mark.parametrize("terminate", [False, True])
def test_stop_passes_only_the_keywords_an_executor_accepts(terminate):
    # The base Backend.stop (ThreadBackend's own always waits: see test_threads).
    executor = _WaitOnlyExecutor(max_workers=1)
    assert executor.submit(pow, 2, 5).result() == 32
    Backend().stop(executor, terminate=terminate)
    assert executor.shutdown_wait is (not terminate)
    with pytest.raises(RuntimeError):
        executor.submit(pow, 2, 5)


def test_stop_cancels_pending_work_where_the_executor_can():
    executor = ThreadPoolExecutor(max_workers=1)
    release = threading.Event()
    running = executor.submit(release.wait, 30)
    pending = executor.submit(pow, 2, 5)
    Backend().stop(executor, terminate=True)
    assert pending.cancelled()
    release.set()
    assert running.result() is True


def test_stop_works_with_a_dask_client_executor():
    distributed = pytest.importorskip("distributed")
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=1,
                            dashboard_address=None) as client:
        executor = client.get_executor()
        assert executor.submit(pow, 3, 4).result(timeout=30) == 81
        ThreadBackend().stop(executor, terminate=True)
