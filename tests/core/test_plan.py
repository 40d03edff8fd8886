"""Run plans: what Run and Compare modes run, in what order."""

from gcdapp.core.plan import COMPARED_MODES, comparison_plan, modes_plan, run_plan
from gcdapp.core.run_settings import RunSettings


def test_a_run_is_its_spec_repeated():
    settings = RunSettings().with_values(mode="threads", workers=3, repeats=2)
    plan = run_plan(settings)
    assert plan.runs == (settings.run_spec(),) * 2 and plan.warm_up == ()


def test_a_comparison_interleaves_modes_and_gives_each_only_what_it_uses():
    settings = RunSettings().with_values(mode="serial", workers=3, kernel="euclid",
                                         chunksize=7, start_method="spawn", repeats=2)
    plan = comparison_plan(settings)
    assert [s.mode for s in plan.runs] == list(COMPARED_MODES) * 2  # A B C A B C
    serial, threads, processes = plan.runs[:3]
    assert {s.kernel for s in plan.runs} == {"euclid"} and {s.chunksize for s in plan.runs} == {7}
    # The worker count chosen while serial was shown still reaches the pools.
    assert serial.workers is None and threads.workers == 3 and processes.workers == 3
    assert serial.start_method is None and threads.start_method is None
    assert processes.start_method == "spawn"


def test_without_interleaving_each_mode_runs_its_repeats_together():
    settings = RunSettings().with_values(repeats=3, interleave=False)
    modes = [s.mode for s in comparison_plan(settings).runs]
    assert modes == ["serial"] * 3 + ["threads"] * 3 + ["processes"] * 3


def test_a_warm_up_runs_each_spec_once_first():
    settings = RunSettings().with_values(repeats=2, warm_up=True)
    plan = comparison_plan(settings)
    assert [s.mode for s in plan.warm_up] == list(COMPARED_MODES)
    assert plan.warm_up == plan.runs[:3]
    assert run_plan(settings).warm_up == (settings.run_spec(),)


def test_a_comparison_skips_modes_that_are_not_registered():
    assert [s.mode for s in modes_plan(RunSettings(), ("serial", "nowhere")).runs] == ["serial"]
