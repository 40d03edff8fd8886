import threading

import numpy as np

from gcdapp.core.events import RunSpec
from gcdapp.core.kernels import KERNELS
from gcdapp.ui.running.coordinator import Job, RunCoordinator
from tests.core import faulty_kernels as fk


def test_shutdown_waits_once_for_a_stuck_run_then_gives_up_at_once(qtbot, monkeypatch):
    # A kernel that never looks at the stop flag holds the coordinator
    # thread: quitting waits for it once, and every later shutdown (the
    # window's, aboutToQuit's, finish_app's) returns without waiting again.
    monkeypatch.setitem(KERNELS, "euclid", fk.BLOCKS)
    fk.RELEASE.clear()
    fk.ENTERED.clear()
    coordinator = RunCoordinator()
    coordinator.start(Job(np.array([(4, 6), (8, 12)]),
                          ((1, RunSpec(mode="threads", kernel="euclid", workers=2, chunksize=1)),)))
    try:
        assert fk.ENTERED.wait(30)
        assert coordinator.shutdown(200) is False
        # Released while a second shutdown would still be waiting, had it
        # waited: it would then return True.
        threading.Timer(1.0, fk.RELEASE.set).start()
        assert coordinator.shutdown(20_000) is False
    finally:
        fk.RELEASE.set()
        assert coordinator._thread.wait(30_000)


def test_whoever_hears_an_experiment_finish_finds_the_coordinator_idle(qtbot):
    # (experimentFinished used to arrive before the job's end was handled:
    # a listener saw the coordinator still busy and could not start a job)
    from gcdapp.core.run_settings import RunSettings
    from gcdapp.core.sweep import Sweep
    from gcdapp.ui.running.coordinator import ExperimentJob

    coordinator = RunCoordinator()
    seen = []

    def heard(kind, result):
        seen.append((kind, result.status, coordinator.busy))
        coordinator.start(Job(np.array([[12, 18]]), ((1, RunSpec(mode="serial")),)))

    coordinator.experimentFinished.connect(heard)
    settings = RunSettings().with_values(mode="threads", kernel="euclid")
    sweep = Sweep(np.array([[12, 18], [7, 21]]), settings, (1, 2))
    with qtbot.waitSignal(coordinator.runFinished, timeout=30_000):
        coordinator.start(ExperimentJob("sweep", sweep))
    assert seen == [("sweep", "completed", False)]
    qtbot.waitUntil(lambda: not coordinator.busy, timeout=10_000)
    coordinator.shutdown()
