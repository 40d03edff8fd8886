"""Parser fuzzing: well-formed inputs against a small reference parser, and
invariants for any text. Every adversarial case met so far is an @example.

Profiles: ``fuzz-ci`` (2,000 examples a test, the default) and
``fuzz-thorough`` (50,000, by hand: ``GCDAPP_FUZZ=thorough pytest tests/core/test_parsing_fuzz.py``).
"""

from __future__ import annotations

import json
import os
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from gcdapp.core.pairs import pairs_to_list
from gcdapp.core.parsing import MAX_STORED_ERRORS, parse_pairs

settings.register_profile(
    "fuzz-ci", max_examples=2000, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "fuzz-thorough", max_examples=50_000, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
THOROUGH = os.environ.get("GCDAPP_FUZZ") == "thorough"
FUZZ = settings.get_profile("fuzz-thorough" if THOROUGH else "fuzz-ci")
# 50,000 examples outlast the suite's per-test timeout: lift it for that run.
pytestmark = pytest.mark.timeout(0 if THOROUGH else 300)

RUN_SERIAL = """\
import my_module
import time

NUMBERS = [
    (1963309, 2265973), (2030677, 3814172),
    (1551645, 2229620), (2039045, 2020802),
    (1823712, 1924928), (2293129, 1020491),
    (1281238, 2273782), (3823812, 4237281),
    (3812741, 4729139), (1292391, 2123811),
]

def main():
    start = time.time()
    results = list(map(my_module.gcd, NUMBERS))
    end = time.time()
    delta = end - start
    print(f'총 {delta:.3f} 초 걸림')

if __name__ == '__main__':
    main()
"""
RUN_THREADS = """\
import my_module
from concurrent.futures import ThreadPoolExecutor
import time

NUMBERS = [
   ...
]

def main():
    pool = ThreadPoolExecutor(max_workers=2)
    results = list(pool.map(my_module.gcd, NUMBERS))

if __name__ == '__main__':
    main()
"""

# --- the reference: obviously correct for the inputs generated below --------


def reference(text: str, kind: str) -> tuple[list[tuple[int, int]], list[int]]:
    """Pairs and their lines, the slow and simple way."""
    pairs, lines = [], []
    if kind == "json":
        # json gives the values; the lines come from where each inner list starts
        starts = [m.start() for m in re.finditer(r"\[(?=\s*-?\d)", text)]
        for (a, b), at in zip(json.loads(text), starts):
            pairs.append((a, b))
            lines.append(text.count("\n", 0, at) + 1)
        return pairs, lines
    for number, line in enumerate(text.split("\n"), 1):
        line = line.split("#")[0]
        if kind == "python":
            for a, b in re.findall(r"[(\[]\s*([-+0-9_]+)\s*,\s*([-+0-9_]+)\s*,?\s*[)\]]", line):
                pairs.append((int(a), int(b)))
                lines.append(number)
            continue
        fields = [f.strip().strip('"') for f in re.split(r"[,;\t]| +", line.strip())]
        fields = [f for f in fields if f]
        if not fields or (kind == "csv" and number == 1):
            continue
        a, b = fields
        pairs.append((int(a), int(b)))
        lines.append(number)
    return pairs, lines


ints = st.one_of(
    st.integers(-(10**6), 10**6),
    st.integers(-(2**63), 2**63 - 1),
    st.integers(-(10**40), 10**40),
)
pair_lists = st.lists(st.tuples(ints, ints), max_size=40)


def spelled(n: int, underscores: bool) -> str:
    return f"{n:_}" if underscores else str(n)


@st.composite
def well_formed(draw):
    pairs = draw(pair_lists)
    kind = draw(st.sampled_from(["lines", "csv", "json", "python"]))
    under = kind in ("lines", "python") and draw(st.booleans())
    rows = []
    if kind == "json":
        return json.dumps([list(p) for p in pairs], indent=draw(st.sampled_from([None, 1, 4]))), kind
    if kind == "python":
        per_row = draw(st.integers(1, 4))
        tup = draw(st.booleans())
        rows.append(draw(st.sampled_from(["NUMBERS = [", "NUMBERS: list[tuple[int, int]] = [", "["])))
        for i in range(0, len(pairs), per_row):
            items = [
                (f"({spelled(a, under)}, {spelled(b, under)})" if tup
                 else f"[{spelled(a, under)}, {spelled(b, under)}]")
                for a, b in pairs[i : i + per_row]
            ]
            rows.append("    " + ", ".join(items) + "," + draw(st.sampled_from(["", "  # note (9, 9)"])))
        rows.append("]")
        return "\n".join(rows) + "\n", kind
    if kind == "csv":
        rows.append(draw(st.sampled_from(["a,b", '"x","y"', "first;second"])))
    sep = draw(st.sampled_from([",", ";", "\t", " ", "   ", " , ", "\t;\t", "\t\t"]))
    quote = '"' if kind == "csv" and sep.strip() in (",", ";") and draw(st.booleans()) else ""
    for a, b in pairs:
        if draw(st.integers(0, 9)) == 0:
            rows.append(draw(st.sampled_from(["", "# comment 1 2", "   "])))
        comment = draw(st.sampled_from(["", "", "  # 3 4"]))
        rows.append(f"{quote}{spelled(a, under)}{quote}{sep}{quote}{spelled(b, under)}{quote}{comment}")
    return "\n".join(rows) + draw(st.sampled_from(["", "\n"])), kind


@FUZZ
@given(well_formed())
@example(("a,b\n1,2\n", "csv"))
@example(("NUMBERS = [\n    (1_000, -2), [3, 4],  # note (9, 9)\n]\n", "python"))
@example(("[]", "json"))
@example(("", "lines"))
def test_well_formed_matches_the_reference(case):
    text, kind = case
    want_pairs, want_lines = reference(text, kind)
    result = parse_pairs(text)
    assert result.ok, (result.errors[:3], result.fatal)
    assert pairs_to_list(result.pairs) == want_pairs
    assert result.lines.tolist() == want_lines
    if kind == "csv":
        assert result.format == "csv" and "taken as a header" in result.summary()
    elif kind == "json" and want_pairs:
        assert result.format == "json"
    elif kind == "python" and ("(" in text or "#" in text or "=" in text):
        assert result.format == "python"


# --- any text: invariants ------------------------------------------------------

ALPHABET = st.sampled_from(
    list("0123456789") * 3 + list("()[]{},;#\"'_+-=:. \t\n\r") + ["\n"] * 4
    + list("abxyNUMBERS") + ["...", "\u3000", "\x0b", "\x1c", "é", "١", "import ", "def f():"]
)
texts = st.lists(ALPHABET, max_size=300).map("".join)

ADVERSARIAL = [
    "(1" * 20_000,
    "[" * 50_000,
    "," * 50_000,
    "[" * 5_000 + "]" * 5_000,
    "[" * 3000 + "1, 2" + "]" * 3000,
    "foo bar baz " * 5_000,
    "foo\n" * 5_000,
    "x,\n" * 3_000,
    "[\n" + "(1, 2) x\n" * 2_000,
    "1 2 3\n" * 3_000,
    "1 " * 20_000,
    "(1," + " " * 50_000 + "2" + " " * 50_000,
    "1" + "\t" * 50_000,
    "9" * 5000 + " 3\n4 5\n",
    RUN_SERIAL,
    RUN_THREADS,
    "NUMBERS = [\n   ...\n]\n",
    "import my_module\n1 2\n",
    "import my_module\n",
    "a,b\n1,2\n",
    "\ufeff1 2\r\n3 4\r",
    "1 2\x00",
    "1\u30002\n",
    '"1","2"\n"3"; "4"\n',
    "1,963,309\t2,265,973\n",
    "(1,\n2)\n",
    "[1, 2] x # (3, 4)\n(5, 6)",
    "foo(1, 2) (3, 4)",
    "[(1, 2), ...]",
    "def f(:\n  NUMBERS = [(1, 2)]\n",
    "x = '''\n(1, 2)\n",
    "X = [(1, 2)]\nimport os\nY = ((3, 4), (5, 6, 7), (1.5, 2))\n",
    "bad\n" * (MAX_STORED_ERRORS + 20) + "1 2",
]


def check_invariants(text: str, result) -> None:
    n_lines = text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
    assert result.pairs.ndim == 2 and result.pairs.shape[1] == 2
    assert result.pairs.dtype in (np.int64, object)
    assert result.lines.dtype == np.int64 and len(result.lines) == len(result.pairs)
    if len(result.lines):
        assert 1 <= result.lines.min() and result.lines.max() <= n_lines
        assert (np.diff(result.lines) >= 0).all()
    for value in result.pairs.ravel().tolist():
        assert type(value) is int and len(str(abs(value))) <= 4300
    assert len(result.errors) <= MAX_STORED_ERRORS <= MAX_STORED_ERRORS + result.n_errors
    assert result.n_errors >= len(result.errors)
    previous = 0
    for e in result.errors:
        assert previous < e.line <= n_lines  # one error a line, in line order
        previous = e.line
        assert isinstance(e.value, str) and 0 < len(e.value) <= 40 or e.value == ""
        assert e.reason and "\n" not in e.reason
    if result.fatal is not None:
        assert len(result.pairs) == 0 and result.fatal
    assert isinstance(result.summary(), str) and "\n" not in result.summary()


def _with_examples(test):
    for case in ADVERSARIAL:
        test = example(case)(test)
    return test


@FUZZ
@given(texts)
@_with_examples
def test_any_text_keeps_the_invariants(text):
    result = parse_pairs(text)
    check_invariants(text, result)
    # line endings do not change what is read
    if "\r" not in text:
        crlf = parse_pairs(text.replace("\n", "\r\n"))
        assert pairs_to_list(crlf.pairs) == pairs_to_list(result.pairs)
        assert crlf.lines.tolist() == result.lines.tolist()
        assert [str(e) for e in crlf.errors] == [str(e) for e in result.errors]


@FUZZ
@given(texts, st.integers(0, 5), st.integers(1, 25))
@example("1 2\n3 4\n5 6\n", 2, 5)
@example("[[1, 2], [3, 4], [5, 6]]", 2, 5)
@example("123456 1\n-12_345 1", 10, 5)
def test_limits_hold(text, max_pairs, max_digits):
    result = parse_pairs(text, max_pairs=max_pairs, max_digits=max_digits)
    check_invariants(text, result)
    assert len(result.pairs) <= max_pairs
    for value in result.pairs.ravel().tolist():
        assert len(str(abs(value))) <= max_digits


def test_adversarial_cases_by_name():
    """The issue's cases, with what each must give."""
    serial = parse_pairs(RUN_SERIAL)
    assert serial.ok and len(serial.pairs) == 10
    assert "read NUMBERS from Python source; other code ignored" in serial.summary()
    threads = parse_pairs(RUN_THREADS)
    assert threads.fatal is not None and "line 5: NUMBERS = [...] is elided" in threads.fatal
    assert threads.n_errors == 0
    assert parse_pairs("(1" * 20_000).n_errors == 1
    header = parse_pairs("import my_module\n1 2\n")
    assert header.errors[0].line == 1 and pairs_to_list(header.pairs) == [(1, 2)]
