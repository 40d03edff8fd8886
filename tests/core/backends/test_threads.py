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


def test_stop_waits_for_the_threads_and_drops_pending_work():
    threads = backends.get("threads")
    executor = threads.create(1, None)
    started, release = threading.Event(), threading.Event()

    def running():
        started.set()
        release.wait(30)
        return threading.current_thread()

    first = executor.submit(running)
    pending = executor.submit(pow, 2, 5)
    started.wait(30)
    threading.Timer(0.2, release.set).start()  # as a stop flag would end the task
    threads.stop(executor, terminate=True)
    assert pending.cancelled()
    assert first.done() and not first.result().is_alive()  # joined before stop returned
