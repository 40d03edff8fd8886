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


class _Reader:
    def __init__(self, out: Collector, max_digits: int):
        self.out = out
        self.max_digits = max_digits
        self.fmt = "lines"
        self.run = _run_pattern(min(max_digits, bulk.INT64_DIGITS)).match

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
