"""Entry point of the frozen ``gcdapp`` executable (the window)."""

import multiprocessing
import sys

if __name__ == "__main__":
    # Before any other import: a worker, the fork server or the resource
    # tracker started from this executable runs its job here and exits,
    # instead of opening another window.
    multiprocessing.freeze_support()
    from gcdapp.__main__ import main

    sys.exit(main())
