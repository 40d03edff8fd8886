"""A module-level kernel that reports whether its worker has imported numba."""

import sys


def numba_loaded(pair):
    return int("numba" in sys.modules)
