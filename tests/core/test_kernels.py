import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gcdapp.core.kernels import KERNELS, bruteforce, builtin, euclid, get_kernel
from gcdapp.core.presets import SEED_NUMBERS, SEED_RESULTS

any_int = st.integers(min_value=-(10**30), max_value=10**30)
small_positive = st.integers(min_value=1, max_value=3000)


@given(any_int, any_int)
def test_euclid_matches_math_gcd(a, b):
    assert euclid((a, b)) == math.gcd(a, b)


@given(any_int, any_int)
def test_builtin_matches_math_gcd(a, b):
    assert builtin((a, b)) == math.gcd(a, b)


@given(small_positive, small_positive)
def test_bruteforce_matches_math_gcd_on_its_domain(a, b):
    assert bruteforce((a, b)) == math.gcd(a, b)


@pytest.mark.parametrize("name", list(KERNELS))
def test_every_kernel_gives_the_seed_results(name):
    kernel = get_kernel(name)
    assert [kernel.func(p) for p in SEED_NUMBERS] == list(SEED_RESULTS)


def test_math_gcd_semantics_for_zero_and_signs():
    assert euclid((0, 0)) == 0
    assert euclid((-12, 18)) == 6
    assert euclid((12, -18)) == 6
    assert euclid((0, -7)) == 7


def test_bruteforce_domain_is_checked_up_front():
    kernel = get_kernel("bruteforce")
    pairs = np.array([[4, 6], [0, 5], [3, -9], [7, 7]], dtype=np.int64)
    issues = kernel.check(pairs)
    assert [issue.row for issue in issues] == [1, 2]
    assert str(issues[0]) == "pair 2 (0, 5): bruteforce needs a ≥ 1 and b ≥ 1"
    assert kernel.domain_reason(1, 1) is None


def test_euclid_and_builtin_accept_any_integers():
    pairs = np.array([[0, 0], [-4, 6]], dtype=np.int64)
    assert get_kernel("euclid").check(pairs) == []
    assert get_kernel("builtin").check(pairs) == []


def test_domain_check_on_huge_integers():
    pairs = np.empty((2, 2), dtype=object)
    pairs[0] = (10**40, 3)
    pairs[1] = (-(10**40), 3)
    issues = get_kernel("bruteforce").check(pairs)
    assert [i.row for i in issues] == [1]


def test_unknown_kernel_names_the_choices():
    with pytest.raises(ValueError, match="bruteforce, euclid, builtin"):
        get_kernel("nope")


# -- the stop flag -----------------------------------------------------------
from gcdapp.core import stop_flag  # noqa: E402
from gcdapp.core.kernels import CHECK_EVERY  # noqa: E402

near_blocks = st.integers(min_value=1, max_value=4).flatmap(
    lambda k: st.integers(min_value=k * CHECK_EVERY - 3, max_value=k * CHECK_EVERY + 3)
)


@given(near_blocks, near_blocks, st.booleans())
def test_bruteforce_is_exact_across_its_check_blocks(a, b, with_flag):
    # Candidates on both sides of every block boundary, with and without a
    # (clear) flag installed: the blocked loop tries each candidate once.
    import threading

    stop_flag.install(threading.Event() if with_flag else None)
    try:
        assert bruteforce((a, b)) == math.gcd(a, b)
        assert bruteforce((CHECK_EVERY, 2 * CHECK_EVERY)) == CHECK_EVERY
    finally:
        stop_flag.install(None)


def test_bruteforce_stops_at_a_set_flag_and_ignores_another_threads_flag():
    import threading

    flag = threading.Event()
    flag.set()
    huge = (10**12 + 39, 10**12 + 61)  # hours of candidates
    seen = []

    def elsewhere():  # the flag belongs to the thread that installed it
        seen.append(stop_flag.current())

    stop_flag.install(flag)
    try:
        with pytest.raises(stop_flag.Cancelled):
            bruteforce(huge)
        thread = threading.Thread(target=elsewhere)
        thread.start()
        thread.join()
    finally:
        stop_flag.install(None)
    assert seen == [None]
    assert not isinstance(stop_flag.Cancelled(), Exception)  # no `except Exception` eats it
