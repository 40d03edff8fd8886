"""The bulk paths of the parser against its line-by-line paths.

Each fast path (wide runs of quoted, ``_``-grouped or big-integer lines;
numpy counting of bad lines once MAX_STORED_ERRORS are stored, in both
readers) must give exactly what the slow path gives: the same pairs (and
dtype), lines, stored errors, error count, format and notes. The slow path
is the same parser with the fast path switched off.
"""

from __future__ import annotations

import random
import re

import numpy as np
import pytest

from gcdapp.core.parsing import MAX_STORED_ERRORS, brackets, lines, parse_pairs


def _slow(text: str, monkeypatch, **kw):
    with monkeypatch.context() as m:
        m.setattr(lines, "_WIDE_RUN", re.compile(""))
        m.setattr(lines._Reader, "count_bad_lines", lambda self, chunk, pos: 0)
        m.setattr(brackets._Reader, "error_lines", lambda self, pos: pos)
        return parse_pairs(text, **kw)


def _same(text: str, monkeypatch, **kw):
    fast = parse_pairs(text, **kw)
    slow = _slow(text, monkeypatch, **kw)
    assert fast.pairs.dtype == slow.pairs.dtype
    assert fast.pairs.tolist() == slow.pairs.tolist()
    assert fast.lines.tolist() == slow.lines.tolist()
    assert fast.errors == slow.errors
    assert fast.n_errors == slow.n_errors
    assert (fast.format, fast.notes, fast.fatal) == (slow.format, slow.notes, slow.fatal)
    return fast


def test_quoted_csv_lines_read_in_bulk_as_line_by_line(monkeypatch):
    rows = ['"1","2"', '"3";"-4"', '"5" "6"', '"7"\t"8"', '1,"2"', ' "+9" , "10" ',
            "", "# a comment", '"11","12" # "quoted" comment', '"1"\t\t"2"']
    text = "\n".join(rows * 300) + "\n"
    result = _same(text, monkeypatch)
    assert result.format == "csv" and len(result.pairs) == 8 * 300 and result.n_errors == 0


def test_underscore_groups_read_in_bulk_as_line_by_line(monkeypatch):
    rows = ["1_000,2_000", "-1_2 3_4", "1_963_309;2_265_973", "1__2,3", "1_,2", "_1,2"]
    result = _same("\n".join(rows * 300), monkeypatch)
    assert result.pairs[:3].tolist() == [[1000, 2000], [-12, 34], [1963309, 2265973]]
    assert result.n_errors == 3 * 300


@pytest.mark.parametrize("rows, dtype", [
    (["1234567890123456789012,2345678901234567890123", "1,2", "-123456789012345678901234567890 7"], object),
    (["1000000000000000000,2", "-9223372036854775808 9223372036854775807"], np.int64),
    (['"12345678901234567890","1_234_567_890_123_456_789_0"'], object),
])
def test_big_integers_read_in_bulk_as_line_by_line(monkeypatch, rows, dtype):
    result = _same("\n".join(rows * 200) + "\n", monkeypatch)
    assert result.pairs.dtype == dtype and result.n_errors == 0


def test_big_integers_over_max_digits_are_errors_as_line_by_line(monkeypatch):
    text = "12345678901234567890123,1\n1,2\n" * 100
    result = _same(text, monkeypatch, max_digits=20)
    assert result.n_errors == 100 and len(result.pairs) == 100
    _same("1" * 400 + ",1\n" + "12345678901234567890,1\n" * 50, monkeypatch)


def test_lines_of_three_integers_counted_past_the_stored_errors(monkeypatch):
    n = MAX_STORED_ERRORS + 500
    text = "1 2 3\n" * n + "4,5\n" + "6\n" * 10 + "-7,8,\n" + "1 2 3\n" * 100
    result = _same(text, monkeypatch)
    assert result.n_errors == n + 111 and len(result.errors) == MAX_STORED_ERRORS
    assert result.errors[-1].line == MAX_STORED_ERRORS
    assert result.pairs.tolist() == [[4, 5]] and result.lines.tolist() == [n + 1]


_LINE_POOL = [
    "1 2 3", "1,2", "-3;4", "1", "+", ",;", "1 2,", "1,,2", "1_000 2_000", '"1","2"',
    "x", "1.5 2", "  ", "# c", "1 2 # c", "1\t2\t3", "12345678901234567890123 1",
    "1 -2", "1-2 3", "é 1", "1 2 3 4 5 6", "a,b",
]


@pytest.mark.parametrize("seed", range(6))
def test_mixed_lines_past_the_stored_errors(monkeypatch, seed):
    rng = random.Random(seed)
    rows = ["1 2 3"] * (MAX_STORED_ERRORS + 1)
    rows += [rng.choice(_LINE_POOL) if rng.random() < 0.3 else "1 2 3" for _ in range(3000)]
    _same("\n".join(rows), monkeypatch)


def test_bracket_junk_lines_counted_past_the_stored_errors(monkeypatch):
    n = MAX_STORED_ERRORS + 700
    text = "[\n" + "x,\n" * n + " , \n" + "(1, 2),\n" + "y\n" * 100 + "]\n"
    result = _same(text, monkeypatch)
    assert result.n_errors == n + 100 and len(result.errors) == MAX_STORED_ERRORS
    assert result.errors[-1].line == MAX_STORED_ERRORS + 1
    assert result.pairs.tolist() == [[1, 2]] and result.format == "python"


def test_bracket_pairs_with_junk_counted_past_the_stored_errors(monkeypatch):
    n = MAX_STORED_ERRORS + 700
    text = "[\n" + "(1, 2) x\n" * n + "[3, -4,] y\n" * 100 + "]\n"
    result = _same(text, monkeypatch)
    assert len(result.pairs) == n + 100 and result.n_errors == n + 100
    assert result.pairs[-1].tolist() == [3, -4] and result.lines[-1] == n + 101


_GROUP_POOL = [
    "(1, 2) x", "[3, -4,] y", "(5,6)", "x(7, 8)", "(1, 2, 3)", "(1 2)", "(+-1, 2)",
    "(1,, 2)", "(, 1, 2)", "(1234567890123456789, 2)", "[1, 2)", "(1, 2", "1, 2)",
    "x # c", "# (1, 2)", "x = (1, 2)", "x\t(1,\t2)", "x\x0by", "é (1, 2)", "(1-2, 3)",
    "((1, 2))", "()", "(...)", "(x, 1)", "(1, 2)(3, 4) z", "  ,  ", "", "(+1, -2 ,)",
    "(1, 2 ,,)", "[ 1 , 2 ] [3,4]", "(1, +)", "(1, 2) (", "] x", "(\t-5\t,\t6\t)",
]


@pytest.mark.parametrize("seed", range(8))
def test_mixed_bracket_lines_past_the_stored_errors(monkeypatch, seed):
    rng = random.Random(seed)
    rows = ["["] + ["x,"] * (MAX_STORED_ERRORS + 1)
    common = rng.choice(["(1, 2) x", "x,", "[3, 4] y z"])
    rows += [rng.choice(_GROUP_POOL) if rng.random() < 0.1 else common for _ in range(4000)]
    _same("\n".join(rows) + "\n]\n", monkeypatch)


@pytest.mark.parametrize("last", ["x(7, 8)\n" + "y\n" * 3, "x(7, 8) (9, 10) zz\n" + "yy\n" * 3])
def test_counting_starts_at_a_line_start_after_a_pair_run(monkeypatch, last):
    # Once the errors were full, a run of pairs read after a line's error
    # used to make the count start one character late: the junk line
    # right after the run was lost (1,004 errors for the first case).
    text = "[\n" + "x,\n" * (MAX_STORED_ERRORS + 1) + last + "]"
    result = _same(text, monkeypatch)
    assert result.n_errors == MAX_STORED_ERRORS + 1 + 4
