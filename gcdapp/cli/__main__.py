import sys

from gcdapp.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
