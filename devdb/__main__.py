"""Command line: `python -m devdb migrate|seed|db ...`."""

import sys

from devdb.cli import main

if __name__ == "__main__":
    sys.exit(main())
