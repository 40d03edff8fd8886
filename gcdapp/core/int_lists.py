"""Lists of whole numbers typed by a user: ``1, 2, 3, 4`` or ``1-4``."""

from __future__ import annotations

import re

__all__ = ["parse_int_list"]

_SEPARATORS = re.compile(r"[,;\s]+")


def parse_int_list(text: str, what: str, high: int, *, ranges: bool = False,
                   sort: bool = False) -> list[int]:
    """Whole numbers from 1 to ``high`` separated by commas, semicolons or
    spaces (``ranges``: also ``1-4``), without duplicates; ValueError with a
    message naming the item and why."""
    values: list[int] = []
    for item in _SEPARATORS.split(text.strip()):
        if not item:
            continue
        low, dash, top = item.partition("-") if ranges else (item, "", "")
        span = []
        for part in (low, top) if dash else (low,):
            if not part.isdigit() or not part.isascii():
                raise ValueError(f"{what} {item!r} is not a whole number"
                                 + (" or a range such as 1-4" if ranges else ""))
            span.append(int(part))
        first, last = span[0], span[-1]
        for value in (first, last):
            if not 1 <= value <= high:
                raise ValueError(f"{what} {item!r}: must be between 1 and {high:,}")
        if last < first:
            raise ValueError(f"{what} range {item!r} is empty")
        values += range(first, last + 1)
    if not values:
        raise ValueError(f"no {what}s given")
    values = list(dict.fromkeys(values))
    return sorted(values) if sort else values
