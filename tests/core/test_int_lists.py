"""Whole-number lists typed by a user."""

import pytest

from gcdapp.core.int_lists import parse_int_list


def test_separators_ranges_order_and_duplicates():
    assert parse_int_list("3, 1;2 2", "chunk size", 10) == [3, 1, 2]
    assert parse_int_list("1-3, 6 2", "worker count", 8, ranges=True, sort=True) == [1, 2, 3, 6]


@pytest.mark.parametrize("text, ranges, message", [
    ("1, x", False, "chunk size 'x' is not a whole number"),
    ("1-3", False, "chunk size '1-3' is not a whole number"),
    ("0", False, "chunk size '0': must be between 1 and 100"),
    ("101", False, "must be between 1 and 100"),
    ("4-2", True, "chunk size range '4-2' is empty"),
    ("1-", True, "is not a whole number or a range such as 1-4"),
    (" , ", False, "no chunk sizes given"),
    ("٣", False, "'٣' is not a whole number"),
])
def test_bad_items_are_named_with_why(text, ranges, message):
    with pytest.raises(ValueError) as info:
        parse_int_list(text, "chunk size", 100, ranges=ranges)
    assert message in str(info.value)
