"""Counting mode of the bracket reader in numpy: once the stored errors are
full, whole lines of one-line plain pairs (``(1, 2)``, ``[-3, 4,]``),
separators and junk words need only be checked, converted and counted.

:func:`valid_lines` accepts exactly the lines the regex of
``brackets._patterns`` (``lines``) accepts, for ASCII text; the caller stops
at the first line it refuses and lets the token reader take over.
"""

from __future__ import annotations

import numpy as np

from gcdapp.core.parsing import bulk


def _table(chars: bytes) -> np.ndarray:
    table = np.zeros(256, dtype=bool)
    table[list(chars)] = True
    return table


# Never in such a line: a comment, an assignment, whitespace other than space and tab.
_STOP = _table(b"#=\x0b\x0c\r\x1c\x1d\x1e\x1f")
_SIGNS = _table(b"+-")
_SEPARATOR = _table(b" \t,\n")


def _first_bad_line(bad_pos: list[np.ndarray], newlines: np.ndarray) -> int:
    """The index of the first line holding one of the positions."""
    firsts = [int(p.min()) for p in bad_pos if len(p)]
    if not firsts:
        return len(newlines)
    return int(np.searchsorted(newlines, min(firsts)))


# Characters of a group's content, or its opening bracket.
_GROUP_CHARS = _table(b"0123456789+- \t,([")


def valid_lines(arr: np.ndarray, digits: int) -> tuple[int, np.ndarray, int]:
    """For ASCII bytes ``arr`` ending with a newline: how many leading lines
    are plain pairs, separators and junk, with the values of their pairs
    (flat) and how many of them hold junk."""
    newlines = np.flatnonzero(arr == 10)
    bad_pos = [np.flatnonzero(_STOP[arr])]
    # (comparisons, not table look-ups: no temporary index array)
    opens = (arr == 40) | (arr == 91)
    closes = (arr == 41) | (arr == 93)
    o_at = np.flatnonzero(opens)
    if not len(o_at) and not closes.any():
        n = _first_bad_line(bad_pos, newlines)
        if n == 0:
            return 0, np.empty(0, dtype=np.int64), 0
        end = int(newlines[n - 1]) + 1
        junk = bulk.per_line(~_SEPARATOR[arr[:end]], newlines[:n])
        return n, np.empty(0, dtype=np.int64), int(np.count_nonzero(junk))
    delta = opens.view(np.int8) - closes.view(np.int8)
    depth = np.cumsum(delta, dtype=np.int32)
    bad_pos.append(np.flatnonzero(depth.view(np.uint32) > 1))
    bad_pos.append(newlines[depth[newlines] != 0])
    group_or_open = depth == 1  # inside a group or its opening bracket
    bad_pos.append(np.flatnonzero(group_or_open & ~_GROUP_CHARS[arr]))
    c_at = np.flatnonzero(closes)
    k = min(len(o_at), len(c_at))
    mismatch = (arr[o_at[:k]] == 40) != (arr[c_at[:k]] == 41)
    bad_pos.append(o_at[:k][mismatch])
    if len(o_at) > k:
        bad_pos.append(o_at[k:])
    # Signs: right before a digit, after neither a digit nor a sign (the
    # sign checks hold for inside positions; outside, signs are junk).
    digit = np.subtract(arr, 48, dtype=np.uint8) < 10
    sign_at = np.flatnonzero((arr == 43) | (arr == 45))
    sign_at = sign_at[group_or_open[sign_at]]
    nxt = np.minimum(sign_at + 1, len(arr) - 1)
    prev = sign_at - 1
    sign_bad = ~digit[nxt] | digit[prev] | _SIGNS[arr[prev]]
    bad_pos.append(sign_at[sign_bad])
    # Digit runs inside groups: two per group, each at most ``digits`` long.
    step = np.diff(digit.view(np.int8))
    moves = np.flatnonzero(step)
    ups = step[moves] == 1
    starts = moves[ups] + 1
    ends = moves[~ups]  # the last digit of each run
    if digit[0]:
        starts = np.concatenate(([0], starts))
    # (arr ends with a newline: every run ends)
    inside = group_or_open[starts]
    starts, ends = starts[inside], ends[inside]
    bad_pos.append(starts[ends - starts + 1 > digits])
    groups = len(o_at)
    gid = np.cumsum(opens, dtype=np.int32)
    gid -= 1  # the group of a position inside one
    g = gid[starts]
    runs = np.bincount(g, minlength=groups)
    comma_at = np.flatnonzero(arr == 44)
    comma_at = comma_at[group_or_open[comma_at]]
    n_commas = np.bincount(gid[comma_at], minlength=groups)
    ok = (runs == 2) & (n_commas >= 1) & (n_commas <= 2)
    if ok.any():
        # One comma before the second number, none before the first.
        first = np.zeros(groups, dtype=np.int64)
        second = np.zeros(groups, dtype=np.int64)
        is_first = np.ones(len(starts), dtype=bool)
        is_first[1:] = g[1:] != g[:-1]
        first[g[is_first]] = starts[is_first]
        is_second = np.zeros(len(starts), dtype=bool)
        is_second[1:] = (g[1:] == g[:-1]) & is_first[:-1]
        second[g[is_second]] = starts[is_second]
        idx = np.flatnonzero(ok)
        c_first = np.searchsorted(comma_at, first[idx])
        before_first = c_first - np.searchsorted(comma_at, o_at[idx])
        between = np.searchsorted(comma_at, second[idx]) - c_first
        ok[idx] = (before_first == 0) & (between == 1)
    bad_pos.append(o_at[~ok])
    n = _first_bad_line(bad_pos, newlines)
    if n == 0:
        return 0, np.empty(0, dtype=np.int64), 0
    end = int(newlines[n - 1]) + 1
    part = arr[:end]
    outside = depth[:end] == 0
    outside &= ~closes[:end]
    values = bulk.numbers_of_bytes(np.where(outside, np.uint8(32), part).tobytes())
    junk = bulk.per_line(outside & ~_SEPARATOR[part], newlines[:n])
    return n, values, int(np.count_nonzero(junk))
