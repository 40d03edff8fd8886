"""A sweep and a map as sessions keep them: round trips, and bad input named."""

import json

import pytest

from gcdapp.core.experiment_json import (
    ExperimentFormatError, leverage_from_json, leverage_to_json, sweep_from_json, sweep_to_json,
)
from gcdapp.core.leverage import LeverageMap
from gcdapp.core.presets import SEED_NUMBERS
from gcdapp.core.run_settings import RunSettings
from gcdapp.core.sweep import Sweep


@pytest.fixture(scope="module")
def sweep():
    settings = RunSettings().with_values(mode="threads", kernel="euclid", repeats=2)
    return Sweep(SEED_NUMBERS, settings, (1, 2), order_seed=3).execute()


@pytest.fixture(scope="module")
def leverage():
    return LeverageMap((3, 30), (1, 10), ("builtin", "bruteforce"), "threads",
                       rounds=2).execute()


def test_a_sweep_comes_back_with_the_same_points_and_fits(sweep):
    text = json.dumps(sweep_to_json(sweep), allow_nan=False)
    back = sweep_from_json(json.loads(text))
    assert back.to_json() == sweep.to_json()
    assert back.measurements == sweep.measurements
    assert all(m.info.python is not None for m in back.measurements)  # where each ran


def test_a_map_comes_back_with_every_cell_skipped_ones_too(leverage):
    assert any(c.skipped for c in leverage.cells)  # bruteforce on 30 digits
    text = json.dumps(leverage_to_json(leverage), allow_nan=False)
    back = leverage_from_json(json.loads(text))
    assert back == leverage


@pytest.mark.parametrize("change, where, what", [
    (lambda d: d.pop("mode"), "mode", "is missing"),
    (lambda d: d.update(status="done"), "status", "should be one of"),
    (lambda d: d["measurements"][1].update(wall_s="fast"), "measurements[1].wall_s",
     "should be a number, not a string"),
    (lambda d: d["measurements"][0]["info"].update(workers=0), "measurements[0].info.workers",
     "should be at least 1, not 0"),
    (lambda d: d.update(measurements={}), "measurements", "should be a list"),
    (lambda d: d["measurements"][0]["info"]["python"].update(gil_enabled="maybe"),
     "measurements[0].info.python", "gil_enabled should be true or false"),
])
def test_a_bad_sweep_is_refused_naming_the_field(sweep, change, where, what):
    doc = sweep_to_json(sweep)
    change(doc)
    with pytest.raises(ExperimentFormatError) as info:
        sweep_from_json(doc)
    assert info.value.where == where
    assert what in info.value.what


@pytest.mark.parametrize("change, where, what", [
    (lambda d: d["cells"][0].update(speedups=[1.0, "x"]), "cells[0].speedups[1]",
     "should be a number"),
    (lambda d: d["cells"][0].update(speedups=[]), "cells[0].speedups", "non-empty list"),
    (lambda d: d["cells"][1]["per_task"].pop("compute_s"), "cells[1].per_task.compute_s",
     "is missing"),
    (lambda d: d.update(digits=["3"]), "digits", "list of whole numbers"),
    (lambda d: d.update(cells=[7]), "cells[0]", "should be an object, not an integer"),
])
def test_a_bad_map_is_refused_naming_the_field(leverage, change, where, what):
    doc = leverage_to_json(leverage)
    change(doc)
    with pytest.raises(ExperimentFormatError) as info:
        leverage_from_json(doc)
    assert info.value.where == where
    assert what in info.value.what
