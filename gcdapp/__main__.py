"""``python -m gcdapp`` and the ``gcdapp`` GUI script: open the window.

Worker processes started with spawn or forkserver re-import the launching
``__main__`` module, so this module imports nothing heavy at import time: Qt is
imported inside :func:`main` only.
"""

import multiprocessing
import sys


def main(argv: list[str] | None = None) -> int:
    multiprocessing.freeze_support()  # first thing, for frozen builds
    from gcdapp.ui.app import run_app

    return run_app(sys.argv if argv is None else argv)


if __name__ == "__main__":
    sys.exit(main())
