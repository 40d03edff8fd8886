"""The line and CSV formats: one pair per line.

Speed: the text is read in chunks of about 1 MB. In each, one regex takes
the longest run of plain pair lines (and blank or comment lines) and numpy
converts it at once; one regex takes a run of lines that cannot hold a
pair (a letter, a dot...), which are errors; only the other lines (quoted
fields, thousands groups, ``_`` groups, big integers, wrong field counts)
take a Python step each.
"""

from __future__ import annotations

import functools
import re

import numpy as np

from gcdapp.core.parsing import bulk
from gcdapp.core.parsing.fields import is_header, line_pair
from gcdapp.core.parsing.integers import BadInteger, shorten
from gcdapp.core.parsing.result import MAX_STORED_ERRORS, Collector, Progress

CHUNK = 1 << 20
_COMMENT = re.compile(r"#[^\n]*")
# The first line that is neither blank nor a comment.
FIRST_CONTENT = re.compile(r"^[^\S\n]*([^#\s][^\n]*)", re.MULTILINE)
# Lines with a character no pair line can hold (before any comment).
_BAD_RUN = re.compile(
    r'(?:(?:[0-9,;"+\-_ \t]++|[^\S\n])*+[^0-9\s,;"+\-_#][^\n]*+(?:\n|\Z))++'
)
# Lines of plain integers that are not two: one, or three and more.
_INT = r"[+-]?+[0-9]++(?:_[0-9]++)*+"
_SEP = r"(?:[ ]*+[,;][ ]*+|[ ]++)"
_COUNT_RUN = re.compile(
    rf"(?:[ ]*+{_INT}(?:(?:{_SEP}{_INT}){{2,}}+)?+[ ]*+(?:#[^\n]*+)?(?:\n|\Z))++"
)
_QUOTED = re.compile(r'^[^#\n]*"', re.MULTILINE)


@functools.lru_cache(maxsize=None)
def _run_pattern(digits: int) -> re.Pattern:
    num = rf"[+-]?+[0-9]{{1,{digits}}}+"
    good = (
        rf"[ \t]*+{num}(?:[ \t]*+[,;][ \t]*+|[ \t]++){num}[ \t]*+(?:#[^\n]*+)?(?:\n|\Z)"
    )
    blank = r"[ \t]*+(?:#[^\n]*+)?\n"
    return re.compile(rf"(?:{good}|{blank})*+")


_WIDE_NUM = r"[+-]?+[0-9]++(?:_[0-9]++)*+"
_WIDE_FIELD = rf'(?:"{_WIDE_NUM}"|{_WIDE_NUM})'
# Runs of pair lines the slow path reads the same way: quoted fields, ``_``
# groups, integers over int64 (no tab next to a ``,``/``;``, where the csv
# split differs). Their digit counts are checked after the match.
_WIDE_RUN = re.compile(
    rf"(?:[ \t]*+{_WIDE_FIELD}(?:[ ]*+[,;][ ]*+|[ \t]++){_WIDE_FIELD}[ \t]*+"
    rf"(?:#[^\n]*+)?(?:\n|\Z)|[ \t]*+(?:#[^\n]*+)?\n)*+"
)
_BIG = re.compile(r"(?<![0-9])[0-9]{%d}" % (bulk.INT64_DIGITS + 1))
_SIGNED = re.compile(r"[+-]?[0-9]+")
#: The wide runs' integers are converted by int() up to this many digits.
WIDE_DIGITS = 300


def _table(chars: bytes) -> np.ndarray:
    table = np.zeros(256, dtype=bool)
    table[list(chars)] = True
    return table


# Characters of lines that can only be pairs or errors without a tab,
# quote or comment; and the characters of one integer token.
_PLAIN_CHARS = _table(b"0123456789+-_ ,;\n")
_TOKEN_CHARS = _table(b"0123456789+-_")


def countable_lines(chunk: str) -> tuple[np.ndarray, np.ndarray]:
    """For an ASCII ``chunk``: the start of every line, and for each line
    the index of the next line (itself included) that is not surely an
    error: a surely bad line holds only digits, signs, ``_``, spaces, ``,``
    and ``;``, is not blank, and has not exactly two integer tokens (a
    pair line has exactly two, so such a line is an error)."""
    arr = np.frombuffer(chunk.encode("ascii"), dtype=np.uint8)
    size = len(arr)
    nl = np.flatnonzero(arr == 10)
    starts = np.concatenate(([0], nl + 1))
    ends = np.concatenate((nl, [size]))
    if starts[-1] == size:
        starts, ends = starts[:-1], ends[:-1]

    def per_line(flags: np.ndarray) -> np.ndarray:
        c = np.concatenate(([0], np.cumsum(flags, dtype=np.int32)))
        return c[ends] - c[starts]

    tok = _TOKEN_CHARS[arr]
    token_starts = tok.copy()
    token_starts[1:] &= ~tok[:-1]
    bad = (
        (per_line(~_PLAIN_CHARS[arr]) == 0)
        & (per_line((arr != 32) & (arr != 10)) > 0)
        & (per_line(token_starts) != 2)
    )
    n = len(starts)
    nxt = np.where(bad, n, np.arange(n))
    nxt = np.minimum.accumulate(nxt[::-1])[::-1]
    return starts, nxt


class _Reader:
    def __init__(self, out: Collector, max_digits: int):
        self.out = out
        self.max_digits = max_digits
        self.fmt = "lines"
        self.run = _run_pattern(min(max_digits, bulk.INT64_DIGITS)).match
        self.wide = _WIDE_RUN.match
        self.too_long = re.compile(r"(?<![0-9])[0-9]{%d}" % (min(max_digits, WIDE_DIGITS) + 1)).search
        self._counted_chunk = None
        self._counted = None

    def slow_line(self, raw: str, line: int) -> None:
        content = raw.partition("#")[0].strip()
        if not content:
            return
        if '"' in content:
            self.fmt = "csv"
        try:
            a, b, thousands = line_pair(content, self.max_digits)
        except BadInteger as bad:
            self.out.error(line, bad.value, bad.reason)
            return
        if thousands:
            self.fmt = "csv"
        self.out.add(a, b, line)

    def bulk_run(self, text: str, line: int) -> None:
        if "#" in text:
            text = _COMMENT.sub("", text)
        if len(text) < 256:
            for i, row in enumerate(text.split("\n")):
                fields = row.replace(",", " ").replace(";", " ").split()
                if fields:
                    self.out.add(int(fields[0]), int(fields[1]), line + i)
            return
        values = bulk.numbers(text)
        n_lines = text.count("\n") + (not text.endswith("\n"))
        if len(values) == 2 * n_lines:
            lines = np.arange(line, line + n_lines, dtype=np.int64)
        else:
            lines = bulk.digit_lines(text, line)
        assert len(values) == 2 * len(lines)
        self.out.extend(values, lines)

    def wide_run(self, raw: str, line: int) -> None:
        """Pair lines with quotes, ``_`` groups or integers over int64."""
        text = _COMMENT.sub("", raw) if "#" in raw else raw
        quoted = '"' in text
        if quoted:
            text = text.replace('"', "")
        if "_" in text:
            text = text.replace("_", "")
        if self.too_long(text):  # an integer over the limits: line by line
            for i, row in enumerate(raw.split("\n")):
                self.slow_line(row, line + i)
            return
        if quoted:
            self.fmt = "csv"
        n_lines = text.count("\n") + (not text.endswith("\n"))
        if _BIG.search(text):
            values = list(map(int, _SIGNED.findall(text)))
            lines = bulk.digit_lines(text, line)
            assert len(values) == 2 * len(lines)
            self.out.extend_ints(values, lines)
            return
        values = bulk.numbers(text)
        if len(values) == 2 * n_lines:
            lines = np.arange(line, line + n_lines, dtype=np.int64)
        else:
            lines = bulk.digit_lines(text, line)
        assert len(values) == 2 * len(lines)
        self.out.extend(values, lines)

    def count_bad_lines(self, chunk: str, pos: int) -> int:
        """Counting mode: how many lines from ``pos`` (a line start) are
        surely errors; 0 when unknown."""
        if self._counted_chunk is not chunk:
            self._counted_chunk = chunk
            # (not for a chunk stretched by one very long line: memory)
            usable = len(chunk) <= 2 * CHUNK and chunk.isascii()
            self._counted = countable_lines(chunk) if usable else None
        if self._counted is None:
            return 0
        starts, nxt = self._counted
        i = int(np.searchsorted(starts, pos))
        if i >= len(starts) or starts[i] != pos:
            return 0
        return int(nxt[i]) - i

    def bad_run(self, text: str, line: int) -> None:
        out = self.out
        if '"' in text and _QUOTED.search(text):
            self.fmt = "csv"
        n = text.count("\n") + (not text.endswith("\n"))
        room = max(0, MAX_STORED_ERRORS - len(out.errors))
        pos = 0
        for i in range(min(n, room)):
            end = text.find("\n", pos)
            end = len(text) if end == -1 else end
            self.slow_line(text[pos:end], line + i)
            pos = end + 1
        if n > room:
            out.count_errors(n - room, line + n - 1)

    def chunk(self, chunk: str, line: int) -> bool:
        """Read one chunk starting on ``line``; False when over the pair limit."""
        out, size, pos = self.out, len(chunk), 0
        while pos < size:
            end = self.run(chunk, pos).end()
            if end > pos:
                self.bulk_run(chunk[pos:end], line)
            elif (end := self.wide(chunk, pos).end()) > pos:
                self.wide_run(chunk[pos:end], line)
            elif out.errors_full and (k := self.count_bad_lines(chunk, pos)):
                out.count_errors(k, line + k - 1)
                starts = self._counted[0]
                i = int(np.searchsorted(starts, pos)) + k
                end = int(starts[i]) if i < len(starts) else size
            else:
                m = _BAD_RUN.match(chunk, pos) or _COUNT_RUN.match(chunk, pos)
                if m is not None:
                    end = m.end()
                    self.bad_run(chunk[pos:end], line)
                else:
                    end = chunk.find("\n", pos)
                    end = size if end == -1 else end + 1
                    self.slow_line(chunk[pos:end], line)
            if out.too_many():
                return False
            line += chunk.count("\n", pos, end)
            pos = end
        return True


def parse_lines(
    text: str, out: Collector, max_digits: int, progress: Progress | None = None
) -> tuple[str, bool]:
    """Read ``text`` into ``out``; returns ``(format, too_many)``."""
    reader = _Reader(out, max_digits)
    pos, line = 0, 1
    first = FIRST_CONTENT.search(text)
    if first is not None:
        content = first.group(1).partition("#")[0].strip()
        if reader.run(first.group(1)).end() == 0 and is_header(content):
            reader.fmt = "csv"
            line = text.count("\n", 0, first.start()) + 1
            out.notes.append(f"line {line:,} {shorten(content)!r} taken as a header")
            end = text.find("\n", first.end())
            pos = len(text) if end == -1 else end + 1
            line += 1
    size = len(text)
    while pos < size:
        end = text.find("\n", pos + CHUNK)
        end = size if end == -1 else end + 1
        if not reader.chunk(text[pos:end], line):
            return reader.fmt, True
        line += text.count("\n", pos, end)
        pos = end
        if progress is not None:
            progress(pos)
    return reader.fmt, False
