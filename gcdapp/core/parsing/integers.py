"""The integer syntax every reader of user text shares: an optional sign,
ASCII decimal digits, ``_`` digit groups (``-1_234``).

The digit count is checked before ``int()`` is called, so an enormous
integer costs a length check, not a conversion. Stdlib only.
"""

from __future__ import annotations

import re

#: The most digits an integer may have (Python's own str->int limit is 4300).
MAX_DIGITS = 4300

#: The one definition of the syntax, as a regex source to embed elsewhere.
INT_PATTERN = r"[+-]?[0-9]+(?:_[0-9]+)*"
INT_RE = re.compile(INT_PATTERN)

_SHOWN_CHARS = 40


class BadInteger(ValueError):
    """A fragment that is not an acceptable integer."""

    def __init__(self, value: str, reason: str):
        super().__init__(reason)
        self.value = value
        self.reason = reason


def shorten(text: str) -> str:
    """``text`` stripped and cut to 40 characters for a message."""
    if len(text) > 4 * _SHOWN_CHARS:
        text = text[: 4 * _SHOWN_CHARS].lstrip() or text.strip()
    text = text.strip()
    if len(text) <= _SHOWN_CHARS:
        return text
    return text[: _SHOWN_CHARS - 1] + "…"


def count_digits(text: str) -> int:
    """Digits of a text already known to match :data:`INT_RE`."""
    return len(text) - (text[0] in "+-") - text.count("_")


def parse_int(text: str, max_digits: int = MAX_DIGITS) -> int:
    """``text`` (surrounding whitespace allowed) as an int, or :class:`BadInteger`."""
    text = text.strip()
    if not INT_RE.fullmatch(text):
        shown = shorten(text)
        raise BadInteger(shown, f"{shown!r} is not an integer")
    digits = count_digits(text)
    if digits > max_digits:
        raise BadInteger(
            shorten(text), f"a {digits}-digit integer is over the {max_digits}-digit limit"
        )
    try:
        return int(text)
    except ValueError:  # over the interpreter's own limit (sys.set_int_max_str_digits)
        raise BadInteger(
            shorten(text), f"a {digits}-digit integer is too long for this Python to convert"
        ) from None
