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


def test_compare_modes_adds_interpreters_where_discovery_found_them_usable():
    from tests.other_pythons import discovered, other_python

    py313 = other_python("3.13")
    if not py313.probe.subinterpreters.usable:
        import pytest

        pytest.skip(f"subinterpreters are not usable in {py313.path}: "
                    f"{py313.probe.subinterpreters.reason}")
    found = list(discovered())
    settings = RunSettings().with_values(kernel="euclid", repeats=2)
    plan = comparison_plan(settings, found)
    extra = plan.runs[3]
    assert [s.mode for s in plan.runs] == [*COMPARED_MODES, "interpreters"] * 2
    # the first in discovery's order where they work (newest first)
    first = next(i for i in found if i.usable and i.probe.subinterpreters.usable)
    assert extra.python == first.path and extra.kernel == "euclid"
    assert {s.python for s in plan.runs[:3]} == {None}
    # A native kernel cannot be loaded in subinterpreters: nothing is added.
    native = comparison_plan(settings.with_values(kernel="bruteforce-native"), found)
    assert [s.mode for s in native.runs] == list(COMPARED_MODES) * 2
    # Nothing found: Compare modes is unchanged.
    assert comparison_plan(settings, []) == comparison_plan(settings)


def test_compare_modes_adds_threads_in_a_free_threaded_python():
    from tests.other_pythons import free_threaded_python

    free = free_threaded_python()  # skips, saying why, where there is none
    plan = comparison_plan(RunSettings(), [free])
    assert plan.runs[-1].mode == "threads" and plan.runs[-1].python == free.path
