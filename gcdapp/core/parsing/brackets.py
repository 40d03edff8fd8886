"""The JSON and Python-literal formats: each innermost ``(...)``/``[...]`` is a pair.

Outside the groups only brackets, commas, whitespace, comments and an
assignment prefix may appear; anything else is an error on its line.
A pair's line is the line its group starts on.

Speed: runs of plain pairs are matched by one regex and converted by numpy
(:mod:`.bulk`); every other token is a maximal run (of brackets, separators,
junk), and once a line has its error the rest of it is only searched for
groups, in C. So no shape of input costs a Python step per character.
"""

from __future__ import annotations

import functools
import re

import numpy as np

from gcdapp.core.parsing import bracket_lines, bulk
from gcdapp.core.parsing.fields import LONG, fields_to_pair
from gcdapp.core.parsing.integers import BadInteger, shorten
from gcdapp.core.parsing.result import Collector, Progress

# ``NAME =`` or ``NAME: list[tuple[int, int]] =`` at the start of a line.
ASSIGN = r"^[^\S\n]*[^\W\d]\w*[^\S\n]*(?::[^=\n]*)?="
_COMMENT = re.compile(r"#[^\n]*")
_GROUP = r"\((?P<paren>[^()\[\]]*+)\)|\[(?P<square>[^()\[\]]*+)\]"
# Where the rest of a line that already has its error may still hold a pair.
_CANDIDATE = re.compile(r"#|[(\[](?=[^()\[\]]*[)\]])")
#: Most pairs per bulk run (bounds the run's temporary memory).
_RUN_PAIRS = 4096
#: Most lines per bulk run of error lines.
_BULK_LINES = 65536
#: The first numpy block, and the fewest lines of a regex match that lead to numpy.
_FIRST_BLOCK = 1 << 14
_FEW_LINES = 64
_JUNK_LEFT = re.compile(r"[^\n]+")
#: Most text per numpy step of the counting mode (bounds its temporary memory).
_PLAIN_BLOCK = 1 << 17


def _table(chars: bytes) -> np.ndarray:
    table = np.zeros(256, dtype=bool)
    table[list(chars)] = True
    return table


# Separators: neither pairs nor errors.
_SEPARATOR = _table(b" \t,\n")
_OPENS = _table(b"([")
_CLOSES = _table(b")]")
#: Runs of fewer pairs are converted in Python.
_SMALL_RUN = 8


@functools.lru_cache(maxsize=None)
def _patterns(digits: int) -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    num = rf"[+-]?+[0-9]{{1,{digits}}}+"
    w = r"[ \t\n]*+"
    body = rf"{w}{num}{w},{w}{num}{w}(?:,{w})?+"
    fast = rf"(?:\({body}\)|\[{body}\])"
    run = rf"(?:{fast}(?:[ \t\n,]++|#[^\n]*+)*+){{1,{_RUN_PAIRS}}}"
    token = re.compile(
        rf"(?P<run>{run})"
        rf"|(?P<group>{_GROUP})"
        rf"|(?P<assign>{ASSIGN})"
        r"|(?P<sep>[\s,]++)"
        r"|(?P<comment>#[^\n]*+)"
        r"|(?P<bracket>[)\]]++|[(\[]+(?=[(\[])|[()\[\]])"
        r"|(?P<junk>[^\s,()\[\]#]++)",
        re.MULTILINE,
    )
    rest = re.compile(rf"(?P<run>{run})|(?P<group>{_GROUP})")
    small = re.compile(rf"[(\[]{w}({num}){w},{w}({num})")
    # Whole lines of one-line plain pairs, separators and junk words: read
    # in bulk once the stored errors are full (each line with junk counts).
    w1 = r"[ \t]*+"
    body1 = rf"{w1}{num}{w1},{w1}{num}{w1}(?:,{w1})?+"
    fast1 = rf"(?:\({body1}\)|\[{body1}\])"
    line = rf"(?:(?:{fast1}|[ \t,]++|[^\s,()\[\]#=]++)*+\n)"
    lines = re.compile(rf"{line}{{1,{_BULK_LINES}}}")
    few = re.compile(rf"{line}{{1,{_FEW_LINES}}}")
    return token, rest, small, lines, few


class _Reader:
    def __init__(self, text, out: Collector, max_digits, first_line, progress):
        self.text = text
        self.out = out
        self.max_digits = max_digits
        self.progress = progress
        self.python = False
        self.too_many = False
        self._line = first_line
        self._line_pos = 0
        self.digits = min(max_digits, bulk.INT64_DIGITS)
        self.token, self.rest, self.small, self.bulk_lines, self.few_lines = _patterns(self.digits)
        self._cand_from = len(text) + 1
        self._cand_at = None

    def line_at(self, pos: int) -> int:
        """The line of ``pos``; positions are asked for in increasing order."""
        if pos >= self._line_pos:
            self._line += self.text.count("\n", self._line_pos, pos)
        else:
            self._line -= self.text.count("\n", pos, self._line_pos)
        self._line_pos = pos
        return self._line

    def run(self, start: int, end: int) -> None:
        text = self.text[start:end]
        line = self.line_at(start)
        if "#" in text:
            self.python = True
            text = _COMMENT.sub("", text)
        if "(" in text:
            self.python = True
        out = self.out
        if text.count(",") < 2 * _SMALL_RUN:
            last = 0
            for m in self.small.finditer(text):
                line += text.count("\n", last, m.start())
                last = m.start()
                out.add(int(m.group(1)), int(m.group(2)), line)
        else:
            values = bulk.numbers(text)
            lines = bulk.lines_of(text, b"([", line)
            assert len(values) == 2 * len(lines), text
            out.extend(values, lines)
        if out.too_many():
            self.too_many = True

    def group(self, m: re.Match) -> bool:
        """An innermost group read slowly; False when it is an error."""
        start = m.start()
        whole = m.group()
        content = m.group("paren") if whole[0] == "(" else m.group("square")
        if whole[0] == "(" or "#" in content:
            self.python = True
        content = _COMMENT.sub("", content)
        line = self.line_at(start)
        if not content.strip():
            return True  # an empty list or tuple holds no pair
        if content.strip() == "...":
            self.out.error(line, "...", f"{shorten(whole)!r} is elided: its pairs are not in the text")
            return False
        found = None
        if len(content) > LONG:
            found = content.count(",") + 1
            if found > 2 and not content[content.rfind(",") + 1 :].strip():
                found -= 1  # trailing comma
            fields = content.split(",", 2)[:2]
            found = found if found != 2 else None
        else:
            fields = content.split(",")
            if len(fields) > 2 and not fields[-1].strip():
                fields.pop()  # trailing comma: (1, 2, 3,)
        try:
            shown = _COMMENT.sub("", whole) if len(whole) <= LONG else whole[:200]
            a, b = fields_to_pair(fields, shown, self.max_digits, found=found)
        except BadInteger as bad:
            self.out.error(line, bad.value, bad.reason)
            return False
        self.out.add(a, b, line)
        if self.out.too_many():
            self.too_many = True
        return True

    def skip_rest_of_line(self, pos: int) -> int:
        """After an error at ``pos``: read only the groups left on its line."""
        text = self.text
        end = text.find("\n", pos)
        if end == -1:
            end = len(text)
        while pos < end and not self.too_many:
            if self._cand_from <= pos and (self._cand_at is None or self._cand_at >= pos):
                at = self._cand_at
            else:
                c = _CANDIDATE.search(text, pos)
                at = c.start() if c else None
                self._cand_from, self._cand_at = pos, at
            if at is None or at >= end:
                return end
            if text[at] == "#":
                self.python = True
                return end
            m = self.rest.match(text, at)
            if m is None:
                pos = at + 1
                continue
            if m.lastgroup == "run":
                self.run(at, m.end())
            else:
                self.group(m)
            pos = m.end()
        return max(pos, end)

    def numpy_error_lines(self, pos: int) -> int:
        """Counting mode, in numpy: blocks of whole lines from ``pos`` (a
        line start), growing while every line of a block is accepted."""
        text, out = self.text, self.out
        size = _FIRST_BLOCK
        while not self.too_many:
            # whole lines within ``size`` characters (a longer line: the regex)
            stop = text.rfind("\n", pos, pos + size)
            if stop < pos:
                return pos
            block = text[pos : stop + 1]
            if not block.isascii():
                return pos
            arr = np.frombuffer(block.encode("ascii"), dtype=np.uint8)
            n, values, n_junk = bracket_lines.valid_lines(arr, self.digits)
            if n == 0:
                return pos
            line = self.line_at(pos)
            end = pos + block.index("\n", 0) + 1 if n == 1 else None
            if end is None:
                newlines = np.flatnonzero(arr == 10)
                end = pos + int(newlines[n - 1]) + 1
            part = text[pos:end]
            if len(values):
                if "(" in part:
                    self.python = True
                out.extend(values, bulk.lines_of(part, b"([", line))
                if out.too_many():
                    self.too_many = True
            out.count_errors(n_junk, line + n - 1)
            pos = end
            self.progress(pos)
            if end < stop + 1:
                return pos
            size = min(2 * size, _PLAIN_BLOCK)
        return pos

    def error_lines(self, pos: int) -> int:
        """Counting mode: whole lines of pairs and junk from ``pos``, in bulk."""
        text, out = self.text, self.out
        while not self.too_many:
            m = self.few_lines.match(text, pos)
            if m is None:
                return pos
            if m.group().count("\n") >= _FEW_LINES:
                # a long run of such lines: go on in numpy from its start
                after = self.numpy_error_lines(pos)
                if after > pos:
                    pos = after
                    continue
                m = self.bulk_lines.match(text, pos)
            chunk = m.group()
            line = self.line_at(pos)
            n_lines = chunk.count("\n")
            if "(" in chunk or "[" in chunk:
                if "(" in chunk:
                    self.python = True
                # every bracket here opens or closes a plain pair: junk holds none
                data = chunk.encode("utf-8", "surrogatepass")
                arr = np.frombuffer(data, dtype=np.uint8)
                closes = _CLOSES[arr]
                depth = np.cumsum(_OPENS[arr], dtype=np.int32)
                depth -= np.cumsum(closes, dtype=np.int32)
                outside = (depth == 0) & ~closes
                inside = np.where(outside, np.uint8(32), arr)
                values = bulk.numbers_of_bytes(inside.tobytes())
                out.extend(values, bulk.lines_of(chunk, b"([", line))
                if out.too_many():
                    self.too_many = True
                junk = outside & ~_SEPARATOR[arr]
                newlines = np.flatnonzero(arr == 10)
                n_junk = int(np.count_nonzero(bulk.per_line(junk, newlines)))
            else:
                junk = chunk.replace(",", "").replace(" ", "").replace("\t", "")
                n_junk = _JUNK_LEFT.subn("", junk)[1]
            out.count_errors(n_junk, line + n_lines - 1)
            pos = m.end()
            self.progress(pos)
        return pos

    def read(self) -> None:
        text, out, match = self.text, self.out, self.token.match
        pos, n = 0, len(text)
        steps = 0
        while pos < n:
            m = match(text, pos)
            kind = m.lastgroup
            end = m.end()
            if kind == "run":
                self.run(pos, end)
            elif kind == "sep" or kind == "bracket":
                pass
            elif kind == "group":
                if not self.group(m) and "\n" not in m.group():
                    end = self.skip_rest_of_line(end)
            elif kind == "junk":
                shown = shorten(m.group() if end - pos < 1000 else text[pos : pos + 100])
                out.error(self.line_at(pos), shown, f"unexpected {shown!r}")
                end = self.skip_rest_of_line(end)
                if out.errors_full and end < n:
                    # only from a line start: the error's line is done, and
                    # a pair run read past it ends after a newline or mid-line
                    if text[end] == "\n":
                        end = self.error_lines(end + 1)
                    elif text[end - 1] == "\n":
                        end = self.error_lines(end)
            else:  # assign or comment
                self.python = True
            if self.too_many:
                return
            pos = end
            steps += 1
            if not steps & 255:
                self.progress(pos)


def parse_brackets(
    text: str, out: Collector, max_digits: int, *, first_line: int = 1,
    progress: Progress | None = None,
) -> tuple[bool, bool]:
    """Read ``text`` into ``out``; returns ``(python, too_many)``."""
    reader = _Reader(text, out, max_digits, first_line, progress or Progress(None, 1))
    reader.read()
    return reader.python, reader.too_many
