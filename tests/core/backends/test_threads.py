import threading

from gcdapp.core import backends


def test_threads_run_on_named_pool_threads():
    threads = backends.get("threads")
    caps = threads.capabilities
    assert caps.available and caps.max_workers is None and not caps.out_of_process
    executor = threads.create(2, None)
    try:
        name = executor.submit(lambda: threading.current_thread().name).result()
    finally:
        threads.stop(executor, terminate=False)
    assert threads.lane_label(0, name) == "thread 0"
