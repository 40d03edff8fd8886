import dataclasses

import numpy as np
import pytest

from gcdapp.core.engine.failure import MAX_FAILED_PAIRS, RunFailure

PAIRS = np.array([(i, i + 7) for i in range(1, 101)], dtype=np.int64)


def test_a_cancel_has_no_message_and_no_pairs():
    failure = RunFailure.cancelled()
    assert failure.status == "cancelled" and failure.message(PAIRS, 5) is None
    assert failure.failed_pairs == []


def test_a_kernel_error_names_the_pair_and_the_kernel():
    failure = RunFailure.kernel_raised(12, "ZeroDivisionError: boom", "euclid")
    assert failure.status == "failed" and failure.failed_pairs == [12]
    assert failure.message(PAIRS, 3) == "pair 13 (13, 20) raised ZeroDivisionError: boom in kernel euclid"


def test_a_failed_task_names_its_first_pairs_and_how_many_more():
    failure = RunFailure.task_raised(10, 40, TypeError("cannot pickle"))
    assert failure.message(PAIRS, 0) == (
        "the task for pair 11 (11, 18), pair 12 (12, 19), pair 13 (13, 20) and 27 more "
        "failed: TypeError: cannot pickle")
    assert failure.failed_pairs == list(range(10, 10 + MAX_FAILED_PAIRS))
    assert RunFailure.task_raised(0, 2, TypeError("x")).message(PAIRS, 0) == (
        "the task for pair 1 (1, 8), pair 2 (2, 9) failed: TypeError: x")


def test_a_broken_pool_names_the_candidates_and_what_is_kept():
    failure = RunFailure.pool_broke(((4, 5), (7, 8)))
    assert failure.failed_pairs == [4, 7]
    assert failure.message(PAIRS, 6) == (
        "a worker process ended abruptly while computing one of: pair 5 (5, 12); pair 8 (8, 15)."
        " 6 of 100 pairs had completed and are kept.")
    described = dataclasses.replace(failure, error="a worker process ended abruptly (exit code 3)")
    assert described.message(PAIRS, 6).startswith(
        "a worker process ended abruptly (exit code 3) while computing one of: pair 5")
    assert RunFailure.pool_broke().message(PAIRS, 0) == (
        "a worker process ended abruptly. 0 of 100 pairs had completed and are kept.")


def test_a_run_that_could_not_start_says_why():
    failure = RunFailure.could_not_start(OSError("no more processes"))
    assert failure.message(PAIRS, 0) == "the run could not start: OSError: no more processes"
    assert failure.failed_pairs == []


def test_a_failure_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        RunFailure.cancelled().status = "failed"  # type: ignore[misc]
