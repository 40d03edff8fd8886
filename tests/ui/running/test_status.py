"""RunStatus: elapsed, counts, throughput and a progress bar, throttled."""

from __future__ import annotations

import pytest

from gcdapp.core.events import RunInfo
from gcdapp.ui.running.status import RunStatus, format_duration


def make_info(n_pairs: int) -> RunInfo:
    return RunInfo("processes", "euclid", 2, 100, None, n_pairs, n_pairs // 100)


@pytest.fixture
def status(qtbot):
    widget = RunStatus()
    qtbot.addWidget(widget)
    widget.resize(700, 30)
    return widget


def test_counts_are_current_and_the_text_follows_within_the_refresh_interval(status, qtbot):
    status.start(make_info(1000), "#1 · ")
    assert "0 / 1,000 pairs" in status.label.text()
    assert status.progress.text() == "0%"
    for _ in range(9):  # a burst: counted at once, shown a little later
        status.advance(100)
    assert status.done == 900 and status.total == 1000
    qtbot.waitUntil(lambda: "900 / 1,000 pairs" in status.label.text(),
                    timeout=int(1000 * (RunStatus.MIN_REFRESH_S + 1)))
    assert status.progress.value() == 900 and status.progress.text() == "90%"
    status.advance(100)
    status.finish("done")
    assert status.label.text() == "done"
    assert status.progress.text() == "100%"


def test_a_new_run_starts_at_zero_percent(status):
    status.start(make_info(100), "")
    status.advance(100)
    status.finish("first run done")
    assert status.progress.text() == "100%"
    status.start(make_info(100), "")
    assert status.progress.value() == 0 and status.progress.text() == "0%"


def test_a_burst_of_advances_refreshes_a_few_times_not_each_time(status, qtbot, monkeypatch):
    refreshes = []
    original = RunStatus._refresh

    def counting(self):
        refreshes.append(1)
        original(self)

    monkeypatch.setattr(RunStatus, "_refresh", counting)
    status.start(make_info(10_000), "")
    refreshes.clear()
    for _ in range(100):
        status.advance(10)
    assert len(refreshes) <= 2
    qtbot.waitUntil(lambda: "1,000 / 10,000 pairs" in status.label.text(), timeout=2000)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0.04, "0.0 s"), (12.34, "12.3 s"), (75, "1 min 15 s"), (3725, "1 h 02 min")],
)
def test_format_duration(seconds, text):
    assert format_duration(seconds) == text
