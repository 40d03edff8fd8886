import numpy as np

from gcdapp.core.engine.collection import Collector
from gcdapp.core.events import NullObserver


class _Batches(NullObserver):
    def __init__(self):
        self.batches = []

    def tasks_completed(self, batch):
        self.batches.append(batch)


def test_the_collector_keeps_results_lanes_and_flushes_only_what_is_new():
    pairs = np.array([(6, 4), (9, 6), (5, 3), (8, 12)], dtype=np.int64)
    observer = _Batches()
    collector = Collector(pairs, "euclid", lambda pid, thread: f"lane {thread}", observer)
    collector.start_clock(1_000_000_000)
    assert collector.record((2, [1, 4], 2_000_000_000, 2_500_000_000, 7, "b", None)) is None
    collector.flush()
    collector.flush()  # nothing new: no second batch
    failure = collector.record((0, [2], 3_000_000_000, 3_000_000_000, 7, "a", "ValueError: no"))
    collector.flush()
    assert [b.pair_index.tolist() for b in observer.batches] == [[2, 3], [0]]
    assert collector.results.tolist() == [2, 0, 1, 4]
    assert collector.done.tolist() == [True, False, True, True] and collector.n_done == 3
    assert failure.failed_pairs == [1] and "pair 2 (9, 6) raised ValueError: no" in failure.message(pairs, 3)
    tasks = collector.tasks()
    assert tasks.lanes == ("lane b", "lane a") and tasks.lane.tolist() == [0, 1]
    assert tasks.t_start.tolist() == [1.0, 2.0] and tasks.t_end.tolist() == [1.5, 2.0]
