"""Read pairs of integers from text: the one parser behind paste, file import
and the CLI.

The format is recognised automatically:

* **lines** -- one pair per line, the two integers separated by a comma,
  semicolon, tab or whitespace (``12 18``, ``12,18``, ``12;18``);
* **csv** -- the same, plus a header line (``a,b``), quoted fields
  (``"12","18"``) or, in tab-separated lines, thousands separators
  (``1,963,309<TAB>2,265,973``, as a spreadsheet copies them);
* **json** -- ``[[12, 18], [3, 4]]`` or a single ``[12, 18]``;
* **python** -- a Python literal such as the seed's ``NUMBERS = [(12, 18), ...]``,
  with comments, trailing commas, tuples or lists and an optional
  (annotated) assignment.

Blank lines and ``#`` comments are skipped everywhere. Integers are an
optional sign and decimal digits; ``_`` digit groups are allowed. A bad line
never stops the good ones from being read: every good pair is returned and
every bad line gets one :class:`ParseError` with its 1-based line number.

User text is never evaluated: there is no ``eval``, ``exec``, ``compile`` or
``ast.literal_eval`` here, only regular expressions.
"""

from __future__ import annotations

import csv
import functools
import os
import re
from array import array
from dataclasses import dataclass

import numpy as np

from gcdapp.core.files import FileTooLargeError, NotRegularFileError, display_name, read_regular
from gcdapp.core.pairs import fits_int64

MAX_DIGITS = 4300
MAX_PAIRS = 10_000_000
MAX_STORED_ERRORS = 1000
#: ``parse_file`` refuses larger files without reading them.
MAX_FILE_BYTES = 1 << 30

_SHOWN_CHARS = 40

# An integer as accepted anywhere: optional sign, ASCII digits, ``_`` groups.
_INT_RE = re.compile(r"[+-]?[0-9]+(?:_[0-9]+)*")
# A spreadsheet's thousands grouping, accepted in tab-separated lines only.
_THOUSANDS_RE = re.compile(r"-?[0-9]{1,3}(?:,[0-9]{3})+")
# ``NAME =`` or ``NAME: list[tuple[int, int]] =`` at the start of a line.
_ASSIGN = r"^[^\S\n]*[^\W\d]\w*[^\S\n]*(?::[^=\n]*)?="
# The first line that is neither blank nor a comment.
_FIRST_CONTENT = re.compile(r"^[^\S\n]*([^#\s][^\n]*)", re.MULTILINE)
_BRACKET_START = re.compile(r"[(\[]|" + _ASSIGN)
_COMMENT = re.compile(r"#[^\n]*")
# What usually follows a pair in the bracket formats: ``,  # note\n``.
_TAIL = r"[^\S\n]*(?:,[^\S\n]*)?(?P<tail_comment>#[^\n]*)?\n?"
# Up to this many digits every integer fits int64 (10**18 - 1 < 2**63).
_INT64_DIGITS = 18


@functools.lru_cache(maxsize=None)
def _fast_patterns(digits: int) -> tuple[re.Pattern, re.Pattern]:
    """The fast-path regexes for integers of at most ``digits`` digits.

    Returns the line format's pattern (two integers around one separator)
    and the bracket formats' tokenizer. Their fast alternative takes only
    integers short enough to need no digit-limit check and to fit int64;
    anything else falls through to the slow, diagnosing path.
    """
    num = rf"[+-]?[0-9]{{1,{digits}}}"
    line = re.compile(
        rf"[^\S\n]*({num})(?:[^\S\n]*[,;][^\S\n]*|[^\S\n]+)({num})[^\S\n]*"
    )
    # The token alternatives together match every character, so the scan is
    # contiguous.
    token = re.compile(
        # a group of two short integers, optional trailing comma, and its tail
        rf"(?P<fast>(?:(?P<tuple>\()|\[)\s*(?P<a>{num})\s*,"
        rf"\s*(?P<b>{num})\s*(?:,\s*)?(?(tuple)\)|\])" + _TAIL + ")"
        # any other innermost group: diagnosed slowly
        r"|(?P<group>\((?P<paren>[^()\[\]]*)\)|\[(?P<square>[^()\[\]]*)\])"
        r"|(?P<assign>" + _ASSIGN + r")"
        r"|(?P<sep>(?:[^\S\n]|,)+\n?|\n)"
        r"|(?P<comment>#[^\n]*)"
        r"|(?P<bracket>[()\[\]])"
        r"|(?P<junk>[^\s,()\[\]#]+)",
        re.MULTILINE,
    )
    return line, token


@dataclass(frozen=True)
class ParseError:
    """One bad line of the input."""

    line: int  # 1-based line number in the text
    value: str  # the offending fragment, at most 40 characters
    reason: str  # one line that already quotes the value

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class ParseResult:
    """The pairs read from a text, where they came from and what went wrong."""

    pairs: np.ndarray  # (n, 2): int64, or object when a value does not fit int64
    lines: np.ndarray  # int64 (n,): the 1-based line of each pair
    errors: list[ParseError]  # the first MAX_STORED_ERRORS bad lines, in line order
    n_errors: int  # every bad line, stored or not
    format: str  # "lines" | "csv" | "json" | "python"
    fatal: str | None = None  # the whole input was refused; pairs is then empty

    @property
    def ok(self) -> bool:
        return self.n_errors == 0 and self.fatal is None

    def summary(self) -> str:
        """One line for a status bar, e.g. ``"10 pairs read; 2 lines skipped"``."""
        if self.fatal is not None:
            return self.fatal
        n = len(self.pairs)
        text = f"{n:,} pair{'s' if n != 1 else ''} read"
        if self.n_errors:
            text += f"; {self.n_errors:,} line{'s' if self.n_errors != 1 else ''} skipped"
        return text


class _BadValue(Exception):
    """A fragment that is not an acceptable integer (slow path only)."""

    def __init__(self, value: str, reason: str):
        super().__init__(reason)
        self.value = value
        self.reason = reason


def _shorten(text: str) -> str:
    text = text.strip()
    if len(text) <= _SHOWN_CHARS:
        return text
    return text[: _SHOWN_CHARS - 1] + "…"


def _to_int(text: str, max_digits: int, *, thousands: bool = False) -> int:
    """One field as an int, or :class:`_BadValue` saying why not.

    The digit count is checked before ``int()`` is called, so an enormous
    integer costs a length check, not a conversion.
    """
    text = text.strip()
    if thousands and _THOUSANDS_RE.fullmatch(text):
        text = text.replace(",", "")
    if not _INT_RE.fullmatch(text):
        shown = _shorten(text)
        raise _BadValue(shown, f"{shown!r} is not an integer")
    digits = len(text) - (text[0] in "+-") - text.count("_")
    if digits > max_digits:
        raise _BadValue(
            _shorten(text), f"a {digits}-digit integer is over the {max_digits}-digit limit"
        )
    try:
        return int(text)
    except ValueError:  # over the interpreter's own limit (sys.set_int_max_str_digits)
        raise _BadValue(
            _shorten(text), f"a {digits}-digit integer is too long for this Python to convert"
        ) from None


def _fields_to_pair(
    fields: list[str], fragment: str, max_digits: int, *, thousands: bool = False
) -> tuple[int, int]:
    """Exactly two fields as a pair, or :class:`_BadValue`."""
    fields = [f.strip() for f in fields]
    found = len(fields) if len(fields) != 2 else sum(1 for f in fields if f)
    if found != 2:
        shown = _shorten(fragment)
        raise _BadValue(shown, f"expected 2 integers, found {found}: {shown!r}")
    a, b = fields
    return (
        _to_int(a, max_digits, thousands=thousands),
        _to_int(b, max_digits, thousands=thousands),
    )


def _is_header(fields: list[str]) -> bool:
    """Two fields that both start with a letter: ``a,b``, ``"x","y"``."""
    names = [f.strip() for f in fields]
    return len(names) == 2 and all(n and (n[0].isalpha() or n[0] == "_") for n in names)


class _Collector:
    """Accumulates pairs, their lines and errors, within the limits."""

    def __init__(self, max_pairs: int):
        self.max_pairs = max_pairs
        # Interleaved a, b values: a compact int64 array until a value does
        # not fit, then a list of Python ints.
        self.values: array | list = array("q")
        self.lines = array("q")
        self.errors: list[ParseError] = []
        self.n_errors = 0
        self._last_error_line = 0

    def add(self, a: int, b: int, line: int) -> None:
        """Add a pair, switching to Python ints if a value does not fit int64."""
        if isinstance(self.values, array) and not (fits_int64(a) and fits_int64(b)):
            self.values = list(self.values)
        self.values.append(a)
        self.values.append(b)
        self.lines.append(line)

    def error(self, line: int, value: str, reason: str) -> None:
        """Record a bad line; only the first problem of each line counts."""
        if line == self._last_error_line:
            return
        self._last_error_line = line
        self.n_errors += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append(ParseError(line, value, reason))

    def too_many(self) -> bool:
        return len(self.lines) > self.max_pairs

    def result(self, fmt: str, fatal: str | None = None) -> ParseResult:
        if fatal is not None or not self.lines:
            pairs = np.empty((0, 2), dtype=np.int64)
            lines = np.empty(0, dtype=np.int64)
        else:
            if isinstance(self.values, array):
                pairs = np.frombuffer(self.values, dtype=np.int64).reshape(-1, 2)
            else:
                pairs = np.array(self.values, dtype=object).reshape(-1, 2)
            lines = np.frombuffer(self.lines, dtype=np.int64)
        return ParseResult(pairs, lines, self.errors, self.n_errors, fmt, fatal)


def _too_many_message(max_pairs: int) -> str:
    return f"the input has more than {max_pairs:,} pairs; split the list"


def parse_pairs(
    text: str, *, max_pairs: int = MAX_PAIRS, max_digits: int = MAX_DIGITS
) -> ParseResult:
    """Read every pair of ``text``; see the module docstring for the formats.

    Never raises for bad input: problems come back as ``errors`` (per line)
    or ``fatal`` (the whole input refused, e.g. more than ``max_pairs`` pairs).
    Raises ValueError only for a ``max_digits`` below 1.
    """
    if max_digits < 1:
        raise ValueError(f"max_digits must be at least 1, got {max_digits}")
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        return _Collector(max_pairs).result(
            "lines", "the input contains NUL characters; it is not a text list of pairs"
        )
    first = _FIRST_CONTENT.search(text)
    if first is not None and _BRACKET_START.match(first.group(1)):
        return _parse_brackets(text, max_pairs, max_digits)
    return _parse_lines(text, max_pairs, max_digits)


def _parse_lines(text: str, max_pairs: int, max_digits: int) -> ParseResult:
    """The line and CSV formats: one pair per line."""
    out = _Collector(max_pairs)
    fast = _fast_patterns(min(max_digits, _INT64_DIGITS))[0].fullmatch
    values_append = out.values.append
    lines_append = out.lines.append
    n_pairs = 0
    seen_content = False
    fmt = "lines"
    for lineno, line in enumerate(text.split("\n"), 1):
        m = fast(line)
        if m is not None:
            n_pairs += 1
            if n_pairs > max_pairs:
                return out.result(fmt, _too_many_message(max_pairs))
            a, b = m.groups()
            values_append(int(a))
            values_append(int(b))
            lines_append(lineno)
            seen_content = True
            continue

        # Slow path: comments, blank lines, other separators and errors.
        content = line.split("#", 1)[0].strip()
        if not content:
            continue
        thousands = False
        if "\t" in content:
            fields, thousands = _csv_fields(content, "\t"), True
        elif "," in content:
            fields = _csv_fields(content, ",")
        elif ";" in content:
            fields = _csv_fields(content, ";")
        else:
            fields = [f.strip('"') for f in content.split()]
        if '"' in content:
            fmt = "csv"
        if not seen_content:
            seen_content = True
            if _is_header(fields):
                fmt = "csv"
                continue
        try:
            a, b = _fields_to_pair(fields, content, max_digits, thousands=thousands)
        except _BadValue as bad:
            out.error(lineno, bad.value, bad.reason)
            continue
        if thousands and "," in content:
            fmt = "csv"
        n_pairs += 1
        if n_pairs > max_pairs:
            return out.result(fmt, _too_many_message(max_pairs))
        out.add(a, b, lineno)
        values_append = out.values.append  # it may have become a list
    return out.result(fmt)


def _csv_fields(content: str, delimiter: str) -> list[str]:
    """Split one line; the csv module handles quoted fields."""
    if '"' not in content:
        return content.split(delimiter)
    try:
        return next(csv.reader([content], delimiter=delimiter, skipinitialspace=True))
    except (csv.Error, StopIteration):
        return content.split(delimiter)


def _parse_brackets(text: str, max_pairs: int, max_digits: int) -> ParseResult:
    """The JSON and Python formats: each innermost ``(...)``/``[...]`` is a pair.

    Outside the groups only brackets, commas, whitespace, comments and an
    assignment prefix may appear; anything else is an error on its line.
    A pair's line is the line its group starts on.
    """
    out = _Collector(max_pairs)
    values_append = out.values.append
    lines_append = out.lines.append
    python = False  # tuples, comments or an assignment seen: not plain JSON
    lineno = 1
    tokens = _fast_patterns(min(max_digits, _INT64_DIGITS))[1]
    for m in tokens.finditer(text):
        kind = m.lastgroup
        if kind == "fast":
            a, b, is_tuple, comment = m.group("a", "b", "tuple", "tail_comment")
            values_append(int(a))
            values_append(int(b))
            lines_append(lineno)
            lineno += m.group().count("\n")
            if is_tuple or comment:
                python = True
        elif kind == "sep":
            if m.group()[-1] == "\n":
                lineno += 1
            continue
        elif kind == "group":
            whole, content = m.group(), m.group("paren") or m.group("square") or ""
            start_line = lineno
            lineno += whole.count("\n")
            if whole[0] == "(" or "#" in content:
                python = True
            content = _COMMENT.sub("", content)
            if not content.strip():
                continue  # an empty list or tuple holds no pair
            fields = content.split(",")
            if len(fields) > 2 and not fields[-1].strip():
                fields.pop()  # trailing comma: (1, 2, 3,)
            try:
                a, b = _fields_to_pair(fields, _COMMENT.sub("", whole), max_digits)
            except _BadValue as bad:
                out.error(start_line, bad.value, bad.reason)
                continue
            out.add(a, b, start_line)
            values_append = out.values.append  # it may have become a list
        elif kind == "junk":
            shown = _shorten(m.group())
            out.error(lineno, shown, f"unexpected {shown!r}")
            continue
        elif kind == "assign" or kind == "comment":
            python = True
            continue
        else:  # a lone bracket
            continue
        if out.too_many():
            return out.result("python" if python else "json", _too_many_message(max_pairs))
    return out.result("python" if python else "json")


def parse_file(path: str | os.PathLike, **kw) -> ParseResult:
    """Read pairs from a UTF-8 text file (a BOM is fine).

    Never raises for a bad file: a missing or unreadable file, one that is not
    UTF-8 text, one over :data:`MAX_FILE_BYTES` or anything that is not a
    regular file (a named pipe, a device: never opened, so never waited on)
    gives a result with ``fatal`` set. Keyword arguments go to :func:`parse_pairs`.
    """
    name = display_name(path)
    try:
        # Regular files only (a named pipe would block for good); a file over
        # the limit is refused by its size, unread, or when it grew meanwhile.
        data = read_regular(path, MAX_FILE_BYTES)
    except FileTooLargeError as e:
        return _Collector(0).result("lines", _too_big_message(name, e.size))
    except NotRegularFileError as e:
        return _Collector(0).result("lines", str(e))
    except OSError as e:
        return _Collector(0).result("lines", f"cannot read {name}: {e.strerror or e}")
    except ValueError as e:  # a path with a NUL byte
        return _Collector(0).result("lines", f"cannot read {name}: {e}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _Collector(0).result("lines", f"{name} is not a UTF-8 text file")
    return parse_pairs(text, **kw)


def _too_big_message(name: str, size: int) -> str:
    return f"{name} is too large ({size:,} bytes; the limit is {MAX_FILE_BYTES:,})"
