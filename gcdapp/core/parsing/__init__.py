"""Read pairs of integers from text: the one parser behind paste, file import
and the CLI.

The format is recognised automatically:

* **lines** -- one pair per line, the two integers separated by a comma,
  semicolon, tab or whitespace (``12 18``, ``12,18``, ``12;18``);
* **csv** -- the same, plus a header line (``a,b``, said so in the notes),
  quoted fields (``"12","18"``) or, in tab-separated lines, thousands
  separators (``1,963,309<TAB>2,265,973``, as a spreadsheet copies them);
* **json** -- ``[[12, 18], [3, 4]]`` or a single ``[12, 18]``;
* **python** -- a Python literal such as the seed's ``NUMBERS = [(12, 18), ...]``,
  with comments, trailing commas, tuples or lists and an optional
  (annotated) assignment; or a whole script (imports, defs...), whose
  assigned lists of pairs are read and whose other code is ignored.

Blank lines and ``#`` comments are skipped everywhere. Integers are an
optional sign and decimal digits; ``_`` digit groups are allowed
(:mod:`.integers`). A bad line never stops the good ones from being read:
every good pair is returned and every bad line gets one :class:`ParseError`
with its 1-based line number.

User text is never evaluated: there is no ``eval``, ``exec``, ``compile`` or
``ast.literal_eval`` here, only regular expressions, numpy's number reader
on validated runs, and :mod:`tokenize` for source.

Modules: :mod:`.result` (what comes back), :mod:`.integers` (the integer
syntax), :mod:`.fields` (one line or group), :mod:`.lines`,
:mod:`.brackets`, :mod:`.source` (the three readers), :mod:`.bulk` (numpy).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable

from gcdapp.core.files import FileTooLargeError, NotRegularFileError, display_name, read_regular
from gcdapp.core.parsing.brackets import ASSIGN, parse_brackets
from gcdapp.core.parsing.integers import MAX_DIGITS
from gcdapp.core.parsing.lines import FIRST_CONTENT, parse_lines
from gcdapp.core.parsing.result import (
    MAX_PAIRS,
    MAX_STORED_ERRORS,
    Collector as _Collector,
    ParseCancelled,
    ParseError,
    ParseResult,
    Progress,
    too_many_message as _too_many_message,
)
from gcdapp.core.parsing.source import looks_like_source, parse_source


__all__ = [
    "MAX_DIGITS", "MAX_FILE_BYTES", "MAX_PAIRS", "MAX_STORED_ERRORS",
    "ParseCancelled", "ParseError", "ParseResult", "parse_file", "parse_pairs",
]

#: ``parse_file`` refuses larger files without reading them.
MAX_FILE_BYTES = 1 << 30

_BRACKET_START = re.compile(r"[(\[]|" + ASSIGN)


def parse_pairs(
    text: str, *, max_pairs: int = MAX_PAIRS, max_digits: int = MAX_DIGITS,
    progress: Callable[[float], object] | None = None,
) -> ParseResult:
    """Read every pair of ``text``; see the module docstring for the formats.

    Never raises for bad input: problems come back as ``errors`` (per line)
    or ``fatal`` (the whole input refused, e.g. more than ``max_pairs`` pairs).
    Raises ValueError only for a ``max_digits`` below 1.

    ``progress``, when given, is called with the fraction done (0 to 1) at
    most five times a second, from the calling thread; returning False (or
    raising :class:`ParseCancelled`) stops the parse, which then raises
    :class:`ParseCancelled`.
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
    tick = Progress(progress, len(text))
    source = None
    if looks_like_source(text):
        read = parse_source(text, max_digits, max_pairs, tick)
        if read is not None:
            out, too_many, fatal = read
            if too_many:
                return out.result("python", _too_many_message(max_pairs))
            source = out.result("python", fatal)
            if len(source.pairs) or fatal is not None:
                return source
    result = _parse_list(text, max_pairs, max_digits, tick)
    if source is not None and not len(result.pairs):
        return source  # a script without pairs: its code is not a list of errors
    return result


def _parse_list(text: str, max_pairs: int, max_digits: int, tick: Progress) -> ParseResult:
    out = _Collector(max_pairs)
    first = FIRST_CONTENT.search(text)
    if first is not None and _BRACKET_START.match(first.group(1)):
        python, too_many = parse_brackets(text, out, max_digits, progress=tick)
        fmt = "python" if python else "json"
    else:
        fmt, too_many = parse_lines(text, out, max_digits, tick)
    if too_many:
        return out.result(fmt, _too_many_message(max_pairs))
    return out.result(fmt)


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
