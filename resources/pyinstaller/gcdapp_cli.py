"""Entry point of the frozen ``gcdapp-cli`` executable."""

import multiprocessing
import sys

if __name__ == "__main__":
    # Before any other import: a worker, the fork server or the resource
    # tracker started from this executable runs its job here and exits.
    multiprocessing.freeze_support()
    from gcdapp.cli.main import main

    sys.exit(main())
