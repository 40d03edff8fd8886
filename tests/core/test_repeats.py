"""Repeated runs: grouped by settings, with pyperf's stability rules."""

import numpy as np

from gcdapp.core.engine import run_pairs
from gcdapp.core.events import RunSpec
from gcdapp.core.history import RunRecord
from gcdapp.core.repeats import repeat_groups, stability_report


def _records(walls_by_mode):
    """Real runs, their wall times then set to the given values."""
    pairs = np.array([(12, 18), (7, 5)], dtype=np.int64)
    out, run_id = [], 1
    for mode, walls in walls_by_mode:
        for wall in walls:
            result = run_pairs(pairs, RunSpec(mode=mode, kernel="euclid", workers=2))
            result.wall_s = wall
            out.append(RunRecord(run_id, f"#{run_id} {mode}", "fp", result))
            run_id += 1
    return out


def test_runs_group_by_their_settings_in_order():
    groups = repeat_groups(_records([("serial", [1.0, 1.1]), ("threads", [2.0, 2.0, 2.1])]))
    assert [g.label for g in groups] == ["serial", "threads ×2"]
    assert [g.walls.n for g in groups] == [2, 3]
    assert groups[0].walls.values == (1.0, 1.1)


def test_a_steady_job_is_summarised_and_a_noisy_one_is_flagged():
    kind, text = stability_report(_records([("serial", [1.0, 1.01, 0.99])]))
    assert kind == "info" and text.startswith("Stable: serial: median 1.000 s over 3 runs")
    kind, text = stability_report(_records([("serial", [1.0, 1.01]),
                                            ("threads", [1.0, 1.6, 0.7])]))
    assert kind == "warning"
    assert text.startswith("threads ×2 is unstable over 3 runs: the standard deviation (")
    assert "serial" not in text and "cannot be trusted" in text


def test_nothing_repeated_says_nothing():
    assert stability_report(_records([("serial", [1.0]), ("threads", [2.0])])) is None
