"""How a JSON value's kind is named in messages: "a string", "null"."""

from __future__ import annotations

from typing import Any

_NAMES = {
    dict: "an object", list: "a list", str: "a string", bool: "true or false",
    int: "an integer", float: "a number", type(None): "null",
}


def kind_of(value: Any) -> str:
    """``value``'s JSON kind, worded for a message."""
    return _NAMES.get(type(value), type(value).__name__)
