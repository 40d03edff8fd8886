"""The pair parser: every accepted format, every error path, the limits."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gcdapp.core import parsing
from gcdapp.core.pairs import fits_int64, pairs_to_list
from gcdapp.core.parsing import (
    MAX_STORED_ERRORS,
    ParseError,
    ParseResult,
    parse_file,
    parse_pairs,
)
from gcdapp.core.presets import SEED_NUMBERS


def read(text: str, **kw) -> ParseResult:
    result = parse_pairs(text, **kw)
    assert result.pairs.ndim == 2 and result.pairs.shape[1] == 2
    assert result.lines.dtype == np.int64 and len(result.lines) == len(result.pairs)
    return result


def messages(result: ParseResult) -> list[str]:
    return [str(e) for e in result.errors]


# --- accepted formats -------------------------------------------------------


def seed_block() -> str:
    """The seed script's NUMBERS block: two tuples a line, a comment."""
    rows = []
    for i in range(0, len(SEED_NUMBERS), 2):
        rows.append("    " + " ".join(f"{p!r}," for p in SEED_NUMBERS[i : i + 2]))
    rows[0] += "  # the seed's numbers"
    return "NUMBERS = [\n" + "\n".join(rows) + "\n]\n"


def test_seed_block_pasted_whole():
    text = seed_block()
    assert "(1963309, 2265973), (2030677, 3814172),  #" in text
    result = read(text)
    assert result.ok
    assert result.format == "python"
    assert pairs_to_list(result.pairs) == list(SEED_NUMBERS)
    assert result.pairs.dtype == np.int64
    assert result.lines.tolist() == [2, 2, 3, 3, 4, 4, 5, 5, 6, 6]


def test_python_annotated_assignment_is_not_a_pair():
    text = "NUMBERS: list[tuple[int, int]] = [\n    (1, 2),\n    [3, 4,],\n    (5, 6,),\n]"
    result = read(text)
    assert result.ok, messages(result)
    assert pairs_to_list(result.pairs) == [(1, 2), (3, 4), (5, 6)]
    assert result.lines.tolist() == [2, 3, 4]


def test_python_tuple_spanning_lines_and_underscores():
    text = "# header comment\nX = (\n  (1_000_000,\n   2),  # note (with brackets)\n  (3, 4)\n)\n"
    result = read(text)
    assert result.ok, messages(result)
    assert pairs_to_list(result.pairs) == [(1_000_000, 2), (3, 4)]
    assert result.lines.tolist() == [3, 5]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("[[12, 18], [3, 4]]", [(12, 18), (3, 4)]),
        ("[\n  [12, 18],\n  [-3, 0]\n]\n", [(12, 18), (-3, 0)]),
        ("[12, 18]", [(12, 18)]),
        ("[]", []),
    ],
)
def test_json(text, expected):
    result = read(text)
    assert result.ok
    assert result.format == "json"
    assert pairs_to_list(result.pairs) == expected


@pytest.mark.parametrize(
    "text",
    [
        "12 18\n3 4\n",
        "12,18\n3,4",
        "12;18\n3;4",
        "12\t18\n3\t4",
        "  12 ,  18  \n\t3 ;\t4\t",
        "# pairs\n\n12 18   # first\n   \n3   4\n",
    ],
)
def test_one_pair_per_line(text):
    result = read(text)
    assert result.ok, messages(result)
    assert result.format == "lines"
    assert pairs_to_list(result.pairs) == [(12, 18), (3, 4)]


def test_line_numbers_count_blank_and_comment_lines():
    result = read("# c\n\n12 18\n# c\n3 4\n")
    assert result.lines.tolist() == [3, 5]


def test_windows_and_old_mac_line_endings():
    result = read("a,b\r\n12,18\r\n\r\n3,4\r\n")
    assert result.ok
    assert pairs_to_list(result.pairs) == [(12, 18), (3, 4)]
    assert result.lines.tolist() == [2, 4]
    assert pairs_to_list(read("1 2\r3 4\r").pairs) == [(1, 2), (3, 4)]


@pytest.mark.parametrize("header", ["a,b", '"x","y"', "first; second", "col1\tcol2"])
def test_csv_header_is_skipped(header):
    result = read(f"{header}\n12,18\n3,4\n")
    assert result.ok, messages(result)
    assert result.format == "csv"
    assert pairs_to_list(result.pairs) == [(12, 18), (3, 4)]
    assert result.lines.tolist() == [2, 3]


def test_header_only_on_the_first_line():
    result = read("12,18\na,b\n3,4\n")
    assert pairs_to_list(result.pairs) == [(12, 18), (3, 4)]
    assert messages(result) == ["line 2: 'a' is not an integer"]


def test_csv_quoted_fields():
    result = read('"a","b"\n"12","18"\n"3", "4"\n"5";"6"\n')
    assert result.ok, messages(result)
    assert result.format == "csv"
    assert pairs_to_list(result.pairs) == [(12, 18), (3, 4), (5, 6)]


def test_spreadsheet_paste_with_thousands_separators():
    result = read("1,963,309\t2,265,973\n12\t18\n-1,000\t999\n")
    assert result.ok, messages(result)
    assert result.format == "csv"
    assert pairs_to_list(result.pairs) == [(1963309, 2265973), (12, 18), (-1000, 999)]


def test_thousands_separators_need_a_tab_and_exact_groups():
    result = read("1,963,309,2,265,973\n1,96\t5\n1234,567\t8\n")
    assert len(result.pairs) == 0
    assert messages(result) == [
        "line 1: expected 2 integers, found 6: '1,963,309,2,265,973'",
        "line 2: '1,96' is not an integer",
        "line 3: '1234,567' is not an integer",
    ]


def test_big_integers_give_an_object_array():
    big = 10**25 + 7
    result = read(f"{big} 3\n4 -{big}\n")
    assert result.ok
    assert result.pairs.dtype == object
    assert pairs_to_list(result.pairs) == [(big, 3), (4, -big)]
    assert all(type(v) is int for v in result.pairs.ravel())


def test_int64_bounds():
    top, bottom = 2**63 - 1, -(2**63)
    assert read(f"{top} {bottom}").pairs.dtype == np.int64
    assert read(f"{top + 1} 1").pairs.dtype == object
    assert pairs_to_list(read(f"[{top + 1}, {bottom - 1}]").pairs) == [(top + 1, bottom - 1)]


@pytest.mark.parametrize("text", ["", "   \n\n", "# nothing\n  # here\n"])
def test_empty_input_gives_no_pairs_and_no_error(text):
    result = read(text)
    assert result.ok
    assert len(result.pairs) == 0 and result.pairs.dtype == np.int64
    assert result.summary() == "0 pairs read"


# --- errors -----------------------------------------------------------------


@pytest.mark.parametrize(
    "line, reason",
    [
        ("12x 18", "'12x' is not an integer"),
        ("12.0,18", "'12.0' is not an integer"),
        ("1e6 2", "'1e6' is not an integer"),
        ("0x10 2", "'0x10' is not an integer"),
        ("12 foo", "'foo' is not an integer"),
        ("1 2 3", "expected 2 integers, found 3: '1 2 3'"),
        ("12", "expected 2 integers, found 1: '12'"),
        ("12,", "expected 2 integers, found 1: '12,'"),
        ("1;2;3", "expected 2 integers, found 3: '1;2;3'"),
    ],
)
def test_bad_line_reports_line_and_reason(line, reason):
    result = read(f"1 2\n# comment\n{line}\n3 4\n")
    assert pairs_to_list(result.pairs) == [(1, 2), (3, 4)]
    assert result.lines.tolist() == [1, 4]
    assert len(result.errors) == result.n_errors == 1
    error = result.errors[0]
    assert error.line == 3
    assert error.reason == reason
    assert str(error) == f"line 3: {reason}"
    assert not result.ok
    assert result.summary() == "2 pairs read; 1 line skipped"


def test_good_lines_around_bad_ones_are_kept():
    text = "foo\n1 2\nbar baz qux\n3 4\n5.5 6\n7 8\n"
    result = read(text)
    assert pairs_to_list(result.pairs) == [(1, 2), (3, 4), (7, 8)]
    assert result.lines.tolist() == [2, 4, 6]
    assert [e.line for e in result.errors] == [1, 3, 5]
    assert result.summary() == "3 pairs read; 3 lines skipped"


def test_too_many_digits_is_refused_before_conversion():
    # int() of 5000 digits would raise its own ValueError in Python 3.11; the
    # parser's message shows the length was checked first.
    result = read("1 2\n" + "9" * 5000 + " 3\n4 5\n")
    assert pairs_to_list(result.pairs) == [(1, 2), (4, 5)]
    assert messages(result) == ["line 2: a 5000-digit integer is over the 4300-digit limit"]
    assert len(result.errors[0].value) == 40 and result.errors[0].value.endswith("…")


def test_digit_limit_is_configurable_and_counts_digits_only():
    result = read("-12_345 1\n123456 1\n", max_digits=5)
    assert pairs_to_list(result.pairs) == [(-12345, 1)]
    assert messages(result) == ["line 2: a 6-digit integer is over the 5-digit limit"]
    assert read("[123456, 1]", max_digits=5).errors[0].reason == (
        "a 6-digit integer is over the 5-digit limit"
    )


def test_long_fragments_are_shortened():
    result = read("x" * 100 + " 1\n")
    value = result.errors[0].value
    assert value == "x" * 39 + "…"
    assert result.errors[0].reason == f"{value!r} is not an integer"


@pytest.mark.parametrize("text", ["1 2\n3 4\n5 6\n7 8\n", "[[1, 2], [3, 4], [5, 6]]"])
def test_too_many_pairs_is_fatal(text):
    result = read(text, max_pairs=2)
    assert result.fatal == "the input has more than 2 pairs; split the list"
    assert len(result.pairs) == 0 and len(result.lines) == 0
    assert not result.ok
    assert result.summary() == result.fatal
    assert read(text, max_pairs=4).fatal is None


def test_too_many_pairs_stops_reading():
    result = read("1 2\n3 4\n5 6\nfoo\n", max_pairs=2)
    assert result.fatal is not None
    assert result.n_errors == 0  # line 4 was never reached


def test_default_pair_limit_message():
    assert parsing._too_many_message(parsing.MAX_PAIRS) == (
        "the input has more than 10,000,000 pairs; split the list"
    )


def test_python_block_errors_are_on_their_lines():
    text = (
        "NUMBERS = [\n"
        "    (1, 2), foo,\n"
        "    (3, 4, 5),\n"
        "    [1.5, 2], (9, 9),\n"
        "    (7, 8),\n"
        "    __import__('os').system('echo hi'),\n"
        "    (1 2),\n"
        "]\n"
        "print(NUMBERS)\n"
    )
    result = read(text)
    assert pairs_to_list(result.pairs) == [(1, 2), (9, 9), (7, 8)]
    assert result.lines.tolist() == [2, 4, 5]
    assert messages(result) == [
        "line 2: unexpected 'foo'",
        "line 3: expected 2 integers, found 3: '(3, 4, 5)'",
        "line 4: '1.5' is not an integer",
        "line 6: unexpected '__import__'",
        "line 7: expected 2 integers, found 1: '(1 2)'",
        "line 9: unexpected 'print'",
    ]
    assert result.n_errors == 6


def test_error_list_is_capped_but_counted():
    text = "\n".join(["bad"] * (MAX_STORED_ERRORS + 500) + ["1 2"])
    result = read(text)
    assert result.n_errors == MAX_STORED_ERRORS + 500
    assert len(result.errors) == MAX_STORED_ERRORS
    assert [e.line for e in result.errors] == list(range(1, MAX_STORED_ERRORS + 1))
    assert pairs_to_list(result.pairs) == [(1, 2)]
    assert result.lines.tolist() == [MAX_STORED_ERRORS + 501]


def test_nul_characters_are_fatal():
    result = read("1 2\x00\x00")
    assert result.fatal is not None and "not a text" in result.fatal
    assert len(result.pairs) == 0


def test_parse_error_str():
    assert str(ParseError(7, "12x", "'12x' is not an integer")) == (
        "line 7: '12x' is not an integer"
    )


def test_pathological_lines_are_quick():
    """No regex backtracking blow-up on long runs of separators."""
    spaces = " " * 100_000
    for text in ["1" + spaces + "x", "(1," + spaces + "2" + spaces, "1" + "\t" * 100_000]:
        result = read(text)
        assert result.n_errors == 1 and len(result.pairs) == 0


# --- files ------------------------------------------------------------------


def test_parse_file_with_bom(tmp_path):
    path = tmp_path / "pairs.csv"
    path.write_bytes(b"\xef\xbb\xbfa,b\r\n12,18\r\n3,4\r\n")
    result = parse_file(path)
    assert result.ok, messages(result)
    assert pairs_to_list(result.pairs) == [(12, 18), (3, 4)]
    assert result.lines.tolist() == [2, 3]


def test_parse_file_passes_limits(tmp_path):
    path = tmp_path / "pairs.txt"
    path.write_text("1 2\n3 4\n5 6\n")
    assert parse_file(str(path), max_pairs=2).fatal is not None
    assert parse_file(str(path), max_digits=1).ok


def test_parse_file_not_utf8(tmp_path):
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00\x01")
    result = parse_file(path)
    assert result.fatal == "image.png is not a UTF-8 text file"
    assert len(result.pairs) == 0


def test_parse_file_missing_gives_fatal(tmp_path):
    """Chosen behaviour: parse_file never raises; a missing file is a fatal result."""
    result = parse_file(tmp_path / "nope.txt")
    assert result.fatal is not None
    assert result.fatal.startswith("cannot read nope.txt")
    assert len(result.pairs) == 0


def test_parse_file_too_large_is_refused_without_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(parsing, "MAX_FILE_BYTES", 10)
    path = tmp_path / "big.txt"
    path.write_text("1 2\n3 4\n5 6\n")

    def no_open(*args, **kwargs):
        raise AssertionError("the file was opened")

    monkeypatch.setattr("builtins.open", no_open)
    result = parse_file(path)
    assert result.fatal == "big.txt is too large (12 bytes; the limit is 10)"


# --- round trips ------------------------------------------------------------

big_ints = st.integers(min_value=-(10**30), max_value=10**30)
pair_lists = st.lists(st.tuples(big_ints, big_ints), max_size=30)


def as_lines(pairs, sep):
    return "\n".join(f"{a}{sep}{b}" for a, b in pairs)


def as_csv(pairs):
    return '"a","b"\r\n' + "".join(f'"{a}","{b}"\r\n' for a, b in pairs)


def as_spreadsheet(pairs):
    return "".join(f"{a:,}\t{b:,}\n" for a, b in pairs)


def as_json(pairs):
    return json.dumps([list(p) for p in pairs], indent=1)


def as_python(pairs):
    rows = []
    for i in range(0, len(pairs), 3):
        rows.append("    " + " ".join(f"({a}, {b})," for a, b in pairs[i : i + 3]) + "  # row")
    return "NUMBERS: list[tuple[int, int]] = [\n" + "\n".join(rows) + "\n]\n"


FORMATTERS = {
    "comma": lambda p: as_lines(p, ","),
    "semicolon": lambda p: as_lines(p, " ; "),
    "space": lambda p: as_lines(p, "   "),
    "tab": lambda p: as_lines(p, "\t"),
    "csv": as_csv,
    "spreadsheet": as_spreadsheet,
    "json": as_json,
    "python": as_python,
}


@pytest.mark.parametrize("name", FORMATTERS)
@settings(max_examples=60, deadline=None)
@given(pairs=pair_lists)
def test_round_trip(name, pairs):
    result = parse_pairs(FORMATTERS[name](pairs))
    assert result.ok, messages(result)
    assert pairs_to_list(result.pairs) == pairs
    fits = all(fits_int64(a) and fits_int64(b) for a, b in pairs)
    assert result.pairs.dtype == (np.int64 if fits else object)


def test_digit_limit_below_one_is_a_programming_error():
    with pytest.raises(ValueError, match="max_digits"):
        parse_pairs("1 2", max_digits=0)


# --- Python source, notes, progress (issue 8) ---------------------------------

from tests.core.test_parsing_fuzz import RUN_SERIAL, RUN_THREADS  # noqa: E402


def test_whole_run_serial_script_reads_numbers():
    assert "import my_module" in RUN_SERIAL and "def main():" in RUN_SERIAL
    assert "if __name__ == '__main__':" in RUN_SERIAL
    result = read(RUN_SERIAL)
    assert result.ok, messages(result)
    assert result.format == "python"
    assert pairs_to_list(result.pairs) == list(SEED_NUMBERS)
    assert result.lines.tolist() == [5, 5, 6, 6, 7, 7, 8, 8, 9, 9]
    assert result.summary() == (
        "10 pairs read; read NUMBERS from Python source; other code ignored"
    )


def test_run_threads_elided_list_gets_one_message():
    result = read(RUN_THREADS)
    assert result.errors == [] and len(result.pairs) == 0
    assert result.fatal == (
        "line 5: NUMBERS = [...] is elided (the list holds a literal '...'),"
        " so its pairs are not in the text"
    )


def test_elided_list_without_script_is_one_error():
    result = read("NUMBERS = [\n   ...\n]\n")
    assert messages(result) == [
        "line 1: '[\\n   ...\\n]' is elided: its pairs are not in the text"
    ]


def test_script_with_a_bad_pair_list_reports_its_lines():
    text = "import os\nX = [(1, 2), (3.5, 4)]\nY = ['a', 'b']\ndef f():\n    pass\n"
    result = read(text)
    assert pairs_to_list(result.pairs) == [(1, 2)]
    assert messages(result) == ["line 2: '3.5' is not an integer"]
    assert "read X from Python source" in result.summary()


def test_import_line_is_not_a_header():
    result = read("import my_module\n1 2\n")
    assert pairs_to_list(result.pairs) == [(1, 2)]
    assert [e.line for e in result.errors] == [1]
    assert "header" not in result.summary()


def test_a_guessed_header_is_said():
    result = read("x y\n1 2\n")
    assert result.ok and pairs_to_list(result.pairs) == [(1, 2)]
    assert result.notes == ["line 1 'x y' taken as a header"]
    assert result.summary() == "1 pair read; line 1 'x y' taken as a header"


def test_progress_is_reported_and_can_cancel():
    text = "1963309,2265973\n" * 3_000_000
    seen = []
    result = parse_pairs(text, progress=seen.append)
    assert len(result.pairs) == 3_000_000
    assert seen and all(0.0 <= f <= 1.0 for f in seen) and seen == sorted(seen)
    with pytest.raises(parsing.ParseCancelled):
        parse_pairs(text, progress=lambda fraction: False)


def test_table_cells_share_the_parser_integer_syntax():
    from gcdapp.core.parsing.integers import INT_RE

    for good in ["12", "-1_234", "+7"]:
        assert INT_RE.fullmatch(good)
    for bad in ["1__2", "_1", "1_", "0x1", "1.0", "١"]:
        assert not INT_RE.fullmatch(bad)
        assert read(f"{bad} 1").n_errors == 1
