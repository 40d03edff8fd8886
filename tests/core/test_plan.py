"""Run plans: what Run and Compare modes run, in what order."""

from gcdapp.core.plan import COMPARED_MODES, comparison_plan, run_plan
from gcdapp.core.run_settings import RunSettings


def test_a_run_is_its_spec_repeated():
    settings = RunSettings().with_values(mode="threads", workers=3, repeats=2)
    assert run_plan(settings) == [settings.run_spec()] * 2


def test_a_comparison_interleaves_modes_and_gives_each_only_what_it_uses():
    settings = RunSettings().with_values(mode="serial", workers=3, kernel="euclid",
                                         chunksize=7, start_method="spawn", repeats=2)
    plan = comparison_plan(settings)
    assert [s.mode for s in plan] == list(COMPARED_MODES) * 2  # A B C A B C
    serial, threads, processes = plan[:3]
    assert {s.kernel for s in plan} == {"euclid"} and {s.chunksize for s in plan} == {7}
    # The worker count chosen while serial was shown still reaches the pools.
    assert serial.workers is None and threads.workers == 3 and processes.workers == 3
    assert serial.start_method is None and threads.start_method is None
    assert processes.start_method == "spawn"


def test_a_comparison_skips_modes_that_are_not_registered():
    assert [s.mode for s in comparison_plan(RunSettings(), ("serial", "nowhere"))] == ["serial"]
