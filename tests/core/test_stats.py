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
