"""The session corruption matrix: every way a session file can be broken
gives its own SessionError, naming the file and what is wrong, and the file
is byte-identical afterwards (a named pipe is still a pipe, unread).

Arrays are rebuilt with their correct CRCs where a case needs a valid file
with bad contents (the checks past the checksum are what is tested)."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import os
import stat
import zlib

import numpy as np
import pytest

from gcdapp.core import session as session_mod
from gcdapp.core.engine import run_pairs
from gcdapp.core.events import RunSpec
from gcdapp.core.history import RunRecord
from gcdapp.core.pairs import as_pairs, pairs_fingerprint
from gcdapp.core.session import (
    MAX_SESSION_BYTES,
    VERSION,
    AutosaveMarker,
    Session,
    SessionError,
    _array_chunks,
    encode_session,
    load_session,
    looks_like_session,
)

NAME = "broken.gcdapp.json"
N_PAIRS = 5


@pytest.fixture(scope="module")
def session_doc() -> dict:
    """An autosave-style document with one real threads run of 5 pairs in
    3 tasks (one beyond 64 bits, so the decimal form is present too)."""
    pairs = as_pairs([(12, 18), (5, 10), (7, 3), (2**70, 2**66), (30, 45)])
    fp = pairs_fingerprint(pairs)
    result = run_pairs(pairs, RunSpec(mode="threads", kernel="euclid", workers=2, chunksize=2))
    assert result.status == "completed" and len(result.tasks) == 3
    session = Session(pairs=pairs, runs=(RunRecord(1, "#1 threads", fp, result),),
                      pair_sets={fp: pairs},
                      autosave=AutosaveMarker(clean_exit=False, pid=4321))
    doc = json.loads(encode_session(session))
    load_session_bytes_ok(json.dumps(doc).encode())
    return doc


def load_session_bytes_ok(data: bytes) -> None:
    session_mod.decode_session(data, NAME)  # the untouched document is valid


def array(values, dtype) -> dict:
    """An ARRAY spec with a correct CRC."""
    return json.loads(b"".join(_array_chunks(np.asarray(values, dtype=dtype))))


def digest(path) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def refused(path) -> str:
    """load_session(path) raises SessionError; the file is unchanged. The message."""
    before = digest(path)
    mtime = os.stat(path).st_mtime_ns
    with pytest.raises(SessionError) as info:
        load_session(path)
    assert digest(path) == before and os.stat(path).st_mtime_ns == mtime
    message = str(info.value)
    assert os.path.basename(os.fspath(path)) in message, message  # names the file
    return message


def refused_bytes(tmp_path, data: bytes) -> str:
    path = tmp_path / NAME
    path.write_bytes(data)
    return refused(path)


def refused_doc(tmp_path, doc: dict, edit) -> str:
    doc = copy.deepcopy(doc)
    edit(doc)
    return refused_bytes(tmp_path, json.dumps(doc).encode())


def put(*path_and_value):
    """An edit setting doc[path...] = value."""
    *path, value = path_and_value

    def edit(doc):
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return edit


def tasks(**arrays):
    """An edit replacing runs[0].tasks arrays with valid-CRC ones."""
    dtypes = {"start": "<i8", "count": "<i8", "lane": "<i4", "t_start": "<f8", "t_end": "<f8"}

    def edit(doc):
        t = doc["runs"][0]["tasks"]
        for key, values in arrays.items():
            t[key] = array(values, dtypes[key])

    return edit


# -- the two cases of the issue, and every other overflowing range -----------------


@pytest.mark.parametrize(
    "start, count, expected",
    [
        ([2**63 - 1, 2, 4], [1, 2, 1],
         "runs[0].tasks.start names pairs outside the run: task 0 starts at "
         "9,223,372,036,854,775,807 and counts 1, but the run has pairs 0..4"),
        ([2**62, 2, 4], [2**62, 2, 1],
         "runs[0].tasks.start names pairs outside the run: task 0 starts at "
         "4,611,686,018,427,387,904 and counts 4,611,686,018,427,387,904"),
        ([0, 2, 4], [2, 2, 2**63 - 1], "task 2 starts at 4 and counts 9,223,372,036,854,775,807"),
        ([0, 2, 4], [2, 2, 2], "task 2 starts at 4 and counts 2, but the run has pairs 0..4"),
        ([0, 2, -2**63], [2, 2, 1],
         "runs[0].tasks.start should hold pair numbers of 0 or more, not "
         "-9,223,372,036,854,775,808 (task 2)"),
        ([0, 2, 4], [2, -1, 1], "runs[0].tasks.count should hold pair counts of 0 or more, "
                                "not -1 (task 1)"),
        ([0, 0, 0], [5, 5, 5], "runs[0].tasks.count adds up to 15 pairs, but the run has 5"),
    ],
)
def test_task_ranges_that_overflow_or_leave_the_run_are_named(tmp_path, session_doc, start,
                                                              count, expected):
    message = refused_doc(tmp_path, session_doc, tasks(start=start, count=count))
    assert "is not a valid gcdapp session" in message
    assert expected in message, message


# -- wrong types in every top-level and run field ------------------------------------

TOP_LEVEL = [
    (("version",), "1", "version should be an integer, not a string"),
    (("version",), 1.0, "version should be an integer, not a number"),
    (("version",), True, "version should be an integer, not true or false"),
    (("version",), 0, "version should be at least 1, not 0"),
    (("gcdapp_version",), 1, "gcdapp_version should be a string, not an integer"),
    (("saved_at",), 5, "saved_at should be a string or null, not an integer"),
    (("saved_at",), "yesterday", "saved_at is not a date and time: 'yesterday'"),
    (("settings",), [], "settings should be an object, not a list"),
    (("settings", "mode"), 1, "settings.mode should be a string, not an integer"),
    (("settings", "kernel"), None, "settings.kernel should be a string, not null"),
    (("settings", "workers"), "2", "settings.workers should be an integer or null, not a string"),
    (("settings", "workers"), 0, "settings.workers should be at least 1, not 0"),
    (("settings", "chunksize"), "big", 'settings.chunksize should be "auto" or an integer, '
                                       "not a string"),
    (("settings", "chunksize"), 0, "settings.chunksize should be at least 1, not 0"),
    (("settings", "chunksize"), 10**18, "settings.chunksize should be at most 1,000,000, "
                                        "not 1,000,000,000,000,000,000"),
    (("settings", "workers"), 2**31, "settings.workers should be at most 256, "
                                     "not 2,147,483,648"),
    (("settings", "workers"), 257, "settings.workers should be at most 256, not 257"),
    (("settings", "repeats"), 10**12, "settings.repeats should be at most 100"),
    (("settings", "repeats"), 101, "settings.repeats should be at most 100, not 101"),
    (("settings", "start_method"), 5, "settings.start_method should be a string or null"),
    (("settings", "repeats"), 0, "settings.repeats should be at least 1, not 0"),
    (("settings", "repeats"), [1], "settings.repeats should be an integer, not a list"),
    (("pairs",), 7, "pairs should be a string, not an integer"),
    (("pairs",), "feedfacefeedface", "pairs names pair set 'feedfacefeedface', which pair_sets"),
    (("pair_sets",), [], "pair_sets should be an object, not a list"),
    (("runs",), {}, "runs should be a list, not an object"),
    (("autosave",), [], "autosave should be an object, not a list"),
    (("autosave", "clean_exit"), "no", "autosave.clean_exit should be true or false, not a string"),
    (("autosave", "pid"), "4321", "autosave.pid should be an integer or null, not a string"),
    (("autosave", "session_path"), 5, "autosave.session_path should be a string or null"),
    (("autosave", "modified"), 1, "autosave.modified should be true or false, not an integer"),
]

RUN = [
    ((), [], "runs[0] should be an object, not a list"),
    (("run_id",), "1", "runs[0].run_id should be an integer, not a string"),
    (("run_id",), 0, "runs[0].run_id should be at least 1, not 0"),
    (("label",), None, "runs[0].label should be a string, not null"),
    (("pairs",), 5, "runs[0].pairs should be a string, not an integer"),
    (("info",), "serial", "runs[0].info should be an object, not a string"),
    (("info", "mode"), 3, "runs[0].info.mode should be a string, not an integer"),
    (("info", "kernel"), [], "runs[0].info.kernel should be a string, not a list"),
    (("info", "workers"), 2.5, "runs[0].info.workers should be an integer, not a number"),
    (("info", "chunksize"), 0, "runs[0].info.chunksize should be at least 1, not 0"),
    (("info", "start_method"), {}, "runs[0].info.start_method should be a string or null"),
    (("info", "n_pairs"), -1, "runs[0].info.n_pairs should be at least 0, not -1"),
    (("info", "n_pairs"), 4, "runs[0].info.n_pairs is 4, but the run's pairs number 5"),
    (("info", "n_tasks"), "3", "runs[0].info.n_tasks should be an integer, not a string"),
    (("status",), 1, "runs[0].status should be a string, not an integer"),
    (("status",), "done", "runs[0].status should be one of completed, cancelled, failed"),
    (("error",), 5, "runs[0].error should be a string or null, not an integer"),
    (("wall_s",), "fast", "runs[0].wall_s should be a number of seconds"),
    (("wall_s",), -1.0, "runs[0].wall_s should be a number of seconds (0 or more)"),
    (("startup_s",), None, "runs[0].startup_s should be a number of seconds"),
    (("failed_pairs",), 3, "runs[0].failed_pairs should be a list, not an integer"),
    (("failed_pairs",), [5], "runs[0].failed_pairs should hold pair numbers from 0 to 4"),
    (("failed_pairs",), [-1], "runs[0].failed_pairs should hold pair numbers from 0 to 4"),
    (("failed_pairs",), ["1"], "runs[0].failed_pairs should hold pair numbers from 0 to 4"),
    (("results",), [1, 2], "runs[0].results should be an object, not a list"),
    (("done",), True, "runs[0].done should be an object, not true or false"),
    (("tasks",), [], "runs[0].tasks should be an object, not a list"),
    (("tasks", "start"), "0,2,4", "runs[0].tasks.start should be an object, not a string"),
    (("tasks", "lanes"), "MainThread", "runs[0].tasks.lanes should be a list, not a string"),
    (("tasks", "lanes"), [1, 2], "runs[0].tasks.lanes should be a list of strings"),
]


@pytest.mark.parametrize("path, value, expected", TOP_LEVEL,
                         ids=[f"{'.'.join(p)}={v!r}" for p, v, _ in TOP_LEVEL])
def test_a_wrong_top_level_field_is_named(tmp_path, session_doc, path, value, expected):
    message = refused_doc(tmp_path, session_doc, put(*path, value))
    assert f"{NAME} is not a valid gcdapp session: {expected}" in message, message


@pytest.mark.parametrize("path, value, expected", RUN,
                         ids=[f"{'.'.join(p) or 'run'}={v!r}" for p, v, _ in RUN])
def test_a_wrong_run_field_is_named(tmp_path, session_doc, path, value, expected):
    message = refused_doc(tmp_path, session_doc, put("runs", 0, *path, value))
    assert f"{NAME} is not a valid gcdapp session: {expected}" in message, message


def test_a_wrong_format_field_says_it_is_not_a_session(tmp_path, session_doc):
    message = refused_doc(tmp_path, session_doc, put("format", 5))
    assert "is JSON but not a gcdapp session: its format is '5'" in message


def test_a_pair_set_that_is_not_an_array_is_named(tmp_path, session_doc):
    key = session_doc["pairs"]
    message = refused_doc(tmp_path, session_doc, put("pair_sets", key, "12,18"))
    assert f"pair_sets.{key} should be an object, not a string" in message


# -- every array field: wrong dtype, bad shape, missing data ---------------------------

ARRAY_FIELDS = [("runs", 0, "results"), ("runs", 0, "done"),
                *[("runs", 0, "tasks", k) for k in ("start", "count", "t_start", "t_end", "lane")]]


@pytest.mark.parametrize("field", ARRAY_FIELDS, ids=lambda f: f[-1])
def test_an_array_with_a_wrong_dtype_or_shape_is_named(tmp_path, session_doc, field):
    where = "runs[0]." + ".".join(field[2:])
    message = refused_doc(tmp_path, session_doc, put(*field, "dtype", "complex128"))
    assert f"{where}.dtype should be " in message and "not 'complex128'" in message
    message = refused_doc(tmp_path, session_doc, put(*field, "dtype", 8))
    assert f"{where}.dtype should be a string, not an integer" in message
    message = refused_doc(tmp_path, session_doc, put(*field, "shape", [-1]))
    assert f"{where}.shape should be 1 sizes, not [-1]" in message
    message = refused_doc(tmp_path, session_doc, put(*field, "shape", "3"))
    assert f"{where}.shape should be a list, not a string" in message
    message = refused_doc(tmp_path, session_doc, put(*field, "crc32", "x"))
    assert f"{where}.crc32 should be an integer, not a string" in message


# -- huge declared shapes, bad base64, bad zlib, checksums ------------------------------


@pytest.mark.parametrize("dims", [[10**12, 2], [10**30, 2], [2**62, 2]])
def test_a_huge_declared_shape_is_refused_before_any_data_is_decoded(tmp_path, session_doc,
                                                                     dims):
    key = session_doc["pairs"]
    for form in ("base64", "zlib"):
        def edit(doc):
            spec = doc["pair_sets"][key]
            spec.update(dtype="int64", shape=dims, crc32=0)
            spec.pop("values", None)
            spec.pop("base64", None)
            spec[form] = base64.b64encode(zlib.compress(b"\0" * 16)).decode()

        message = refused_doc(tmp_path, session_doc, edit)
        count = dims[0] * dims[1]
        assert (f"pair_sets.{key}.shape declares {count:,} values ({count * 8:,} bytes), "
                f"more than a session holds") in message, message


def test_a_huge_declared_task_count_is_refused(tmp_path, session_doc):
    message = refused_doc(tmp_path, session_doc, put("runs", 0, "tasks", "start", "shape",
                                                     [10**12]))
    assert "runs[0].tasks.start.shape declares 1,000,000,000,000 values" in message


def test_a_shape_that_does_not_match_its_data_is_named(tmp_path, session_doc):
    message = refused_doc(tmp_path, session_doc, put("runs", 0, "results", "shape", [10**12]))
    assert f"runs[0].results.shape is [{10**12}], but [{N_PAIRS}] is expected" in message
    message = refused_doc(tmp_path, session_doc, put("runs", 0, "tasks", "lane", "shape", [7]))
    assert "runs[0].tasks.lane.shape is [7], but [3] is expected" in message


def test_bad_base64_is_named(tmp_path, session_doc):
    message = refused_doc(tmp_path, session_doc,
                          put("runs", 0, "tasks", "t_end", "base64", "not base64!"))
    assert "runs[0].tasks.t_end.base64 is not valid base64: the file is corrupted" in message
    message = refused_doc(tmp_path, session_doc, put("runs", 0, "tasks", "t_end", "base64", 12))
    assert "runs[0].tasks.t_end.base64 should be a string, not an integer" in message
    message = refused_doc(tmp_path, session_doc,
                          put("runs", 0, "tasks", "t_end", "base64", "ü" * 8))
    assert "runs[0].tasks.t_end.base64 is not valid base64" in message


def test_bad_zlib_is_named(tmp_path, session_doc):
    def packed(data: bytes):
        def edit(doc):
            spec = doc["runs"][0]["tasks"]["t_end"]
            del spec["base64"]
            spec["zlib"] = base64.b64encode(data).decode()
        return edit

    message = refused_doc(tmp_path, session_doc, packed(b"not zlib at all"))
    assert "runs[0].tasks.t_end.zlib is not valid compressed data: the file is corrupted" in message
    whole = zlib.compress(bytes(24))
    message = refused_doc(tmp_path, session_doc, packed(whole[:5]))
    assert "runs[0].tasks.t_end.zlib ends too early" in message
    message = refused_doc(tmp_path, session_doc, packed(whole + b"tail"))
    assert "runs[0].tasks.t_end.zlib has data after its end" in message
    message = refused_doc(tmp_path, session_doc, packed(zlib.compress(bytes(1 << 20))))
    assert "runs[0].tasks.t_end holds 25 bytes, but shape [3] needs 24" in message


def test_a_checksum_mismatch_is_named(tmp_path, session_doc):
    crc = session_doc["runs"][0]["tasks"]["t_start"]["crc32"]
    message = refused_doc(tmp_path, session_doc,
                          put("runs", 0, "tasks", "t_start", "crc32", crc ^ 1))
    assert "runs[0].tasks.t_start does not match its checksum: the file is corrupted" in message
    key = session_doc["pairs"]
    values = session_doc["pair_sets"][key]["values"]
    message = refused_doc(tmp_path, session_doc,
                          put("pair_sets", key, "values", ["1"] + values[1:]))
    assert f"pair_sets.{key} does not match its checksum" in message


def test_decimal_values_that_are_not_integers_are_named(tmp_path, session_doc):
    key = session_doc["pairs"]
    bad = ["12", "x"] + session_doc["pair_sets"][key]["values"][2:]
    message = refused_doc(tmp_path, session_doc, lambda d: d["pair_sets"].update(
        {key: {**d["pair_sets"][key], "values": bad,
               "crc32": zlib.crc32("\n".join(bad).encode())}}))
    assert f"pair_sets.{key}.values holds something that is not an integer" in message
    message = refused_doc(tmp_path, session_doc, put("pair_sets", key, "values", [1] * 10))
    assert f"pair_sets.{key}.values should hold integers written as strings" in message


# -- NaN and infinities, negative counts, lanes ------------------------------------------


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_nan_and_infinite_seconds_are_refused(tmp_path, session_doc, value):
    for key in ("wall_s", "startup_s"):
        # Python's json writes NaN and Infinity, and reads them back.
        message = refused_doc(tmp_path, session_doc, put("runs", 0, key, value))
        assert f"runs[0].{key} should be a number of seconds (0 or more)" in message


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_nan_and_infinite_task_times_are_refused(tmp_path, session_doc, value):
    for key in ("t_start", "t_end"):
        message = refused_doc(tmp_path, session_doc, tasks(**{key: [0.0, value, 1.0]}))
        assert "runs[0].tasks hold times that are not finite numbers" in message


@pytest.mark.parametrize("lane", [[0, 0, 99], [0, -1, 0], [2**31 - 1, 0, 0]])
def test_lanes_out_of_range_are_refused(tmp_path, session_doc, lane):
    n_lanes = len(session_doc["runs"][0]["tasks"]["lanes"])
    message = refused_doc(tmp_path, session_doc, tasks(lane=lane))
    assert f"runs[0].tasks.lane should index the {n_lanes} lanes" in message


# -- truncated, future version ----------------------------------------------------------


def test_a_truncated_file_says_so_wherever_it_is_cut(tmp_path, session_doc):
    data = json.dumps(session_doc).encode()
    for cut in (1, 30, len(data) // 3, len(data) // 2, len(data) - 1):
        message = refused_bytes(tmp_path, data[:cut])
        assert f"{NAME} is truncated: it ends after {cut:,} bytes" in message, (cut, message)
    assert "is empty: it holds no session" in refused_bytes(tmp_path, b"")


def test_a_future_version_is_refused_by_name(tmp_path, session_doc):
    def edit(doc):
        doc["version"] = VERSION + 1
        doc["gcdapp_version"] = "7.1"
        doc["runs"] = {"new": "layout"}

    message = refused_doc(tmp_path, session_doc, edit)
    assert f"was saved by gcdapp 7.1 in session format {VERSION + 1}" in message
    assert "Update gcdapp to open it" in message


# -- files that are not files, or too large -----------------------------------------------


@pytest.mark.timeout(10)
def test_a_named_pipe_is_refused_unopened_and_stays_a_pipe(tmp_path):
    path = tmp_path / NAME
    os.mkfifo(path)
    with pytest.raises(SessionError) as info:
        load_session(path)
    assert str(info.value) == (f"{NAME} is not a regular file (it is a named pipe); "
                               "gcdapp opens only files.")
    other = tmp_path / "pipe.json"  # recognised by content: never sniffed
    os.mkfifo(other)
    assert not looks_like_session(other)
    assert stat.S_ISFIFO(os.stat(path).st_mode) and stat.S_ISFIFO(os.stat(other).st_mode)


@pytest.mark.timeout(10)
def test_a_link_to_dev_zero_is_refused(tmp_path):
    path = tmp_path / NAME
    path.symlink_to("/dev/zero")
    with pytest.raises(SessionError) as info:
        load_session(path)
    assert str(info.value) == (f"{NAME} is not a regular file (it is a link to /dev/zero, "
                               "a character device); gcdapp opens only files.")
    link = tmp_path / "zero.json"
    link.symlink_to("/dev/zero")
    assert not looks_like_session(link)
    assert os.readlink(path) == "/dev/zero" and stat.S_ISCHR(os.stat(path).st_mode)


@pytest.mark.timeout(10)
def test_a_folder_and_a_socket_are_refused(tmp_path):
    import socket

    folder = tmp_path / NAME
    folder.mkdir()
    with pytest.raises(SessionError, match=r"is not a regular file \(it is a folder\)"):
        load_session(folder)
    sock_path = tmp_path / "s.gcdapp.json"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(sock_path))
    try:
        with pytest.raises(SessionError, match=r"s.gcdapp.json is not a regular file "
                                               r"\(it is a socket\)"):
            load_session(sock_path)
    finally:
        server.close()


@pytest.mark.timeout(10)
def test_a_sparse_file_over_1_gib_is_refused_by_its_size_unopened(tmp_path, monkeypatch):
    path = tmp_path / NAME
    with open(path, "wb") as f:
        f.truncate(MAX_SESSION_BYTES + 1)  # 1 GiB and a byte, with no data blocks
    before = os.stat(path)
    opened = []
    real_open = os.open
    monkeypatch.setattr(os, "open", lambda p, *a, **k: opened.append(os.fspath(p))
                        or real_open(p, *a, **k))
    with pytest.raises(SessionError) as info:
        load_session(path)
    monkeypatch.undo()
    assert (f"{NAME} is too large to open as a session (1,073,741,825 bytes; the limit "
            "is 1,073,741,824 bytes)") in str(info.value)
    assert not any(p.endswith(NAME) for p in opened)  # refused by os.stat, never opened
    after = os.stat(path)
    # Not hashed (1 GiB): unopened, and the same size, time and (no) blocks.
    assert (after.st_size, after.st_mtime_ns, after.st_blocks, after.st_ino) == (
        before.st_size, before.st_mtime_ns, before.st_blocks, before.st_ino)


# -- the safety net ---------------------------------------------------------------------


def test_an_unforeseen_failure_still_is_a_session_error_naming_the_file(tmp_path, session_doc,
                                                                        monkeypatch):
    """A check the reader lacks (like the int64 overflow once was) must not
    escape as IndexError: injected here, at the run reader."""
    def broken(self, item, where, pair_sets):
        raise IndexError("index 9223372036854775807 is out of bounds for axis 0 with size 5")

    monkeypatch.setattr(session_mod._Reader, "run", broken)
    message = refused_bytes(tmp_path, json.dumps(session_doc).encode())
    assert message == (f"{NAME} is not a valid gcdapp session: reading it failed unexpectedly "
                       "(IndexError: index 9223372036854775807 is out of bounds for axis 0 "
                       "with size 5).")
