"""A sweep and a map as CSV."""

import csv
import io

from gcdapp.core.experiment_csv import LEVERAGE_COLUMNS, SWEEP_COLUMNS, leverage_csv, sweep_csv
from gcdapp.core.leverage import LeverageMap
from gcdapp.core.presets import SEED_NUMBERS
from gcdapp.core.run_settings import RunSettings
from gcdapp.core.sweep import Sweep


def rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_a_sweep_has_a_row_per_point_with_its_speedups_and_the_fits():
    settings = RunSettings().with_values(mode="threads", kernel="euclid", repeats=2)
    result = Sweep(SEED_NUMBERS, settings, (1, 2, 3)).execute()
    text = sweep_csv(result)
    assert text.splitlines()[0] == ",".join(SWEEP_COLUMNS)
    got = rows(text)
    assert [int(r["workers"]) for r in got] == [1, 2, 3]
    for row, point in zip(got, result.points):
        assert float(row["speedup_median"]) == point.speedup
        assert float(row["speedup_min"]) <= point.speedup <= float(row["speedup_max"])
        assert row["oversubscribed"] == ("true" if point.oversubscribed else "false")
    assert row["karp_flatt"] and float(row["karp_flatt"]) == result.points[-1].karp_flatt
    if result.amdahl is not None:
        assert float(got[0]["amdahl_serial_fraction"]) == result.amdahl.serial_fraction


def test_a_map_has_a_row_per_cell_skipped_ones_with_why():
    result = LeverageMap((3, 30), (1,), ("bruteforce",), "threads", rounds=1).execute()
    got = rows(leverage_csv(result))
    assert list(got[0]) == list(LEVERAGE_COLUMNS)
    assert [(r["digits"], r["chunksize"]) for r in got] == [("3", "1"), ("30", "1")]
    assert float(got[0]["speedup"]) == result.cell("bruteforce", 3, 1).speedup
    assert got[1]["speedup"] == "" and "candidates a pair" in got[1]["skipped"]
