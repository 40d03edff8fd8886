from array import array

from gcdapp.core.kernels import euclid
from gcdapp.core.tasks import ChunkOutcome, decode_chunk, install_kernel, run_chunk
from tests.core.faulty_kernels import raise_on_trigger


def test_run_chunk_times_and_identifies_itself():
    out = ChunkOutcome._make(run_chunk(5, array("q", [12, 18, 7, 21]), euclid))
    assert out.start == 5
    assert list(out.results) == [6, 7]
    assert out.t_end_ns >= out.t_start_ns
    assert out.pid > 0 and out.thread
    assert out.error is None


def test_big_integers_travel_as_lists():
    big = 10**30
    out = ChunkOutcome._make(run_chunk(0, [(big, big * 3), (big + 1, 1)], euclid))
    assert out.results == [big, 1]


def test_a_raising_pair_is_reported_with_the_pairs_before_it():
    chunk = array("q", [4, 6, 9, 12, 13, 1, 5, 10])
    out = ChunkOutcome._make(run_chunk(0, chunk, raise_on_trigger))
    assert list(out.results) == [2, 3]
    assert out.error == "ZeroDivisionError: boom on purpose"


def test_decode_chunk_pairs_up_the_flat_buffer():
    assert decode_chunk(array("q", [1, 2, 3, 4])) == [(1, 2), (3, 4)]


def test_the_installed_kernel_is_used_when_none_is_sent():
    install_kernel(euclid)
    try:
        assert list(ChunkOutcome._make(run_chunk(0, [(12, 18)])).results) == [6]
    finally:
        install_kernel(None)


def test_long_chunks_and_results_travel_as_arrays():
    pairs = array("q", [6, 9] * 40)
    assert isinstance(ChunkOutcome._make(run_chunk(0, pairs, euclid)).results, array)


def test_a_task_given_a_set_stop_flag_reports_itself_cancelled():
    import threading

    from gcdapp.core import stop_flag
    from gcdapp.core.kernels import bruteforce

    flag = threading.Event()
    flag.set()
    out = ChunkOutcome._make(run_chunk(3, [(10**12 + 39, 10**12 + 61)], bruteforce, flag))
    assert out.cancelled and out.error is None and list(out.results) == []
    assert stop_flag.current() is None  # uninstalled after the task


def test_a_task_stops_between_pairs_when_its_flag_is_set_meanwhile():
    import threading

    from gcdapp.core.tasks import CHECK_EVERY_PAIRS

    flag = threading.Event()
    calls = []

    def counting(pair):
        calls.append(pair)
        if len(calls) == 10:
            flag.set()  # as a cancel from another thread would
        return euclid(pair)

    pairs = array("q", [6, 9] * (3 * CHECK_EVERY_PAIRS))
    out = ChunkOutcome._make(run_chunk(0, pairs, counting, flag))
    assert out.cancelled and out.error is None
    # It finished the block it was in, and no more: those results are real.
    assert len(out.results) == CHECK_EVERY_PAIRS == len(calls)
    assert set(out.results) == {3}


def test_a_clear_stop_flag_changes_nothing():
    import threading

    pairs = array("q", [6, 9, 12, 18] * 5000)
    out = ChunkOutcome._make(run_chunk(0, pairs, euclid, threading.Event()))
    assert not out.cancelled and len(out.results) == 10000
    assert list(out.results[:2]) == [3, 6]
    raising = ChunkOutcome._make(run_chunk(0, array("q", [4, 6, 13, 1]), raise_on_trigger,
                                           threading.Event()))
    assert list(raising.results) == [2] and raising.error.startswith("ZeroDivisionError")


def test_run_chunk_measures_its_threads_cpu_time():
    from gcdapp.core.kernels import bruteforce

    out = ChunkOutcome._make(run_chunk(0, [(600851475143, 6857 * 71)], bruteforce))
    wall = out.t_end_ns - out.t_start_ns
    assert 0 < out.cpu_ns <= wall + 1_000_000  # (thread_time ticks coarser than perf_counter)
    assert out.import_ns is None  # not a worker's first task after an initializer


def test_an_importable_kernel_is_installed_by_name_and_its_import_timed():
    import functools
    import pickle

    from gcdapp.core.tasks import kernel_reference

    assert kernel_reference(euclid) == ("gcdapp.core.kernels", "euclid")
    install_kernel(kernel_reference(euclid))
    out = ChunkOutcome._make(run_chunk(0, [(12, 18)]))
    assert out.results == [6]
    assert out.import_ns is not None and out.import_ns >= 0 and out.ready_ns is not None
    # a kernel that cannot be found by name travels as itself; its import is unknown
    odd = functools.partial(euclid)
    assert kernel_reference(odd) is odd
    install_kernel(pickle.loads(pickle.dumps(odd)))
    out = ChunkOutcome._make(run_chunk(0, [(12, 18)]))
    assert out.results == [6] and out.import_ns is None
    install_kernel(None)


def test_a_packed_task_unpickles_runs_and_pickles_timed():
    import pickle

    from gcdapp.core.tasks import PackedOutcome, run_packed

    install_kernel(euclid)
    try:
        data = pickle.dumps((4, array("q", [12, 18, 7, 21] * 20)))
        packed = PackedOutcome._make(run_packed(data))
    finally:
        install_kernel(None)
    out = ChunkOutcome._make(pickle.loads(packed.payload))
    assert out.start == 4 and list(out.results) == [6, 7] * 20
    assert packed.t_recv_ns <= out.t_start_ns <= out.t_end_ns
    assert packed.unpickle_in_ns > 0 and packed.pickle_out_ns > 0
    assert packed.t_recv_ns + packed.unpickle_in_ns <= out.t_start_ns
