"""The cluster line of the status bar, and quitting during a dask run."""

from __future__ import annotations

import pytest

pytest.importorskip("distributed")

from gcdapp.core.events import ClusterInfo  # noqa: E402
from gcdapp.core.generate import generate_pairs  # noqa: E402
from gcdapp.ui.running.cluster_status import ClusterStatus, cluster_text  # noqa: E402
from tests.conftest import wait_no_pool_processes  # noqa: E402


def test_the_line_names_the_scheduler_the_workers_and_links_the_dashboard(qtbot):
    cluster = ClusterInfo("tcp://10.0.0.5:8786", ("tcp://10.0.0.6:4000", "tcp://10.0.0.7:4000"),
                          local=False, dashboard="http://127.0.0.1:40001/status",
                          clock_corrected=True)
    text = cluster_text(cluster)
    assert text.startswith("Dask scheduler tcp://10.0.0.5:8786 · 2 workers")
    assert "times clock-corrected" in text
    assert '<a href="http://127.0.0.1:40001/status">dashboard</a>' in text
    line = ClusterStatus()
    qtbot.addWidget(line)
    assert line.isHidden()


def test_a_dask_run_shows_its_cluster_and_closing_the_window_mid_run_leaves_no_process(
        qtbot, window):
    from gcdapp.core.backends import dask as dask_backend

    panel = window.panel
    panel.mode.setCurrentIndex(panel.mode.findData("processes"))
    # The cluster's own settings show only for dask (they would crowd the others).
    assert not panel.scheduler.isVisibleTo(window) and not panel.dashboard.isEnabled()
    panel.mode.setCurrentIndex(panel.mode.findData("dask"))
    assert panel.scheduler.isVisibleTo(window) and panel.tls.isVisibleTo(window)
    panel.kernel.setCurrentIndex(panel.kernel.findData("bruteforce"))
    panel.workers.setValue(2)
    panel.chunksize.setValue(1)
    assert panel.scheduler.isEnabled() and panel.dashboard.isEnabled()
    # Minutes of brute force: the window closes long before the end.
    window.workspace.set_pairs(generate_pairs(4000, 7, 2))
    with qtbot.waitSignal(window.runner.coordinator.tasksCompleted, timeout=120_000):
        assert window.runner.start_run()
    assert window.runner.running
    line = window.cluster_status
    assert line.isVisible()
    assert "Dask local cluster tcp://127.0.0.1:" in line.text() and "2 workers" in line.text()
    assert all(w.startswith("tcp://127.0.0.1:") for w in line.cluster.workers)
    window.close()
    assert not window.runner.coordinator._thread.isRunning()
    assert not dask_backend.local_cluster_running()
    assert wait_no_pool_processes(15) == []
