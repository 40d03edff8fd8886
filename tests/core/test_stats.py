import pytest

from gcdapp.core.stats import Summary, speedup, throughput


def test_summary_of_repeats():
    s = Summary.of([0.3, 0.1, 0.2, 0.5])
    assert (s.median, s.min, s.max, s.n) == (0.25, 0.1, 0.5, 4)


def test_summary_needs_values():
    with pytest.raises(ValueError):
        Summary.of([])


def test_speedup_and_throughput():
    assert speedup(0.8, 0.4) == 2.0
    assert speedup(0.8, 0.0) is None
    assert throughput(1000, 0.5) == 2000
    assert throughput(10, 0) is None


def test_summary_keeps_the_raw_values_mean_and_standard_deviation():
    s = Summary.of([1.0, 2.0, 3.0])
    assert s.values == (1.0, 2.0, 3.0)
    assert s.mean == 2.0 and s.stdev == 1.0 and s.spread == 0.5
    assert Summary.of([0.7]).stdev == 0.0


def test_steady_values_are_stable():
    s = Summary.of([1.00, 1.02, 0.98, 1.01, 0.99])
    assert s.instability() == [] and not s.unstable
    assert not Summary.of([5.0]).unstable  # one value says nothing either way


def test_a_wide_spread_is_unstable_by_pyperfs_rule():
    s = Summary.of([1.0, 1.3, 0.8, 1.1])  # stdev ≈ 21 % of the mean
    (reason,) = s.instability()
    assert reason.startswith("the standard deviation (") and "% of the mean (" in reason
    assert s.unstable


def test_an_outlier_is_named_even_when_the_spread_is_small():
    # Nineteen steady values and one three times slower: stdev is 45 % of
    # the mean, and the maximum is far above it.
    values = [1.0] * 19 + [3.0]
    reasons = Summary.of(values).instability()
    assert any(r.startswith("the maximum (3.000 s) is ") and "greater than the mean" in r
               for r in reasons)
    low = Summary.of([1.0] * 9 + [0.6]).instability()
    assert not any("minimum" in r for r in low)  # 0.6 is 37.5 % below the mean 0.96
    assert any("minimum" in r and "smaller" in r
               for r in Summary.of([1.0, 1.0, 1.0, 0.1, 1.9]).instability())
