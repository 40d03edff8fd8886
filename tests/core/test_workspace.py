"""The Qt-free workspace: every change goes through a method and is announced."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from gcdapp.core.engine import run_pairs
from gcdapp.core.events import RunSpec
from gcdapp.core.history import RunRecord
from gcdapp.core.pairs import pairs_fingerprint, pairs_to_list
from gcdapp.core.presets import SEED_NUMBERS
from gcdapp.core.run_settings import RunSettings
from gcdapp.core.workspace import Workspace

HUGE = 2**70


class Recorder:
    """Every event of a workspace, in order, as (name, argument)."""

    def __init__(self, workspace: Workspace):
        self.events: list[tuple[str, object]] = []
        for event in workspace.events:
            event.connect(lambda arg, name=event.name: self.events.append((name, arg)))

    def names(self) -> list[str]:
        return [name for name, _ in self.events]

    def pair_kinds(self) -> list[str]:
        return [arg.kind for name, arg in self.events if name == "pairs_changed"]


@pytest.fixture
def workspace() -> Workspace:
    return Workspace(SEED_NUMBERS)


@pytest.fixture(scope="module")
def serial_run() -> tuple[RunRecord, np.ndarray]:
    pairs = np.array(SEED_NUMBERS, dtype=np.int64)
    result = run_pairs(pairs, RunSpec(mode="serial", kernel="euclid"))
    assert result.status == "completed"
    return RunRecord(1, "#1 serial", pairs_fingerprint(pairs), result), pairs


def test_a_new_workspace_is_empty_unmodified_and_has_default_settings():
    workspace = Workspace()
    assert workspace.pairs.shape == (0, 2) and workspace.pairs.dtype == np.int64
    assert workspace.settings == RunSettings(RunSpec(), 1)
    assert len(workspace.history) == 0 and dict(workspace.pairs_of) == {}
    assert workspace.path is None and not workspace.modified


def test_the_pairs_are_a_read_only_copy_of_what_was_given():
    given = np.array(SEED_NUMBERS, dtype=np.int64)
    workspace = Workspace(given)
    given[0, 0] = 999
    assert workspace.value(0, 0) == SEED_NUMBERS[0][0]
    with pytest.raises(ValueError):
        workspace.pairs[0, 0] = 1


def test_each_pair_change_is_announced_with_what_changed_and_marks_it_modified(workspace):
    events = Recorder(workspace)
    workspace.insert_pairs(2, [(1, 2), (3, 4)])
    assert events.names() == ["pairs_changed", "modified_changed"]
    change = events.events[0][1]
    assert (change.kind, change.row, change.count) == ("insert", 2, 2)
    assert workspace.modified and workspace.pairs[2:4].tolist() == [[1, 2], [3, 4]]

    rows, values = workspace.remove_rows([5, 0, 3])
    assert rows.tolist() == [0, 3, 5] and values.tolist() == [
        list(SEED_NUMBERS[0]), [3, 4], list(SEED_NUMBERS[3])]
    workspace.restore_rows(rows, values)
    workspace.set_value(1, 1, -5)
    workspace.set_pairs([(7, 7)])
    assert events.pair_kinds() == ["insert", "remove", "restore", "value", "reset"]
    assert events.names().count("modified_changed") == 1  # it stayed modified
    assert pairs_to_list(workspace.pairs) == [(7, 7)]


def test_remove_then_restore_gives_back_the_pairs_in_their_places(workspace):
    before = workspace.pairs.tolist()
    for rows in ([4], [1, 2, 3], [0, 9], [8, 1, 5]):
        removed = workspace.remove_rows(rows)
        assert len(workspace) == len(before) - len(set(rows))
        workspace.restore_rows(*removed)
        assert workspace.pairs.tolist() == before


def test_a_value_beyond_64_bits_makes_the_pairs_python_ints_until_none_is_left(workspace):
    workspace.set_value(0, 0, HUGE)
    assert workspace.pairs.dtype == object and workspace.value(0, 0) == HUGE
    workspace.set_value(0, 0, 5)
    assert workspace.pairs.dtype == np.int64
    workspace.insert_pairs(0, [(HUGE, 1)])
    workspace.remove_rows([0])
    assert workspace.pairs.dtype == np.int64


def test_an_array_handed_out_keeps_its_values_after_the_pairs_are_replaced(workspace):
    old = workspace.pairs
    workspace.set_pairs([(1, 1)])
    workspace.insert_pairs(0, [(2, 2)])
    workspace.remove_rows([1])
    assert old.tolist() == [list(p) for p in SEED_NUMBERS]


def test_bad_changes_are_refused_and_change_nothing(workspace):
    events = Recorder(workspace)
    before = workspace.pairs.tolist()
    with pytest.raises(IndexError, match="out of range"):
        workspace.insert_pairs(99, [(1, 1)])
    with pytest.raises(IndexError, match="out of range"):
        workspace.remove_rows([3, 10])
    with pytest.raises(ValueError, match="not editable"):
        workspace.set_value(0, 2, 1)
    with pytest.raises(ValueError, match="2 rows but 1 values"):
        workspace.restore_rows(np.array([1, 3]), np.array([[1, 1]]))
    with pytest.raises(TypeError, match="RunSettings"):
        workspace.set_settings(RunSpec())
    workspace.insert_pairs(0, [])  # nothing to insert: no event
    workspace.remove_rows([])
    assert workspace.pairs.tolist() == before and events.events == [] and not workspace.modified


def test_settings_are_announced_only_when_they_change():
    workspace = Workspace()
    events = Recorder(workspace)
    choices = RunSettings(RunSpec(mode="threads", kernel="euclid", workers=3), repeats=2)
    workspace.set_settings(choices)
    workspace.set_settings(RunSettings(RunSpec(mode="threads", kernel="euclid", workers=3), 2))
    assert events.events == [("settings_changed", choices), ("modified_changed", True)]
    assert workspace.settings is choices


def test_run_spec_drops_what_the_mode_ignores():
    spec = RunSpec(mode="serial", kernel="euclid", workers=4, start_method="spawn")
    assert RunSettings(spec).run_spec() == RunSpec(mode="serial", kernel="euclid")
    threads = RunSettings(RunSpec(mode="threads", workers=4, start_method="spawn")).run_spec()
    assert threads.workers == 4 and threads.start_method is None


def test_runs_are_added_replaced_and_cleared_with_their_pairs(serial_run):
    record, pairs = serial_run
    workspace = Workspace(pairs)
    workspace.mark_saved("/tmp/x.gcdapp.json")
    events = Recorder(workspace)
    with pytest.raises(KeyError, match="no pairs"):
        workspace.add_run(record)  # its pairs were never given
    assert len(workspace.history) == 0 and events.events == []

    kept = workspace.add_pair_set(record.fingerprint, pairs)
    assert workspace.add_pair_set(record.fingerprint, pairs.copy()) is kept  # first one wins
    workspace.add_run(record)
    assert [r.run_id for r in workspace.history] == [1] and workspace.modified
    assert events.events[0][0] == "runs_changed" and events.events[0][1].kind == "added"
    assert events.events[0][1].record is record

    with pytest.raises(KeyError):
        workspace.set_runs([record], {})  # a missing pair set changes nothing
    assert [r.run_id for r in workspace.history] == [1]
    workspace.set_runs([record, record], {record.fingerprint: pairs})
    assert len(workspace.history) == 2 and list(workspace.pairs_of) == [record.fingerprint]
    workspace.clear_runs()
    assert len(workspace.history) == 0 and dict(workspace.pairs_of) == {}
    assert [arg.kind for name, arg in events.events if name == "runs_changed"] == \
        ["added", "reset", "reset"]
    assert workspace.path == "/tmp/x.gcdapp.json"


def test_pairs_of_cannot_be_changed_from_outside(serial_run):
    record, pairs = serial_run
    workspace = Workspace(pairs)
    workspace.add_run(record, pairs)
    with pytest.raises(TypeError):
        workspace.pairs_of["other"] = pairs


def test_mark_saved_clears_the_flag_once(workspace):
    events = Recorder(workspace)
    workspace.set_value(0, 0, 1)
    workspace.mark_saved("/tmp/a.gcdapp.json")
    workspace.mark_saved()
    assert [e for e in events.events if e[0] == "modified_changed"] == [
        ("modified_changed", True), ("modified_changed", False)]
    assert workspace.path == "/tmp/a.gcdapp.json" and not workspace.modified


def test_a_failing_view_leaves_the_state_changed_and_the_other_views_told(workspace, monkeypatch):
    reported = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, value, tb: reported.append(value))
    seen = []

    def broken(change):
        raise ValueError("a broken view")

    workspace.events.pairs_changed.connect(broken)
    workspace.events.pairs_changed.connect(lambda change: seen.append(len(workspace)))
    workspace.insert_pairs(0, [(1, 1)])
    assert len(workspace) == len(SEED_NUMBERS) + 1 and seen == [len(SEED_NUMBERS) + 1]
    assert workspace.modified and [str(e) for e in reported] == ["a broken view"]
