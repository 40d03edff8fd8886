"""The backend seam is real: a backend defined here, in the test module, runs
through the engine, the CLI and the window's mode list once it is registered,
with no change to any of them."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from gcdapp.core import backends
from gcdapp.core.backends import Backend, Capabilities
from gcdapp.core.engine import run_pairs
from gcdapp.core.events import RunSpec
from gcdapp.core.presets import SEED_NUMBERS, SEED_RESULTS

NAME = "own-pool"


class OwnPoolBackend(Backend):
    """Tasks on a thread pool of this test's own, at most three workers, with
    lane labels of its own."""

    title = "Own pool"
    description = "A ThreadPoolExecutor that the seam test brings along."

    def probe_capabilities(self):
        return Capabilities(max_workers=3)

    def create(self, workers, start_method, kernel=None):
        return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="own-pool")

    def lane_label(self, pid, thread):
        return "own lane " + thread.rsplit("_", 1)[-1]


class NowhereBackend(Backend):
    title = "Nowhere"
    description = "A backend this machine cannot run."

    def probe_capabilities(self):
        return Capabilities(unavailable_reason="needs hardware this machine lacks")


@pytest.fixture
def own_pool():
    backends.register(NAME, OwnPoolBackend)
    backends.register("nowhere", NowhereBackend())
    yield NAME
    backends.unregister(NAME)
    backends.unregister("nowhere")


def test_the_engine_runs_a_registered_backend(own_pool):
    result = run_pairs(SEED_NUMBERS, RunSpec(mode=own_pool, kernel="euclid", workers=8, chunksize=2))
    assert result.status == "completed"
    assert result.result_list() == list(SEED_RESULTS)
    assert result.info.mode == own_pool
    assert result.info.workers == 3  # the backend's limit, not the request
    assert result.info.start_method is None
    assert result.tasks.lanes and set(result.tasks.lanes) <= {"own lane 0", "own lane 1", "own lane 2"}
    # The pool was the test's own: no thread of it outlives the run.
    assert not [t for t in threading.enumerate() if t.name.startswith("own-pool")]


def test_the_engine_refuses_an_unavailable_registered_backend(own_pool):
    from gcdapp.core.engine import check_run
    from gcdapp.core.pairs import as_pairs

    problems = check_run(as_pairs(SEED_NUMBERS), RunSpec(mode="nowhere", kernel="euclid"))
    assert problems == ["Nowhere mode is unavailable: needs hardware this machine lacks"]


def test_the_cli_runs_a_registered_backend(own_pool, capsys):
    from gcdapp.cli.main import EXIT_OK, main

    code = main(["run", "--preset", "seed", "--mode", f"serial,{own_pool}", "--kernel", "euclid",
                 "--workers", "2", "--json", "-", "--quiet"])
    out = capsys.readouterr().out
    assert code == EXIT_OK
    records = json.loads(out[out.index("[") :])
    assert [r["mode"] for r in records] == ["serial", own_pool]
    assert records[1]["results"] == list(SEED_RESULTS)
    assert records[1]["workers"] == 2


def test_the_cli_lists_registered_modes_and_refuses_unknown_ones(own_pool, capsys):
    from gcdapp.cli.main import EXIT_BAD_INPUT, main

    with pytest.raises(SystemExit) as exit_info:
        main(["run", "--preset", "seed", "--mode", "no-such-pool"])
    assert exit_info.value.code == EXIT_BAD_INPUT
    assert f"choose from serial, threads, processes, interpreters, dask, {own_pool}, nowhere" in (
        capsys.readouterr().err)


def test_the_window_mode_list_offers_a_registered_backend(own_pool, qtbot):
    from PySide6.QtCore import Qt

    from gcdapp.ui.running.settings_panel import ModePanel

    panel = ModePanel()
    qtbot.addWidget(panel)
    row = panel.mode.findData(own_pool)
    assert row >= 0 and panel.mode.itemText(row) == "Own pool"
    assert panel.mode.model().item(row).isEnabled()
    assert "brings along" in panel.mode.itemData(row, Qt.ItemDataRole.ToolTipRole)
    panel.mode.setCurrentIndex(row)
    panel.workers.setValue(2)
    assert panel.workers.isEnabled() and not panel.start_method.isEnabled()
    spec = panel.spec()
    assert spec.mode == own_pool and spec.workers == 2 and spec.start_method is None

    nowhere = panel.mode.findData("nowhere")
    assert nowhere >= 0 and not panel.mode.model().item(nowhere).isEnabled()
    assert "Unavailable: needs hardware this machine lacks" in panel.mode.itemData(
        nowhere, Qt.ItemDataRole.ToolTipRole)
