"""Pairs assigned in Python source: a whole script pasted or opened.

The text is tokenized with the standard library's :mod:`tokenize` (never
evaluated). Each ``NAME = [...]`` / ``NAME = (...)`` (or annotated) whose
value holds pairs is read by the bracket reader; the rest of the code is
neither pairs nor errors. A list elided as ``[...]`` (a literal ``...``,
as in a book's excerpt) gets one message saying so.
"""

from __future__ import annotations

import io
import re
import tokenize

from gcdapp.core.parsing.brackets import parse_brackets
from gcdapp.core.parsing.result import Collector, Progress

#: Larger texts are read by the fast list readers, not tokenized.
SOURCE_LIMIT = 1 << 20

_HINT = re.compile(
    r"^(?:import[ \t]+[^\W\d]|from[ \t]+[\w.]+[ \t]+import\b|(?:async[ \t]+)?def[ \t]+\w+[ \t]*\("
    r"|class[ \t]+\w+|if[ \t]+__name__\b|@\w)",
    re.MULTILINE,
)


def looks_like_source(text: str) -> bool:
    """An import, a def, a class or an ``if __name__`` at the start of a line."""
    return len(text) <= SOURCE_LIMIT and _HINT.search(text) is not None


class _Assignment:
    def __init__(self, name: str, line: int, start: int):
        self.name = name
        self.line = line
        self.start = start
        self.end = start
        self.elided = False


def _assignments(text: str, progress: Progress) -> list[_Assignment]:
    """Every ``NAME = [...]``/``(...)`` statement, with its value's extent."""
    offsets = [0]
    for m in re.finditer("\n", text):
        offsets.append(m.end())
    found: list[_Assignment] = []
    state, name, depth, current = "start", "", 0, None
    readline = io.StringIO(text).readline
    for i, tok in enumerate(tokenize.generate_tokens(readline)):
        kind, value = tok.type, tok.string
        if not i & 511:
            progress(offsets[tok.start[0] - 1] if tok.start[0] <= len(offsets) else len(text))
        if kind in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT) or value == ";":
            state = "start"
            continue
        if kind in (tokenize.COMMENT, tokenize.NL):
            continue
        if state == "start":
            state, name = ("name", value) if kind == tokenize.NAME else ("other", "")
        elif state == "name":
            state = "annotation" if value == ":" else "equals" if value == "=" else "other"
            depth = 0
        elif state == "annotation":
            if value in "([{" and kind == tokenize.OP:
                depth += 1
            elif value in ")]}" and kind == tokenize.OP:
                depth -= 1
            elif value == "=" and depth == 0:
                state = "equals"
        elif state == "equals":
            if kind == tokenize.OP and value in "([":
                row, col = tok.start
                current = _Assignment(name, row, offsets[row - 1] + col)
                state, depth = "value", 1
            else:
                state = "other"
        elif state == "value" and kind == tokenize.OP:
            if value in "([{":
                depth += 1
            elif value in ")]}":
                depth -= 1
                if depth == 0:
                    row, col = tok.end
                    current.end = offsets[row - 1] + col
                    found.append(current)
                    state = "other"
            elif value == "..." and depth == 1:
                current.elided = True
    return found


def parse_source(
    text: str, max_digits: int, max_pairs: int, progress: Progress
) -> tuple[Collector, bool, str | None] | None:
    """The pairs of a Python script, whether there were too many, and a
    fatal message when nothing was read because the lists are elided; None
    when the text does not tokenize."""
    try:
        assignments = _assignments(text, progress)
    except (tokenize.TokenError, SyntaxError):
        return None
    out = Collector(max_pairs)
    taken, elided, rejected = [], [], []
    for a in assignments:
        part = Collector(max_pairs)
        _, too_many = parse_brackets(
            text[a.start : a.end], part, max_digits,
            first_line=a.line, progress=None,
        )
        if too_many:
            return part, True, None
        if a.elided:
            elided.append(a)
        if len(part.lines):
            taken.append((a, part))
        elif part.n_errors and not a.elided:
            rejected.append((a, part))
    if not taken:
        taken = rejected  # say why the lists that look like data gave nothing
    for _, part in taken:
        out.merge(part)
        if out.too_many():
            return out, True, None
    names = []
    for a, part in taken:
        if len(part.lines) and a.name not in names:
            names.append(a.name)
    if names:
        out.notes.append(f"read {', '.join(names)} from Python source; other code ignored")
    messages = [
        f"line {a.line:,}: {a.name} = [...] is elided (the list holds a literal '...'),"
        " so its pairs are not in the text"
        for a in elided
    ]
    if messages and not names:
        return out, False, "; ".join(messages)
    out.notes.extend(messages)
    if not names and not elided:
        out.notes.append("no list of pairs assigned in this Python source; other code ignored")
    return out, False, None
