"""Session files: round trips of real runs, and a clear SessionError for
every kind of bad file."""

from __future__ import annotations

import json
import os
import re

import numpy as np
import pytest

from gcdapp.core import session as session_mod
from gcdapp.core.engine import run_pairs
from gcdapp.core.events import TASK_ANATOMY_FIELDS, TASK_BYTE_FIELDS, RunSpec
from gcdapp.core.history import RunRecord
from gcdapp.core.pairs import as_pairs, pairs_fingerprint
from gcdapp.core.presets import SEED_NUMBERS
from gcdapp.core.run_settings import RunSettings
from gcdapp.core.session import (
    AutosaveMarker,
    Session,
    SessionError,
    decode_session,
    encode_session,
    load_session,
    looks_like_session,
    save_session,
)

HUGE = 2**70 + 12345  # beyond 64 bits


@pytest.fixture(scope="module")
def real_session() -> Session:
    """Seed pairs plus one pair beyond 64 bits, run serially, on threads and
    on processes by the real engine."""
    pairs = as_pairs(list(SEED_NUMBERS) + [(HUGE * 6, HUGE * 4)])
    fingerprint = pairs_fingerprint(pairs)
    runs = []
    for run_id, spec in enumerate(
        (
            RunSpec(mode="serial", kernel="euclid"),
            RunSpec(mode="threads", kernel="euclid", workers=2, chunksize=3),
            RunSpec(mode="processes", kernel="euclid", workers=2, chunksize=2),
        ),
        start=1,
    ):
        result = run_pairs(pairs, spec)
        assert result.status == "completed"
        runs.append(RunRecord(run_id, f"#{run_id} {spec.mode}", fingerprint, result))
    return Session(
        pairs=pairs,
        settings=RunSettings(RunSpec(mode="threads", kernel="euclid", workers=3, chunksize=7,
                                     start_method=None), 4),
        runs=tuple(runs),
        pair_sets={fingerprint: pairs},
    )


def assert_same_run(a: RunRecord, b: RunRecord) -> None:
    assert (a.run_id, a.label, a.fingerprint) == (b.run_id, b.label, b.fingerprint)
    ra, rb = a.result, b.result
    assert ra.info == rb.info
    assert (ra.status, ra.error, ra.failed_pairs) == (rb.status, rb.error, rb.failed_pairs)
    assert ra.wall_s == rb.wall_s and ra.startup_s == rb.startup_s
    assert ra.shutdown_s == rb.shutdown_s
    np.testing.assert_array_equal(ra.lane_startup_s, rb.lane_startup_s)  # (NaN == NaN here)
    assert ra.result_list() == rb.result_list()  # object results that fit come back int64
    np.testing.assert_array_equal(ra.done, rb.done)
    ta, tb = ra.tasks, rb.tasks
    np.testing.assert_array_equal(ra.lane_import_s, rb.lane_import_s)
    for name in ("start", "count", "t_start", "t_end", "lane", "pair_index",
                 *TASK_ANATOMY_FIELDS):
        np.testing.assert_array_equal(getattr(ta, name), getattr(tb, name), err_msg=name)
    assert ta.lanes == tb.lanes
    assert [int(g) for g in ta.gcd] == [int(g) for g in tb.gcd]


def test_a_session_with_real_runs_round_trips(tmp_path, real_session):
    path = tmp_path / "lab.gcdapp.json"
    save_session(path, real_session)
    loaded = load_session(path)

    assert loaded.pairs.dtype == object
    assert loaded.pairs.tolist() == real_session.pairs.tolist()
    assert loaded.pairs[-1, 0] == HUGE * 6
    assert loaded.settings == real_session.settings
    assert loaded.settings.repeats == 4
    assert loaded.gcdapp_version == session_mod.__version__
    assert loaded.saved_at is not None
    assert loaded.autosave is None
    assert len(loaded.runs) == 3
    for a, b in zip(real_session.runs, loaded.runs):
        assert_same_run(a, b)
    # The huge gcd came back whole, and the process lanes are pids.
    assert loaded.runs[0].result.results[-1] == 2 * HUGE
    assert all(label.startswith("pid ") for label in loaded.runs[2].result.tasks.lanes)


def test_integers_beyond_64_bits_are_stored_as_decimal_strings(real_session):
    doc = json.loads(encode_session(real_session))
    (pair_set,) = doc["pair_sets"].values()
    assert pair_set["dtype"] == "int"
    assert str(HUGE * 6) in pair_set["values"]


def test_pair_sets_are_stored_once_per_fingerprint(real_session):
    doc = json.loads(encode_session(real_session))
    assert list(doc["pair_sets"]) == [doc["pairs"]]
    assert {run["pairs"] for run in doc["runs"]} == {doc["pairs"]}


def test_editor_pairs_other_than_the_runs_get_their_own_set(real_session):
    other = as_pairs([(4, 6), (10, 15)])
    both = Session(pairs=other, runs=real_session.runs, pair_sets=real_session.pair_sets)
    loaded = decode_session(encode_session(both))
    assert loaded.pairs.dtype == np.int64
    assert loaded.pairs.tolist() == [[4, 6], [10, 15]]
    assert set(loaded.pair_sets) == {pairs_fingerprint(other), real_session.runs[0].fingerprint}


def test_an_empty_session_and_the_autosave_marker_round_trip():
    marker = AutosaveMarker(clean_exit=False, pid=4321, session_path="/x/y.gcdapp.json",
                            modified=True)
    session = Session(pairs=np.empty((0, 2), dtype=np.int64), autosave=marker)
    loaded = decode_session(encode_session(session))
    assert loaded.n_pairs == 0 and loaded.n_runs == 0
    assert loaded.autosave == marker


def test_a_million_pairs_round_trip_quickly():
    import time

    pairs = np.random.default_rng(1).integers(1, 10**12, size=(1_000_000, 2), dtype=np.int64)
    session = Session(pairs=pairs)
    t0 = time.perf_counter()
    data = encode_session(session)
    t1 = time.perf_counter()
    loaded = decode_session(data)
    t2 = time.perf_counter()
    np.testing.assert_array_equal(loaded.pairs, pairs)
    assert len(data) < 25_000_000  # base64 of 16 MB, not 30 MB of JSON numbers
    assert t1 - t0 < 2.0 and t2 - t1 < 2.0  # ~0.07 s and ~0.12 s on a laptop


# -- bad files -----------------------------------------------------------------


def _load_bytes(tmp_path, data: bytes, name: str = "bad.gcdapp.json", **kw) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(SessionError) as info:
        load_session(path, **kw)
    assert path.read_bytes() == data  # reading never touches the file
    return str(info.value)


def _doc(session: Session) -> dict:
    return json.loads(encode_session(session))


def test_a_file_from_a_future_version_is_refused_by_name(tmp_path, real_session):
    doc = _doc(real_session)
    doc["version"] = 7
    doc["gcdapp_version"] = "9.0.0"
    doc["runs"] = "something new"  # a future layout is not checked
    message = _load_bytes(tmp_path, json.dumps(doc).encode())
    assert "gcdapp 9.0.0" in message and "format 7" in message
    assert "Update gcdapp" in message


def test_a_truncated_file_says_so(tmp_path, real_session):
    data = encode_session(real_session)
    for cut in (len(data) // 2, len(data) - 3, 40):
        message = _load_bytes(tmp_path, data[:cut])
        assert "truncated" in message, message


def test_corrupted_bytes_are_reported(tmp_path, real_session):
    data = encode_session(real_session)
    # A byte that is not UTF-8.
    broken = data[:200] + b"\xff\xfe" + data[202:]
    assert "not UTF-8" in _load_bytes(tmp_path, broken)
    # JSON syntax broken in the middle.
    at = data.index(b'"runs"')
    broken = data[:at] + b"}}}" + data[at + 3:]
    assert "corrupted: invalid JSON at line" in _load_bytes(tmp_path, broken)
    # One base64 digit changed: the checksum catches it.
    at = data.index(b'"t_end"')
    at = data.index(b'"base64": "', at) + len('"base64": "') + 5
    flipped = b"A" if data[at:at + 1] != b"A" else b"B"
    message = _load_bytes(tmp_path, data[:at] + flipped + data[at + 1:])
    assert "runs[0].tasks.t_end does not match its checksum" in message


def test_a_file_that_is_not_json_is_named_as_such(tmp_path):
    message = _load_bytes(tmp_path, b"a,b\n12,18\n", name="pairs.gcdapp.json")
    assert "pairs.gcdapp.json is not JSON" in message and "'a,b'" in message
    assert "is empty" in _load_bytes(tmp_path, b"  \n")


@pytest.mark.parametrize(
    "doc, expected",
    [
        ([[12, 18]], "JSON but not a gcdapp session: it holds a list"),
        ({"hello": 1}, 'no "format" field'),
        ({"format": "something-else"}, "its format is 'something-else'"),
    ],
)
def test_json_that_is_not_a_session_is_named(tmp_path, doc, expected):
    assert expected in _load_bytes(tmp_path, json.dumps(doc).encode())


def _without(doc: dict, *path):
    node = doc
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return doc


@pytest.mark.parametrize(
    "edit, expected",
    [
        (lambda d: _without(d, "runs", 2, "tasks", "t_start"), "runs[2].tasks.t_start is missing"),
        (lambda d: _without(d, "settings"), "settings is missing"),
        (lambda d: d["runs"][1].update(wall_s="fast"), "runs[1].wall_s should be a number"),
        (lambda d: d["runs"][0]["info"].update(workers=True),
         "runs[0].info.workers should be an integer, not true or false"),
        (lambda d: d["runs"][0].update(status="great"), "runs[0].status should be one of"),
        (lambda d: d["runs"][1]["tasks"]["lane"].update(shape=[1]),
         "runs[1].tasks.lane.shape is [1], but [4] is expected"),
        (lambda d: d["runs"][0].update(pairs="0123456789abcdef"),
         "runs[0].pairs names pair set '0123456789abcdef', which pair_sets lacks"),
        (lambda d: d["runs"].append(d["runs"][0]), "runs[3].run_id repeats run id 1"),
        (lambda d: d["settings"].update(chunksize=0), "settings.chunksize should be"),
        (lambda d: d.update(runs={}), "runs should be a list, not an object"),
        (lambda d: d["runs"][0]["results"].update(dtype="float64"),
         "runs[0].results.dtype should be 'int64' or 'int', not 'float64'"),
        (lambda d: d["runs"][0]["results"].update(values=["1"] * 11),
         "runs[0].results does not match its checksum"),
        (lambda d: d["runs"][0]["info"].update(n_pairs=3),
         "runs[0].info.n_pairs is 3, but the run's pairs number 11"),
        (lambda d: d["runs"][0]["tasks"].update(lanes=[]), "runs[0].tasks.lane should index"),
        (lambda d: d.update(version="1"), "version should be an integer, not a string"),
    ],
)
def test_a_wrong_structure_names_the_field(tmp_path, real_session, edit, expected):
    doc = _doc(real_session)
    edit(doc)
    message = _load_bytes(tmp_path, json.dumps(doc).encode())
    assert "is not a valid gcdapp session" in message
    assert expected in message, message


def test_a_pair_set_whose_fingerprint_does_not_match_is_refused(tmp_path, real_session):
    doc = _doc(real_session)
    key = doc["pairs"]
    doc["pair_sets"] = {"00000000000000aa": doc["pair_sets"][key]}
    doc["pairs"] = "00000000000000aa"
    for run in doc["runs"]:
        run["pairs"] = "00000000000000aa"
    message = _load_bytes(tmp_path, json.dumps(doc).encode())
    assert "pair_sets['00000000000000aa'] does not match its fingerprint" in message


def test_a_huge_file_is_refused_before_it_is_read(tmp_path, monkeypatch, real_session):
    data = encode_session(real_session)
    opened = []
    real_open = open

    def spy_open(path, *args, **kwargs):
        opened.append(os.fspath(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", spy_open)
    message = _load_bytes(tmp_path, data, max_bytes=1000)
    assert f"too large to open as a session ({len(data):,} bytes; the limit is 1,000 bytes)" in message
    assert not any(p.endswith("bad.gcdapp.json") for p in opened)
    assert session_mod.MAX_SESSION_BYTES == 1 << 30


def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(SessionError, match="Cannot read nope.gcdapp.json"):
        load_session(tmp_path / "nope.gcdapp.json")


def test_sessions_are_recognised_by_extension_or_content(tmp_path):
    csv = tmp_path / "pairs.json"
    csv.write_text("[[12, 18]]")
    obj = tmp_path / "export.json"
    obj.write_text('\n  {"format": "gcdapp-session"}')
    assert looks_like_session(tmp_path / "x.GCDAPP.json")  # need not exist
    assert not looks_like_session(csv)
    assert looks_like_session(obj)
    assert not looks_like_session(tmp_path / "missing.csv")


# -- atomic writes -------------------------------------------------------------


def _leftovers(directory) -> list[str]:
    return [p.name for p in directory.iterdir() if p.name.endswith(".tmp")]


def test_a_failed_rename_leaves_the_old_file_and_no_temp_file(tmp_path, monkeypatch,
                                                               real_session):
    path = tmp_path / "lab.gcdapp.json"
    save_session(path, real_session)
    before = path.read_bytes()

    def failing_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="No space left"):
        save_session(path, Session(pairs=as_pairs([(1, 2)])))
    assert path.read_bytes() == before
    assert _leftovers(tmp_path) == []


def test_a_failing_encoder_leaves_the_old_file_and_no_temp_file(tmp_path, monkeypatch,
                                                                 real_session):
    path = tmp_path / "lab.gcdapp.json"
    save_session(path, real_session)
    before = path.read_bytes()

    def broken(array):
        yield b"{"
        raise MemoryError("simulated")

    monkeypatch.setattr(session_mod, "_array_chunks", broken)
    with pytest.raises(MemoryError):
        save_session(path, real_session)
    assert path.read_bytes() == before
    assert _leftovers(tmp_path) == []
    assert load_session(path).n_runs == 3


# -- compression -----------------------------------------------------------------


@pytest.fixture(scope="module")
def big_run_session() -> Session:
    rng = np.random.default_rng(5)
    pairs = rng.integers(1, 10**9, size=(5_000, 2), dtype=np.int64)
    fp = pairs_fingerprint(pairs)
    result = run_pairs(pairs, RunSpec(mode="serial", kernel="euclid", chunksize=1))
    return Session(pairs=pairs, runs=(RunRecord(1, "#1 serial", fp, result),),
                   pair_sets={fp: pairs})


def test_arrays_that_compress_well_are_deflated(big_run_session):
    data = encode_session(big_run_session)
    doc = json.loads(data)
    run = doc["runs"][0]
    assert "zlib" in run["results"] and "zlib" in run["done"]
    assert "zlib" in run["tasks"]["start"] and "zlib" in run["tasks"]["lane"]
    assert "base64" in run["tasks"]["t_end"]  # timings do not compress: kept plain
    assert "base64" in doc["pair_sets"][doc["pairs"]]  # nor do random pairs
    loaded = decode_session(data)
    assert_same_run(big_run_session.runs[0], loaded.runs[0])
    np.testing.assert_array_equal(loaded.pairs, big_run_session.pairs)


def _with_results(doc: dict, packed: bytes) -> bytes:
    import base64

    doc["runs"][0]["results"]["zlib"] = base64.b64encode(packed).decode()
    return json.dumps(doc).encode()


def test_bad_compressed_data_is_reported(tmp_path, big_run_session):
    import zlib

    doc = json.loads(encode_session(big_run_session))
    message = _load_bytes(tmp_path, _with_results(doc, b"not zlib at all"))
    assert "runs[0].results.zlib is not valid compressed data" in message
    good = zlib.compress(np.zeros(5_000, dtype="<i8").tobytes())
    message = _load_bytes(tmp_path, _with_results(doc, good[: len(good) // 2]))
    assert "runs[0].results.zlib ends too early" in message
    message = _load_bytes(tmp_path, _with_results(doc, good + b"junk"))
    assert "runs[0].results.zlib has data after its end" in message


def test_a_compression_bomb_stops_at_the_declared_size(tmp_path, big_run_session):
    import zlib

    doc = json.loads(encode_session(big_run_session))
    bomb = zlib.compress(bytes(256 << 20), 9)  # 256 MiB of zeros in 256 KB
    message = _load_bytes(tmp_path, _with_results(doc, bomb))
    assert "runs[0].results holds 40,001 bytes, but shape [5000] needs 40,000" in message


def test_pool_start_up_and_shutdown_travel_in_the_session(real_session):
    processes = real_session.runs[2].result
    assert processes.shutdown_s > 0
    # every process lane knows when its worker was ready; threads never say
    assert np.isfinite(processes.lane_startup_s).all()
    assert len(processes.lane_startup_s) == len(processes.tasks.lanes)
    assert np.isnan(real_session.runs[1].result.lane_startup_s).all()
    doc = json.loads(encode_session(real_session))
    run = doc["runs"][2]
    assert run["shutdown_s"] == processes.shutdown_s
    assert run["tasks"]["lane_startup_s"] == processes.lane_startup_s.tolist()
    assert doc["runs"][1]["tasks"]["lane_startup_s"] == [None] * len(
        real_session.runs[1].result.tasks.lanes)


def test_a_session_written_before_start_up_and_shutdown_were_recorded_opens(real_session):
    doc = json.loads(encode_session(real_session))
    for run in doc["runs"]:
        del run["shutdown_s"], run["tasks"]["lane_startup_s"]
    loaded = decode_session(json.dumps(doc).encode())
    for run in loaded.runs:
        assert run.result.shutdown_s == 0.0
        assert len(run.result.lane_startup_s) == len(run.result.tasks.lanes)
        assert np.isnan(run.result.lane_startup_s).all()


@pytest.mark.parametrize("value", ["one too many", "fast", [-1.0], ["0.1"], [float("nan")]])
def test_a_wrong_lane_start_up_is_named(real_session, value):
    doc = json.loads(encode_session(real_session))
    n_lanes = len(doc["runs"][2]["tasks"]["lanes"])
    if value == "one too many":
        value = [0.1] * (n_lanes + 1)
    elif isinstance(value, list):
        value = value + [0.1] * (n_lanes - 1)
    doc["runs"][2]["tasks"]["lane_startup_s"] = value
    with pytest.raises(SessionError, match=r"runs\[2\]\.tasks\.lane_startup_s should"):
        decode_session(json.dumps(doc).encode())


def test_a_wrong_shutdown_is_named(real_session):
    doc = json.loads(encode_session(real_session))
    doc["runs"][0]["shutdown_s"] = "slow"
    with pytest.raises(SessionError, match=r"runs\[0\]\.shutdown_s should be a number of seconds"):
        decode_session(json.dumps(doc).encode())


def test_each_tasks_anatomy_travels_in_the_session(real_session):
    loaded = decode_session(encode_session(real_session))
    serial, threads, processes = (r.result for r in loaded.runs)
    for result in (serial, threads, processes):
        assert np.isfinite(result.tasks.cpu_s).all() and (result.tasks.cpu_s >= 0).all()
        assert np.isfinite(result.tasks.t_arrive).all()
    # in process nothing is pickled or sent; processes pickle every task
    assert (threads.tasks.bytes_in == 0).all() and np.isnan(threads.tasks.t_recv).all()
    assert threads.lane_import_s == (0.0,) * len(threads.tasks.lanes)
    assert (processes.tasks.bytes_in > 0).all() and (processes.tasks.bytes_out > 0).all()
    assert np.isfinite(processes.tasks.t_recv).all()
    assert np.isfinite(processes.lane_import_s).all()
    doc = json.loads(encode_session(real_session))
    for name in TASK_ANATOMY_FIELDS:
        assert doc["runs"][2]["tasks"][name]["dtype"] == (
            "int64" if name in TASK_BYTE_FIELDS else "float64")


def test_a_session_written_before_the_task_anatomy_was_recorded_opens(real_session):
    doc = json.loads(encode_session(real_session))
    for run in doc["runs"]:
        for name in TASK_ANATOMY_FIELDS:
            del run["tasks"][name]
        del run["tasks"]["lane_import_s"]
    loaded = decode_session(json.dumps(doc).encode())
    for before, run in zip(real_session.runs, loaded.runs):
        tasks = run.result.tasks
        np.testing.assert_array_equal(tasks.t_start, before.result.tasks.t_start)
        assert np.isnan(tasks.cpu_s).all() and np.isnan(tasks.t_submit).all()
        assert (tasks.bytes_in == 0).all() and len(tasks.bytes_out) == len(tasks)
        assert np.isnan(run.result.lane_import_s).all()
        assert len(run.result.lane_import_s) == len(tasks.lanes)


@pytest.mark.parametrize("field,fill,message", [
    ("cpu_s", float("inf"), "holds times that are not finite numbers"),
    ("merge_s", -1.0, "should hold seconds (0 or more) or NaN"),
    ("bytes_in", -5, "should hold byte counts of 0 or more"),
])
def test_a_wrong_task_anatomy_array_is_named(real_session, field, fill, message):
    runs = list(real_session.runs)
    record = runs[2]
    tasks = record.result.tasks
    bad = np.array(getattr(tasks, field), copy=True)
    bad[0] = fill
    import dataclasses
    result = dataclasses.replace(record.result, tasks=dataclasses.replace(tasks, **{field: bad}))
    runs[2] = dataclasses.replace(record, result=result)
    data = encode_session(dataclasses.replace(real_session, runs=tuple(runs)))
    with pytest.raises(SessionError, match=rf"runs\[2\]\.tasks\.{field} " + re.escape(message)):
        decode_session(data)


def test_a_corrupted_task_anatomy_array_fails_its_checksum(real_session):
    doc = json.loads(encode_session(real_session))
    spec = doc["runs"][2]["tasks"]["cpu_s"]
    spec["crc32"] = (spec["crc32"] + 1) % 2**32
    with pytest.raises(SessionError, match=r"runs\[2\]\.tasks\.cpu_s does not match its checksum"):
        decode_session(json.dumps(doc).encode())


def test_each_run_keeps_the_python_it_ran_in(real_session):
    from gcdapp.core.python_info import this_python

    doc = _doc(real_session)
    assert doc["runs"][0]["python"]["version"] == this_python().version
    loaded = decode_session(encode_session(real_session))
    assert all(run.result.python == this_python() for run in loaded.runs)
    assert all(run.result.info.python == this_python() for run in loaded.runs)


def test_a_session_from_before_the_python_record_reads_it_as_unknown(real_session):
    doc = _doc(real_session)
    for run in doc["runs"]:
        del run["python"]
    loaded = decode_session(json.dumps(doc).encode())
    assert [run.result.python for run in loaded.runs] == [None, None, None]
    assert loaded.runs[0].result.python_label == ""


def test_a_bad_python_record_names_the_field(tmp_path, real_session):
    doc = _doc(real_session)
    doc["runs"][1]["python"]["gil_enabled"] = "maybe"
    message = _load_bytes(tmp_path, json.dumps(doc).encode())
    assert "runs[1].python gil_enabled should be true or false, not 'maybe'" in message


def test_a_run_in_another_python_keeps_that_python(real_session):
    from tests.other_pythons import other_python

    python = other_python("3.12")
    pairs = as_pairs(list(SEED_NUMBERS))
    result = run_pairs(pairs, RunSpec(mode="threads", kernel="euclid", workers=2,
                                      python="3.12"))
    assert result.status == "completed", result.error
    fingerprint = pairs_fingerprint(pairs)
    session = Session(pairs=pairs, runs=(RunRecord(1, "#1 threads", fingerprint, result),),
                      pair_sets={fingerprint: pairs})
    loaded = decode_session(encode_session(session)).runs[0].result
    assert loaded.python.version == python.probe.version
    assert loaded.python.executable == python.probe.executable
    assert loaded.python_label == python.label


def test_a_session_keeps_the_last_sweep_and_map_and_names_a_bad_one():
    import json

    import numpy as np
    import pytest

    from gcdapp.core.leverage import LeverageMap
    from gcdapp.core.run_settings import RunSettings as Settings
    from gcdapp.core.session import Session, SessionError, decode_session, encode_session
    from gcdapp.core.sweep import Sweep

    pairs = np.array([[12, 18], [7, 21]])
    sweep = Sweep(pairs, Settings().with_values(mode="threads", kernel="euclid"), (1, 2)).execute()
    leverage = LeverageMap((3,), (1,), ("builtin",), "threads", rounds=1).execute()
    data = encode_session(Session(pairs=pairs, sweep=sweep, leverage=leverage))
    back = decode_session(data)
    assert back.sweep.to_json() == sweep.to_json() and back.leverage == leverage
    assert decode_session(encode_session(Session(pairs=pairs))).sweep is None
    doc = json.loads(data)
    doc["experiments"]["leverage"]["cells"][0]["n_pairs"] = -1
    with pytest.raises(SessionError) as info:
        decode_session(json.dumps(doc).encode(), "x.gcdapp.json")
    assert str(info.value) == ("x.gcdapp.json is not a valid gcdapp session: "
                               "experiments.leverage.cells[0].n_pairs should be at least 0, "
                               "not -1.")
