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
