import numpy as np

from gcdapp.core.engine import run_pairs
from gcdapp.core.events import RunSpec
from gcdapp.core.history import RunHistory, RunRecord
from gcdapp.core.pairs import as_pairs, pairs_fingerprint
from gcdapp.core.presets import SEED_NUMBERS


def _record(history, pairs, mode, kernel="euclid"):
    result = run_pairs(pairs, RunSpec(mode=mode, kernel=kernel, workers=2))
    record = RunRecord(history.new_id(), mode, pairs_fingerprint(as_pairs(pairs)), result)
    history.add(record)
    return record


def test_speedup_is_against_the_latest_serial_run_of_the_same_pairs_and_kernel():
    history = RunHistory()
    threads = _record(history, SEED_NUMBERS, "threads")
    assert history.speedup(threads) is None  # no serial run yet
    serial = _record(history, SEED_NUMBERS, "serial")
    assert history.baseline(threads) is serial
    assert history.speedup(threads) == serial.result.wall_s / threads.result.wall_s
    other_pairs = _record(history, [(4, 6)], "serial")
    other_kernel = _record(history, SEED_NUMBERS, "serial", kernel="builtin")
    assert history.baseline(threads) is serial
    assert history.baseline(other_pairs) is other_pairs
    assert history.baseline(other_kernel) is other_kernel
    newer = _record(history, SEED_NUMBERS, "serial")
    assert history.baseline(threads) is newer
    assert [r.run_id for r in history] == [1, 2, 3, 4, 5]


def test_fingerprint_tells_pairs_apart():
    a = as_pairs(SEED_NUMBERS)
    assert pairs_fingerprint(a) == pairs_fingerprint(a.copy())
    b = a.copy()
    b[3, 1] += 1
    assert pairs_fingerprint(a) != pairs_fingerprint(b)
    big = as_pairs([(10**30, 1)])
    assert pairs_fingerprint(big) != pairs_fingerprint(as_pairs([(10**30 + 1, 1)]))
    assert pairs_fingerprint(np.empty((0, 2), dtype=np.int64))
