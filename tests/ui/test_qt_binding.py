"""The Qt binding must not leak references to None: PySide6 6.12.0 on
CPython 3.11 does, and the interpreter aborts after some thousand calls."""

import sys

from PySide6.QtGui import QColor


def test_methods_returning_none_keep_none_alive():
    color = QColor()
    before = sys.getrefcount(None)
    for _ in range(1000):
        color.setRed(1)
    # Other threads may hold or drop a few references meanwhile; a leak loses 1000.
    assert abs(sys.getrefcount(None) - before) < 100
