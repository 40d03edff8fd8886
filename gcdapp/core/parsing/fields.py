"""One line's or one group's fields as a pair, with the reason when not."""

from __future__ import annotations

import csv
import keyword
import re

import numpy as np

from gcdapp.core.parsing.integers import BadInteger, parse_int, shorten

# A spreadsheet's thousands grouping, accepted in tab-separated lines only.
_THOUSANDS_RE = re.compile(r"-?[0-9]{1,3}(?:,[0-9]{3})+")
_WORD = re.compile(r"\S+")
#: Longer contents are diagnosed without splitting them into every field.
LONG = 100_000


def count_words(text: str) -> int:
    """``len(text.split())`` without building the list."""
    found, prev_space = 0, True
    for start in range(0, len(text), 1 << 20):
        part = text[start : start + (1 << 20)]
        found += _count_block(part)
        if not prev_space and not part[0].isspace():
            found -= 1  # a word cut by the block boundary
        prev_space = part[-1].isspace()
    return found


def _count_block(part: str) -> int:
    if not part.isascii():
        return _WORD.subn("", part)[1]
    arr = np.frombuffer(part.encode("ascii"), dtype=np.uint8)
    space = ((arr >= 9) & (arr <= 13)) | ((arr >= 28) & (arr <= 32))
    return int(np.count_nonzero(~space[1:] & space[:-1])) + (not space[0])


def to_int(text: str, max_digits: int, *, thousands: bool = False) -> int:
    text = text.strip()
    if thousands and _THOUSANDS_RE.fullmatch(text):
        text = text.replace(",", "")
    return parse_int(text, max_digits)


def fields_to_pair(
    fields: list[str], fragment: str, max_digits: int, *, thousands: bool = False,
    found: int | None = None,
) -> tuple[int, int]:
    """Exactly two fields as a pair, or :class:`BadInteger`.

    ``found`` is the field count when ``fields`` holds only the first few.
    """
    fields = [f.strip() for f in fields]
    if found is None:
        found = len(fields) if len(fields) != 2 else sum(1 for f in fields if f)
    if found != 2:
        shown = shorten(fragment)
        raise BadInteger(shown, f"expected 2 integers, found {found:,}: {shown!r}")
    a, b = fields
    return (
        to_int(a, max_digits, thousands=thousands),
        to_int(b, max_digits, thousands=thousands),
    )


def csv_fields(content: str, delimiter: str) -> list[str]:
    """Split one line; the csv module handles quoted fields."""
    if '"' not in content:
        return content.split(delimiter)
    try:
        return next(csv.reader([content], delimiter=delimiter, skipinitialspace=True))
    except (csv.Error, StopIteration):
        return content.split(delimiter)


def line_fields(content: str) -> tuple[list[str], bool, int | None]:
    """A line's fields, whether thousands groups are allowed, and the field
    count when only the first fields were split (a very long line)."""
    delimiter = "\t" if "\t" in content else "," if "," in content else ";" if ";" in content else None
    if len(content) > LONG:
        if delimiter is None:
            found = count_words(content)
            fields = content.split(None, 2)[:2]
        else:
            found = content.count(delimiter) + 1
            fields = content.split(delimiter, 2)[:2]
        return [f.strip('"') for f in fields], delimiter == "\t", (found if found != 2 else None)
    if delimiter is None:
        return [f.strip('"') for f in content.split()], False, None
    fields = csv_fields(content, delimiter)
    if delimiter == "\t" and len(fields) > 2:
        # "1<TAB><TAB>2", "1<TAB>;<TAB>2": the fast path's separators, also here
        fields = [f for f in fields if f.strip() not in ("", ",", ";")]
    return fields, delimiter == "\t", None


def line_pair(content: str, max_digits: int) -> tuple[int, int, bool]:
    """A stripped, comment-free line as ``(a, b, used_thousands)``, or :class:`BadInteger`."""
    fields, thousands, found = line_fields(content)
    a, b = fields_to_pair(fields, content, max_digits, thousands=thousands, found=found)
    return a, b, thousands and "," in content


def is_header(content: str) -> bool:
    """Two fields that both start with a letter (``a,b``, ``"x","y"``), and
    not a Python statement (``import my_module``)."""
    if len(content) > LONG:
        return False
    fields = [f.strip() for f in line_fields(content)[0]]
    if len(fields) != 2 or not all(n and (n[0].isalpha() or n[0] == "_") for n in fields):
        return False
    first = fields[0].split()[0] if fields[0].split() else fields[0]
    return not keyword.iskeyword(first)
