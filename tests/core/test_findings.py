"""Findings: the makespan bound, sentences built from real runs' measurements,
the stability flag and the recommendation."""

import numpy as np
import pytest

from gcdapp.core.engine import run_pairs
from gcdapp.core.events import RunSpec
from gcdapp.core.findings import (
    bound_speedup,
    comparison_findings,
    duration,
    makespan_bound,
    percent,
    run_findings,
    times,
)
from gcdapp.core.history import RunHistory, RunRecord
from gcdapp.core.pairs import as_pairs, pairs_fingerprint
from gcdapp.core.presets import SEED_NUMBERS

SEED = as_pairs(SEED_NUMBERS)


def _run(history, mode, kernel="euclid", workers=2, chunksize=1, pairs=SEED, wall=None,
         python=None):
    """A real run added to ``history`` (its wall time then set, when given)."""
    result = run_pairs(pairs, RunSpec(mode=mode, kernel=kernel, workers=workers,
                                      chunksize=chunksize, python=python))
    if wall is not None:
        result.wall_s = wall
    record = RunRecord(history.new_id(), f"#{len(history) + 1} {mode}",
                       pairs_fingerprint(as_pairs(pairs)), result)
    history.add(record)
    return record


def _serial_pair_costs(serial):
    """Per pair, its share of the serial run's measured task time."""
    tasks = serial.result.tasks
    costs = np.zeros(serial.result.info.n_pairs)
    for start, count, t0, t1 in zip(tasks.start, tasks.count, tasks.t_start, tasks.t_end):
        costs[start:start + count] = (t1 - t0) / count
    return costs


def _kinds(findings):
    return [f.kind for f in findings]


def _outside(serial, total):
    r = serial.result
    return max(0.0, r.wall_s - r.startup_s - r.shutdown_s - total)


def test_the_bound_is_the_makespan_of_the_serial_task_times_plus_start_up():
    history = RunHistory()
    serial = _run(history, "serial", kernel="bruteforce")
    threads = _run(history, "threads", kernel="bruteforce")
    costs = _serial_pair_costs(serial)
    longest, total, parent = costs.max(), costs.sum(), _outside(serial, costs.sum())
    bound = makespan_bound(threads, history, cores=2)
    assert bound.longest_s == pytest.approx(longest) and bound.total_s == pytest.approx(total)
    assert bound.parent_s == pytest.approx(parent)
    assert bound.workers == 2 and bound.startup_s == threads.result.startup_s
    expected = serial.result.wall_s / (max(longest, total / 2) + parent
                                       + threads.result.startup_s)
    assert bound_speedup(threads, history, cores=2) == pytest.approx(expected)
    # bruteforce tasks are long: the parent's share is small, the work sets the bound
    assert parent < total / 2 and bound.limit in ("longest", "share")
    assert bound.limit == ("longest" if longest >= total / 2 else "share")
    # one usable core: the workers cannot share the total
    assert makespan_bound(threads, history, cores=1).workers == 1
    assert bound_speedup(threads, history, cores=1) == pytest.approx(
        serial.result.wall_s / (total + parent + threads.result.startup_s))
    # the serial run itself: its own wall, less its shutdown
    assert bound_speedup(serial, history, cores=2) == pytest.approx(
        serial.result.wall_s / (serial.result.wall_s - serial.result.shutdown_s))
    assert bound.speedup <= 2


def test_when_tasks_are_tiny_the_parents_own_work_sets_the_bound():
    history = RunHistory()
    serial = _run(history, "serial", kernel="builtin")
    threads = _run(history, "threads", kernel="builtin")
    costs = _serial_pair_costs(serial)
    bound = makespan_bound(threads, history, cores=2)
    parent = _outside(serial, costs.sum())
    assert bound.parent_s == pytest.approx(parent)
    # ten builtin gcds take microseconds; handing them out and collecting them, more
    assert parent > max(costs.max(), costs.sum() / 2) and bound.limit == "parent"
    assert "The parent's own work" in run_findings(threads, history, cores=2)[0].text
    assert bound.speedup == pytest.approx(
        serial.result.wall_s / (max(costs.max(), costs.sum() / 2) + parent
                                + threads.result.startup_s))
    assert bound.speedup < 1.2  # no number of workers helps


def test_the_bound_uses_this_runs_chunks_and_shares_a_serial_chunk_among_its_pairs():
    history = RunHistory()
    serial = _run(history, "serial", chunksize=5)  # two tasks of five pairs
    threads = _run(history, "threads", chunksize=3)  # 0:3, 3:6, 6:9, 9:10
    costs = _serial_pair_costs(serial)
    per_task = [costs[0:3].sum(), costs[3:6].sum(), costs[6:9].sum(), costs[9:10].sum()]
    bound = makespan_bound(threads, history, cores=4)
    assert bound.longest_s == pytest.approx(max(per_task))
    assert bound.total_s == pytest.approx(sum(per_task))
    serial_tasks = serial.result.tasks
    assert bound.total_s == pytest.approx(float((serial_tasks.t_end - serial_tasks.t_start).sum()))


def test_without_a_serial_reference_there_is_no_bound_and_the_findings_say_so():
    history = RunHistory()
    threads = _run(history, "threads")
    assert bound_speedup(threads, history) is None
    _run(history, "serial", kernel="builtin")  # another kernel is no reference
    assert bound_speedup(threads, history) is None
    findings = run_findings(threads, history)
    assert findings[0].kind == "parallel"
    assert "No serial run of these pairs with the euclid kernel" in findings[0].text
    assert findings[-1].kind == "recommendation"
    assert "run serial too" in findings[-1].text


def test_a_parallel_run_is_put_against_serial_and_its_bound():
    history = RunHistory()
    _run(history, "serial")
    threads = _run(history, "threads")
    speedup, bound = history.speedup(threads), bound_speedup(threads, history, cores=2)
    text = run_findings(threads, history, cores=2)[0].text
    assert text.startswith(f"Threads ×2: {times(speedup)} serial, of a possible {times(bound)}.")
    assert "sets the bound" in text


def test_processes_name_their_start_up_and_lose_on_tiny_builtin_tasks():
    history = RunHistory()
    serial = _run(history, "serial", kernel="builtin")
    _run(history, "threads", kernel="builtin")
    processes = _run(history, "processes", kernel="builtin")
    findings = run_findings(processes, history, cores=2)
    assert f"Start-up took {duration(processes.result.startup_s)}" in findings[0].text
    # a pool's start-up is milliseconds; ten builtin gcds are microseconds
    assert processes.result.startup_s > serial.result.wall_s
    startup = next(f for f in findings if f.kind == "startup")
    assert startup.text.startswith("Start-up alone (")
    assert "longer than the whole serial run" in startup.text
    recommendation = findings[-1]
    assert recommendation.kind == "recommendation"
    assert recommendation.text.startswith("Recommendation: serial for these pairs.")


def test_unstable_repeats_say_the_numbers_cannot_be_trusted():
    history = RunHistory()
    _run(history, "serial", wall=1.0)
    _run(history, "serial", wall=1.01)
    noisy = [_run(history, "threads", wall=w) for w in (1.0, 1.6, 0.7)]
    findings = run_findings(noisy[-1], history)
    unstable = [f for f in findings if f.kind == "unstable"]
    assert len(unstable) == 1
    assert unstable[0].text.startswith("Not trustworthy: Threads ×2 is unstable over 3 runs: "
                                       "the standard deviation (")
    assert "unstable" in findings[-1].text  # the recommendation is hedged
    # a steady group is not flagged
    steady = RunHistory()
    _run(steady, "serial", wall=1.0)
    last = [_run(steady, "threads", wall=w) for w in (0.5, 0.51, 0.49)][-1]
    assert "unstable" not in _kinds(run_findings(last, steady))
    # an unstable serial reference makes the speedup untrustworthy too
    shaky = RunHistory()
    for w in (1.0, 2.0, 0.6):
        _run(shaky, "serial", wall=w)
    threads = _run(shaky, "threads", wall=0.5)
    texts = [f.text for f in run_findings(threads, shaky) if f.kind == "unstable"]
    assert len(texts) == 1 and texts[0].startswith("Not trustworthy: Serial is unstable")


def test_the_recommendation_is_the_fastest_mode_worth_its_cost():
    history = RunHistory()
    serial = _run(history, "serial", wall=1.0)
    threads = _run(history, "threads", wall=1.02)
    processes = _run(history, "processes", wall=0.5)
    findings = comparison_findings([serial, threads, processes], history)
    text = findings[-1].text
    assert findings[-1].kind == "recommendation"
    assert text.startswith("Recommendation: Processes ×2 for these pairs, 2.00× serial: ")
    assert "repeats" in _kinds(findings)  # each ran once
    # a gain under 10 % is not worth it: serial
    close = RunHistory()
    serial = _run(close, "serial", wall=1.0)
    threads = _run(close, "threads", wall=0.95)
    text = comparison_findings([serial, threads], close)[-1].text
    assert text.startswith("Recommendation: serial for these pairs. The fastest other mode, "
                           "Threads ×2, ran at 1.05× serial")


def test_a_comparison_explains_each_mode_once_and_flags_mixed_workloads():
    history = RunHistory()
    runs = [_run(history, mode) for mode in ("serial", "threads", "serial", "threads")]
    findings = comparison_findings(runs, history)
    assert _kinds(findings).count("serial") == 1 and _kinds(findings).count("parallel") == 1
    assert "mixed" not in _kinds(findings) and "repeats" not in _kinds(findings)
    other = _run(history, "serial", pairs=[(12, 18), (7, 21)])
    findings = comparison_findings(runs + [other], history)
    assert findings[0].kind == "mixed" and "2 different pair lists" in findings[0].text
    assert _kinds(findings).count("recommendation") == 2


def test_a_run_that_did_not_complete_has_no_findings_but_its_status():
    history = RunHistory()
    serial = _run(history, "serial")
    serial.result.status = "cancelled"
    findings = run_findings(serial, history)
    assert [f.kind for f in findings] == ["status"]
    assert "cancelled" in findings[0].text
    assert bound_speedup(serial, history) is None
    assert comparison_findings([serial], history)[0].kind == "status"


def test_figures_read_the_way_the_issue_writes_them():
    assert duration(1.234) == "1.23 s" and duration(0.071) == "71 ms"
    assert duration(0.0000201) == "20.1 µs" and duration(1.5e-7) == "150 ns"
    assert percent(0.49) == "49 %" and percent(0.002) == "0.2 %"
    assert times(1.7712) == "1.77×" and times(0.0014) == "0.0014×"


def test_threads_on_the_seed_bruteforce_name_the_gil():
    from gcdapp.core.anatomy import breakdown

    history = RunHistory()
    _run(history, "serial", kernel="bruteforce")
    threads = _run(history, "threads", kernel="bruteforce")
    share = breakdown(threads.result).wait_share
    findings = run_findings(threads, history, cores=2)
    gil = [f for f in findings if f.kind == "gil"]
    assert len(gil) == 1 and "GIL" in gil[0].text and percent(share) in gil[0].text
    assert share >= 0.3  # what the seed's threads measure: one runs at a time
    if history.speedup(threads) < 1.10:
        assert gil[0].text.startswith(f"No gain: each thread waited for the GIL {percent(share)}")
    else:  # the machine's drift favoured them; the finding still says why it is not theirs
        assert gil[0].text.startswith(f"Yet each thread waited for the GIL {percent(share)}")
    # the comparison names it too
    assert any(f.kind == "gil" for f in comparison_findings(list(history), history, cores=2))


def test_processes_with_the_builtin_kernel_name_leverage_and_lose():
    from gcdapp.core.anatomy import breakdown

    history = RunHistory()
    _run(history, "serial", kernel="builtin")
    processes = _run(history, "processes", kernel="builtin")
    b = breakdown(processes.result)
    moving = b.pickle_s + b.unpickle_s + b.transfer_s
    assert b.bytes_in > 0 and moving > b.compute_s  # a gcd costs less than its trip
    findings = run_findings(processes, history, cores=2)
    leverage = [f for f in findings if f.kind == "leverage"]
    assert len(leverage) == 1
    n = len(processes.result.tasks)
    assert leverage[0].text == (
        f"Leverage: {duration(b.compute_s / n)} of compute per task against "
        f"{duration(moving / n)} of pickling and copying: processes lose. Run serial, or "
        "send more pairs per task if the tasks are small.")
    assert findings[-1].text.startswith("Recommendation: serial")
    # in process nothing is pickled: no leverage finding for threads
    threads = _run(history, "threads", kernel="builtin")
    assert "leverage" not in _kinds(run_findings(threads, history, cores=2))


def test_runs_saved_before_the_anatomy_was_measured_claim_nothing_about_it():
    import dataclasses

    from gcdapp.core.events import TASK_ANATOMY_FIELDS

    history = RunHistory()
    _run(history, "serial", kernel="builtin")
    processes = _run(history, "processes", kernel="builtin")
    threads = _run(history, "threads", kernel="bruteforce")
    for record in (processes, threads):
        # what an older session holds: the anatomy arrays unknown
        old = dataclasses.replace(record.result.tasks, **{f: None for f in TASK_ANATOMY_FIELDS})
        record.result = dataclasses.replace(record.result, tasks=old)
    kinds = _kinds(run_findings(processes, history, cores=2))
    assert "leverage" not in kinds and "starved" not in kinds
    assert "parallel" in kinds and "recommendation" in kinds
    assert "gil" not in _kinds(run_findings(threads, history, cores=2))


def test_threads_held_by_the_gil_are_not_recommended_even_when_they_measured_faster():
    history = RunHistory()
    serial = _run(history, "serial", kernel="bruteforce", wall=1.0)
    threads = _run(history, "threads", kernel="bruteforce", wall=0.5)  # as if by drift
    text = comparison_findings([serial, threads], history, cores=2)[-1].text
    assert text.startswith("Recommendation: serial for these pairs. Threads ×2 measured 2.00× "
                           "serial but waited for the GIL ")
    assert "cannot come from computing in parallel" in text
    processes = _run(history, "processes", kernel="bruteforce", wall=0.6)
    text = comparison_findings([serial, threads, processes], history, cores=2)[-1].text
    assert text.startswith("Recommendation: Processes ×2 for these pairs, 1.67× serial: ")
    assert "Threads ×2 measured 2.00× serial but waited for the GIL" in text


def test_a_speedup_above_its_bound_says_the_serial_reference_was_slowed():
    from gcdapp.core.findings import run_findings
    from gcdapp.core.history import RunHistory, RunRecord

    pairs = as_pairs(SEED_NUMBERS)
    serial = run_pairs(pairs, RunSpec(mode="serial", kernel="euclid"))
    threads = run_pairs(pairs, RunSpec(mode="threads", kernel="euclid", workers=2))
    # The serial run as if the machine had slowed it down: its wall and its
    # tasks twenty times as long as measured, every extra moment spent waiting.
    serial.wall_s *= 20
    serial.tasks.t_end[:] = serial.tasks.t_start + 20 * (serial.tasks.t_end - serial.tasks.t_start)
    history = RunHistory()
    history.add(RunRecord(1, "#1 serial", "fp", serial))
    history.add(RunRecord(2, "#2 threads ×2", "fp", threads))
    texts = " ".join(f.text for f in run_findings(history.records[1], history))
    assert "overstates the gain" in texts
    assert "waited" in texts  # the reference's own wait is named


def test_a_run_in_another_python_is_put_against_serial_in_that_python_when_there_is_one():
    from tests.other_pythons import other_python

    other = other_python("3.12")
    history = RunHistory()
    serial_here = _run(history, "serial")
    threads = _run(history, "threads", python=other.path)
    assert history.baseline(threads) is serial_here  # the only serial run
    said = " ".join(f.text for f in run_findings(threads, history, cores=2))
    assert f"ran in Python {other.label}, its serial reference in " in said
    assert "like-for-like" in said
    serial_there = _run(history, "serial", python=other.path)
    _run(history, "serial")  # a later serial run here does not take its place
    assert history.baseline(threads) is serial_there
    assert "interpreter" not in _kinds(run_findings(threads, history, cores=2))
